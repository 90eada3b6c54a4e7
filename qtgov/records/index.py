"""The index of all records of an alliance repository, built once and shared by every check."""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qtgov.records.yamlload import Document, Mark


def path_state(root: Path, relpath: str, *, content: bool = True) -> str:
    """What a rule can learn of a path: absent, a link and its target, a regular file and the
    sha256 of its bytes, or another kind of file (only present or absent when not `content`)."""
    full = root / relpath
    try:
        st = os.lstat(full)
    except (OSError, ValueError):
        return "absent"
    if not content:
        return "present"
    if stat.S_ISLNK(st.st_mode):
        try:
            return f"link {os.readlink(full)}"
        except OSError:
            return "link"
    if stat.S_ISREG(st.st_mode):
        digest = hashlib.sha256()
        try:
            with open(full, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
        except OSError:
            return "unreadable"
        return f"file {digest.hexdigest()}"
    return f"mode {st.st_mode:o}"


@dataclass
class Record:
    """One loaded record file. `valid` is False when it failed its schema (rules skip it)."""

    kind: str  # alliance | taxonomy | member | agreement | project | retrospective
    id: str
    path: str  # repository-relative, POSIX
    doc: Document
    valid: bool = True

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data if isinstance(self.doc.data, dict) else {}

    @property
    def content_sha256(self) -> str:
        """The hash signatures and legal reviews pin (docs/design/records.md), computed once per file."""
        if self.doc.content_hash is None:
            from qtgov.records.hashing import content_sha256

            self.doc.content_hash = content_sha256(self.data)
        return self.doc.content_hash

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def mark(self, *path: str | int) -> Mark:
        """Position of the value at `path` (or its nearest ancestor)."""
        return self.doc.mark(tuple(path))

    def key_mark(self, *path: str | int) -> Mark:
        """Position of the key holding `path` (falls back to the value)."""
        return self.doc.key_mark(tuple(path))


@dataclass(frozen=True)
class Settings:
    """Alliance-wide settings from charter/alliance.yaml, with the documented defaults filled in."""

    id: str = ""
    hub: str | None = None
    languages: tuple[str, ...] = ("zh", "en")
    sector_scheme: str = "qt-markets"
    segment_scheme: str = "qt-segments"
    aliases_nested: bool = True  # HK, MO, TW sit inside CN
    competitor_depth: int = 1
    legal_strict: bool = False
    counsel: tuple[dict[str, Any], ...] = ()
    overlaps_severity: str = "warning"
    quorum_members: int = 0
    publish_repository: str = "public"
    audience: str = "public"
    url: str | None = None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Settings:
        schemes = data.get("schemes") or {}
        legal = data.get("legal") or {}
        publish = data.get("publish") or {}
        return cls(
            id=data.get("id", ""),
            hub=data.get("hub"),
            languages=tuple(data.get("languages") or ("zh", "en")),
            sector_scheme=schemes.get("sector", "qt-markets"),
            segment_scheme=schemes.get("segment", "qt-segments"),
            aliases_nested=(data.get("region") or {}).get("aliases", "nested") == "nested",
            competitor_depth=int(data.get("competitor_depth", 1)),
            legal_strict=bool(legal.get("strict", False)),
            counsel=tuple(legal.get("counsel") or ()),
            overlaps_severity=(data.get("overlaps") or {}).get("severity", "warning"),
            quorum_members=int(((data.get("approvals") or {}).get("quorum") or {}).get("members", 0)),
            publish_repository=publish.get("repository", "public"),
            audience=publish.get("audience", "public"),
            url=publish.get("url"),
        )

    def counsel_by_id(self) -> dict[str, dict[str, Any]]:
        return {c["id"]: c for c in self.counsel if isinstance(c, dict) and "id" in c}


@dataclass
class Index:
    """All records of one repository. Only schema-valid records appear in the kind maps;
    `known` holds every id that has a file at all, so a broken file does not cascade into
    "unknown member" findings elsewhere."""

    root: Path
    alliance: Record | None = None
    taxonomies: dict[str, Record] = field(default_factory=dict)  # by scheme id
    members: dict[str, Record] = field(default_factory=dict)
    agreements: dict[str, Record] = field(default_factory=dict)
    projects: dict[str, Record] = field(default_factory=dict)
    retrospectives: dict[str, Record] = field(default_factory=dict)
    known: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    charter_pages: list[str] = field(default_factory=list)
    # Files outside the record files that rules looked at, with their state when they did
    # (`path_state`): the result cache re-checks them before reusing a run's findings.
    observed: dict[str, str] = field(default_factory=dict)

    def observe(self, relpath: str, *, content: bool = True) -> None:
        """Note that a rule's findings depend on the file at `relpath`: its kind and bytes, or
        only whether it exists (`content=False`)."""
        key = relpath if content else f"exists:{relpath}"
        if key not in self.observed:
            self.observed[key] = path_state(self.root, relpath, content=content)

    @functools.cached_property
    def settings(self) -> Settings:
        if self.alliance is None or not self.alliance.valid:
            return Settings()
        return Settings.from_data(self.alliance.data)

    @property
    def hub(self) -> Record | None:
        hub_id = self.settings.hub
        return self.members.get(hub_id) if hub_id else None

    def records(self) -> Iterator[Record]:
        if self.alliance is not None:
            yield self.alliance
        yield from self.taxonomies.values()
        yield from self.members.values()
        yield from self.agreements.values()

    def is_known(self, kind: str, ident: str) -> bool:
        return ident in self.known[kind]

    @functools.cached_property
    def amended_by(self) -> dict[str, list[Record]]:
        """Agreement id -> agreements that amend or supersede it."""
        out: dict[str, list[Record]] = defaultdict(list)
        for agreement in self.agreements.values():
            targets = set(agreement.get("supersedes") or [])
            if agreement.get("amends"):
                targets.add(agreement.get("amends"))
            for target in targets:
                out[target].append(agreement)
        return out


def party_ids(agreement: Record) -> list[str]:
    return [p["member"] for p in agreement.get("parties") or [] if isinstance(p, dict) and "member" in p]
