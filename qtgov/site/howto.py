"""The handbook's how-to pages: each step of a record's life as the exact commands a member's
secretary types, in order (docs/design/handbook.md). The commands are the same in both editions;
the words around them come from the message catalogue (`i18n.t`, keys `howto_*`).

The steps follow one story: acme joins an alliance made by `qtgov init` (hub `hub`, its
representative `wang`), agrees a market-boundary agreement `cn-market` with the hub, has it reviewed,
amends it, ends it, and leaves. tests/test_howto.py runs every command block of the generated
pages in this order in such a repository, so a command that stops working fails a test."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    text: str  # the catalogue key of the paragraph before the commands
    commands: str = ""  # shell lines (bash), run in the repository's root; empty: text only


@dataclass(frozen=True)
class Howto:
    slug: str  # the page is howto/<slug>.md
    title: str  # catalogue key of the title
    intro: str  # catalogue key of the first paragraph
    steps: tuple[Step, ...]


_COMMIT_AGREEMENT = "git add agreements/cn-market.yaml\n"

HOWTOS: tuple[Howto, ...] = (
    Howto(
        "join",
        "howto_join",
        "howto_join_intro",
        (
            Step(
                "howto_join_new",
                "qtgov new member acme --name 艾克米科技 --name-en 'Acme Tech' \\\n"
                "  --rep li --rep-name 李明 --rep-github li-ming",
            ),
            Step(
                "howto_join_commit",
                "git switch -c join/acme\n"
                "git add members/acme.yaml\n"
                "git commit -m 'Application of acme to join the alliance' \\\n"
                "  --trailer 'Qtgov-Record: members/acme.yaml' --trailer 'Qtgov-Event: member applies'",
            ),
            Step("howto_push"),
            Step(
                "howto_join_admit",
                "qtgov admit acme\n"
                "git add members/acme.yaml\n"
                "git commit -m 'Admit acme' \\\n"
                "  --trailer 'Qtgov-Record: members/acme.yaml' --trailer 'Qtgov-Event: member admitted'",
            ),
        ),
    ),
    Howto(
        "propose",
        "howto_propose",
        "howto_propose_intro",
        (
            Step(
                "howto_propose_terms",
                "cat > cn-market-terms.yaml <<'EOF'\n"
                "allocations:\n"
                "  - scope: {sector: ['*'], region: [CN]}\n"
                "    holder: shared\n"
                "EOF",
            ),
            Step(
                "howto_propose_new",
                "qtgov new agreement cn-market --type market-boundary --parties hub,acme \\\n"
                "  --title 共同经营中国市场 --title-en 'Serving China together' \\\n"
                "  --terms cn-market-terms.yaml\n"
                "rm cn-market-terms.yaml\n"
                "qtgov validate",
            ),
            Step(
                "howto_propose_draft_commit",
                "git switch -c agreement/cn-market\n"
                + _COMMIT_AGREEMENT
                + "git commit -m 'Draft market-boundary agreement cn-market' \\\n"
                "  --trailer 'Qtgov-Record: agreements/cn-market.yaml' --trailer 'Qtgov-Event: agreement drafted'",
            ),
            Step(
                "howto_propose_propose",
                "qtgov propose cn-market\n" + _COMMIT_AGREEMENT + "git commit -m 'Propose cn-market' \\\n"
                "  --trailer 'Qtgov-Record: agreements/cn-market.yaml' --trailer 'Qtgov-Event: agreement proposed'",
            ),
            Step("howto_push"),
        ),
    ),
    Howto(
        "sign",
        "howto_sign",
        "howto_sign_intro",
        (
            Step(
                "howto_sign_hub",
                "qtgov sign cn-market --member hub --as wang\n"
                + _COMMIT_AGREEMENT
                + "git commit -m 'Sign cn-market for hub'",
            ),
            Step(
                "howto_sign_acme",
                "qtgov sign cn-market --member acme --as li\n"
                + _COMMIT_AGREEMENT
                + "git commit -m 'Sign cn-market for acme'",
            ),
            Step("howto_sign_provenance"),
        ),
    ),
    Howto(
        "execute",
        "howto_execute",
        "howto_execute_intro",
        (
            Step(
                "howto_execute_run",
                "qtgov execute cn-market\n" + _COMMIT_AGREEMENT + "git commit -m 'Execute cn-market' \\\n"
                "  --trailer 'Qtgov-Record: agreements/cn-market.yaml' --trailer 'Qtgov-Event: agreement executed'",
            ),
            Step("howto_execute_status", "qtgov status"),
        ),
    ),
    Howto(
        "legal-review",
        "howto_review",
        "howto_review_intro",
        (
            Step(
                "howto_review_counsel",
                "sed -i 's/^  counsel: \\[\\]$/  counsel:\\n"
                "    - {id: zhao, name: 赵律师, github: zhao-law, "
                "commit_emails: [zhao-law@users.noreply.github.com], signing_keys: []}/' "
                "charter/alliance.yaml\n"
                "git add charter/alliance.yaml\n"
                "git commit -m 'Recognise counsel zhao'",
            ),
            Step(
                "howto_review_record",
                "cat >> agreements/cn-market.yaml <<EOF\n"
                "legal_review:\n"
                "  status: approved\n"
                "  reviewer: zhao\n"
                "  date: $(date +%F)\n"
                "  scope: 市场划分与反垄断风险\n"
                "  content_sha256: $(qtgov hash agreements/cn-market.yaml)\n"
                "EOF\n"
                "qtgov validate\n"
                + _COMMIT_AGREEMENT
                + "git commit -m 'Legal review of cn-market' --trailer 'Qtgov-Record: agreements/cn-market.yaml'",
            ),
        ),
    ),
    Howto(
        "amend",
        "howto_amend",
        "howto_amend_intro",
        (
            Step(
                "howto_amend_run",
                "qtgov amend cn-market\n"
                "git add agreements/cn-market-2.yaml\n"
                "git commit -m 'Draft cn-market-2, amending cn-market' \\\n"
                "  --trailer 'Qtgov-Record: agreements/cn-market-2.yaml' \\\n"
                "  --trailer 'Qtgov-Event: agreement amended' --trailer 'Qtgov-Amends: cn-market'",
            ),
            Step("howto_amend_next"),
        ),
    ),
    Howto(
        "terminate",
        "howto_terminate",
        "howto_terminate_intro",
        (
            Step(
                "howto_terminate_run",
                "qtgov terminate cn-market --date 2030-06-30 --reason 项目已完成\n"
                + _COMMIT_AGREEMENT
                + "git commit -m 'Terminate cn-market' \\\n"
                "  --trailer 'Qtgov-Record: agreements/cn-market.yaml' --trailer 'Qtgov-Event: agreement terminated'",
            ),
        ),
    ),
    Howto(
        "leave",
        "howto_leave",
        "howto_leave_intro",
        (
            Step("howto_leave_list"),
            Step(
                "howto_leave_terminate",
                "qtgov withdraw acme --date 2030-12-31 --terminate\n"
                "git add members/acme.yaml agreements/cn-market-2.yaml\n"
                "git commit -m 'Withdrawal of acme' --trailer 'Qtgov-Record: members/acme.yaml' \\\n"
                "  --trailer 'Qtgov-Record: agreements/cn-market-2.yaml' --trailer 'Qtgov-Event: member withdraws'\n"
                "qtgov validate",
            ),
        ),
    ),
)
