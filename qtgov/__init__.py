"""qtgov: a Git-native governance and contracts toolkit for an alliance of startups."""

__version__ = "0.1.0"
