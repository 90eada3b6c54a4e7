"""Findings of per-record rules, kept per record file (docs/design/performance.md).

A rule declared `per_record=True` (see `qtgov.rules`) looks at one record file at a time, with
the charter's record files. So when the whole-run cache misses because a few files changed,
its findings for every other record are reused, and it runs only over the records whose bytes
(or the charter's) changed: on an index holding the charter, the taxonomies and just those
records. Findings at a charter file are never stored; the rules run on every miss, even over no
changed record, so those are always fresh.

One JSON file per repository under the cache directory (`rules/<repo>.json`): record path ->
[key, findings], the key being the sha256 of qtgov's version, the rules and their severities,
the charter files' digests and the record file's digest.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from qtgov import __version__
from qtgov.findings import Finding
from qtgov.records.cache import _finding_from_json, _finding_to_json, cache_dir, code_id, write_atomically
from qtgov.records.index import Index, Record
from qtgov.records.repo import ALLIANCE_FILE, TAXONOMY_DIR
from qtgov.records.schemas import fingerprint
from qtgov.records.yamlload import LOADER_RULES
from qtgov.rules import Rule

_FORMAT = 1
_KINDS = ("members", "agreements", "projects", "retrospectives")


class RecordRuleCache:
    """Per-record rules' findings by record file."""

    def __init__(self, path: Path | None, entries: dict[str, Any]) -> None:
        self.path = path
        self.entries = entries
        self.ran = 0  # records the per-record rules ran over in the last `run`
        self.reused = 0  # records whose findings came from the cache

    @classmethod
    def open(cls, root: Path) -> RecordRuleCache:
        if os.environ.get("QTGOV_NO_CACHE"):
            return cls(None, {})
        key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
        path = cache_dir() / "rules" / f"{key}.json"
        try:
            stored = json.loads(path.read_text("utf-8"))
            entries = stored["records"] if isinstance(stored, dict) and stored.get("format") == _FORMAT else {}
            if not isinstance(entries, dict):
                entries = {}
        except (OSError, ValueError, KeyError, TypeError):
            entries = {}
        return cls(path, entries)

    def run(self, index: Index, rules: list[Rule], digests: dict[str, str]) -> list[Finding]:
        """Every finding of `rules` (all per-record) over `index`, running them only over the
        records whose key changed; saves the cache."""
        salt = hashlib.sha256(f"{_FORMAT}\0{__version__}\0{code_id()}\0{LOADER_RULES}\0{fingerprint()}\0".encode())
        for r in rules:
            salt.update(f"{r.id}:{int(r.severity)}\0".encode())
        for relpath in sorted(digests):
            if relpath == ALLIANCE_FILE or relpath.startswith(f"{TAXONOMY_DIR}/"):
                salt.update(f"{relpath}\0{digests[relpath]}\0".encode())
        charter = salt.hexdigest()
        out: list[Finding] = []
        stale: dict[str, dict[str, Record]] = {kind: {} for kind in _KINDS}
        keys: dict[str, str] = {}
        for kind in _KINDS:
            for ident, record in getattr(index, kind).items():
                key = hashlib.sha256(f"{charter}\0{digests.get(record.path, '')}".encode()).hexdigest()
                entry = self.entries.get(record.path)
                cached = _decode(entry, key)
                if cached is not None:
                    out.extend(cached)
                    self.reused += 1
                else:
                    stale[kind][ident] = record
                    keys[record.path] = key
        self.ran = len(keys)
        # The charter, the taxonomies and the changed records.
        subset = replace(
            index,
            members=stale["members"],
            agreements=stale["agreements"],
            projects=stale["projects"],
            retrospectives=stale["retrospectives"],
        )
        found: dict[str, list[Finding]] = defaultdict(list)
        for r in rules:
            assert r.check is not None
            for finding in r.check(subset):
                out.append(finding)
                found[finding.path].append(finding)
        for relpath, key in keys.items():
            self.entries[relpath] = [key, [_finding_to_json(f) for f in found.get(relpath, [])]]
        self._save(set(digests))
        return out

    def _save(self, paths: set[str]) -> None:
        if self.path is None or not (self.ran or set(self.entries) - paths):
            return
        records = {k: v for k, v in self.entries.items() if k in paths}
        write_atomically(
            self.path,
            json.dumps({"format": _FORMAT, "records": records}, ensure_ascii=False, separators=(",", ":")),
        )


def _decode(entry: Any, key: str) -> list[Finding] | None:
    if not isinstance(entry, list) or len(entry) != 2 or entry[0] != key:
        return None
    try:
        return [_finding_from_json(v) for v in entry[1]]
    except (KeyError, TypeError, ValueError, IndexError):
        return None
