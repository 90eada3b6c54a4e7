"""Content hashes that signatures and legal reviews pin (docs/design/records.md)."""

from __future__ import annotations

import hashlib
from typing import Any

# Top-level keys that may change after signing without voiding signatures.
UNSIGNED_KEYS = frozenset({"signatures", "status", "termination", "legal_review", "visibility"})


def signed_content(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in UNSIGNED_KEYS}


def content_sha256(data: dict[str, Any]) -> str:
    """Lower-case hex SHA-256 of the RFC 8785 serialisation of the signed content."""
    import rfc8785

    return hashlib.sha256(rfc8785.dumps(signed_content(data))).hexdigest()
