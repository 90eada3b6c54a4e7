"""Governance through git: history, lifecycle checks against a base, provenance of signatures,
pull-request review and approvals, signing, and CODEOWNERS. Only `git` talks to git."""
