"""Imports every rule module so that the registry in `qtgov.rules` is complete."""

from qtgov.rules import antitrust, history, loading, overlaps, records, taxonomy, visibility

__all__ = ["antitrust", "history", "loading", "overlaps", "records", "taxonomy", "visibility"]
