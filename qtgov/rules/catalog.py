"""Imports every rule module so that the registry in `qtgov.rules` is complete."""

from qtgov.rules import (
    antitrust,
    approvers,
    consistency,
    economics,
    exits,
    history,
    loading,
    overlaps,
    ownership,
    placeholders,
    records,
    taxonomy,
    visibility,
)

__all__ = [
    "antitrust",
    "approvers",
    "consistency",
    "economics",
    "exits",
    "history",
    "loading",
    "overlaps",
    "ownership",
    "placeholders",
    "records",
    "taxonomy",
    "visibility",
]
