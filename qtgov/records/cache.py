"""The validation cache: per-file load and schema results keyed by a hash of the file's bytes,
qtgov's version and the schemas, so a warm `validate` only re-parses what changed.

Stored as JSON (never pickle: a cache file must not be able to run code) outside the repository,
under $QTGOV_CACHE_DIR or the user's cache directory; QTGOV_NO_CACHE=1 disables it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from qtgov import __version__
from qtgov.findings import Finding, Related, Severity
from qtgov.messages import from_json, to_json
from qtgov.records.schemas import fingerprint
from qtgov.records.yamlload import LOADER_RULES, Document, LoadResult

_FORMAT = 4  # 3: messages keep their template and parameters; 4: and their English text


def cache_dir() -> Path:
    explicit = os.environ.get("QTGOV_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qtgov"


def write_atomically(path: Path, text: str | Iterable[str]) -> None:
    """Replace `path` with `text` (or its pieces, written one after the other) in one rename. An
    interrupted write (Ctrl-C, SIGTERM while the pool runs) removes its temporary file, so the
    cache never holds half a file."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                fh.writelines(text)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass  # a cache that cannot be written only costs time
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _finding_to_json(f: Finding) -> list[Any]:
    return [
        f.path,
        f.line,
        f.column,
        f.rule,
        int(f.severity),
        to_json(f.message),
        f.pointer,
        [[r.path, r.line, r.column, to_json(r.message)] for r in f.related],
    ]


def _finding_from_json(v: list[Any]) -> Finding:
    related = tuple(Related(r[0], r[1], r[2], from_json(r[3])) for r in v[7])
    return Finding(v[0], v[1], v[2], v[3], Severity(v[4]), from_json(v[5]), v[6], related)


def entry_of(result: LoadResult, schema: list[Finding]) -> dict[str, Any]:
    """A file's load and schema results as JSON values: what the per-file cache stores and what
    a worker process sends back (`records.filework`)."""
    doc = result.document
    return {
        "doc": None if doc is None else [doc.data, doc.pack()],
        "sha": None if doc is None else doc.content_hash,
        "load": [_finding_to_json(f) for f in result.findings],
        "schema": [_finding_to_json(f) for f in schema],
    }


def result_of(relpath: str, entry: dict[str, Any]) -> tuple[LoadResult, list[Finding]] | None:
    """The inverse of `entry_of`; None when the entry is malformed (a corrupt cache is a miss)."""
    try:
        doc = None
        if entry["doc"] is not None:
            data, packed = entry["doc"]
            if not isinstance(packed, str):
                return None
            doc = Document(relpath, data, packed=packed)
            doc.content_hash = entry.get("sha")
        load = [_finding_from_json(v) for v in entry["load"]]
        schema = [_finding_from_json(v) for v in entry["schema"]]
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return LoadResult(doc, load), schema


def code_id(package: Path | None = None) -> str:
    """The state of qtgov's own files (each module's, rule document's and schema's path, size and
    modification time): part of every cache key, so that findings computed by other code — an
    edited checkout between two releases — are never served. Stats only, about 300 files."""
    return _code_id(package or Path(__file__).resolve().parent.parent)


@functools.lru_cache(maxsize=4)
def _code_id(package: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".md", ".json") and "__pycache__" not in path.parts:
            try:
                st = path.stat()
            except OSError:
                continue
            digest.update(f"{path.relative_to(package).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


class FileCache:
    def __init__(self, path: Path | None, entries: dict[str, Any]) -> None:
        self.path = path
        self.entries = entries
        # LOADER_RULES: the loader's findings change between releases too (a cached file would
        # otherwise keep the findings of an older loader).
        self.salt = f"{_FORMAT}\0{__version__}\0{code_id()}\0{LOADER_RULES}\0{fingerprint()}\0"
        self.dirty = False

    @classmethod
    def open(cls, root: Path) -> FileCache:
        if os.environ.get("QTGOV_NO_CACHE"):
            return cls(None, {})
        key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
        path = cache_dir() / f"{key}.json"
        try:
            entries = json.loads(path.read_text("utf-8"))
            if not isinstance(entries, dict):
                entries = {}
        except (OSError, ValueError):
            entries = {}
        return cls(path, entries)

    def key(self, raw: bytes) -> str:
        return hashlib.sha256(self.salt.encode() + raw).hexdigest()

    def get(self, relpath: str, raw: bytes) -> tuple[LoadResult, list[Finding]] | None:
        entry = self.entries.get(relpath)
        if not isinstance(entry, dict) or entry.get("key") != self.key(raw):
            return None
        return result_of(relpath, entry)

    def put(self, relpath: str, raw: bytes, result: LoadResult, schema: list[Finding]) -> None:
        self.entries[relpath] = {"key": self.key(raw), **entry_of(result, schema)}
        self.dirty = True

    def put_entry(self, relpath: str, raw: bytes, entry: dict[str, Any]) -> None:
        """Store an entry already made by `entry_of` (in a worker process)."""
        self.entries[relpath] = {"key": self.key(raw), **entry}
        self.dirty = True

    def save(self, keep: set[str] | None = None) -> None:
        if self.path is None or not self.dirty:
            return
        if keep is not None:
            self.entries = {k: v for k, v in self.entries.items() if k in keep}
        write_atomically(self.path, _pieces(self.entries))


def _pieces(entries: dict[str, Any]) -> Iterator[str]:
    """The bytes of `json.dumps(entries, ensure_ascii=False, separators=(",", ":"))`, one entry at
    a time: json.dumps, not json.dump (only the former uses the C encoder), but never the whole
    text at once (at 10,000 members a 200 MB string, stored with two bytes a character once it
    holds Chinese text). It did not lower a cold run's peak at 3k or 10k (measured): that peak
    comes earlier, while the rules run over the index."""
    yield "{"
    for i, (key, value) in enumerate(entries.items()):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        yield f"{',' if i else ''}{json.dumps(key, ensure_ascii=False)}:{text}"
    yield "}"


class ResultCache:
    """The findings of a whole `validate` run, kept under one key: the digest of every input
    (`repo.input_digest`: each record file's path and bytes, the layout findings) and of the
    rules that ran, plus the state of every other file a rule looked at (`Index.observed`),
    re-checked before the findings are reused. One entry per repository; a miss replaces it."""

    def __init__(self, path: Path | None, salt: str) -> None:
        self.path = path
        self.salt = f"{_FORMAT}\0{__version__}\0{code_id()}\0{LOADER_RULES}\0{fingerprint()}\0{salt}\0"

    @classmethod
    def open(cls, root: Path, salt: str) -> ResultCache:
        if os.environ.get("QTGOV_NO_CACHE"):
            return cls(None, salt)
        key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
        return cls(cache_dir() / "runs" / f"{key}.json", salt)

    def key(self, digest: str) -> str:
        return hashlib.sha256(self.salt.encode() + digest.encode()).hexdigest()

    def get(self, root: Path, digest: str) -> tuple[list[Finding], str | None, tuple[str, ...]] | None:
        """(findings, the alliance's site URL, its languages) of an earlier run on the same
        inputs, or None. The report needs the URL (help links) and the languages (the default
        report language): kept here, a hit never loads the records."""
        from qtgov.records.index import path_state

        if self.path is None:
            return None
        try:
            entry = json.loads(self.path.read_text("utf-8"))
            if not isinstance(entry, dict) or entry.get("key") != self.key(digest):
                return None
            for observed, state in entry["observed"].items():
                relpath, content = (observed[7:], False) if observed.startswith("exists:") else (observed, True)
                if path_state(root, relpath, content=content) != state:
                    return None
            url = entry["url"]
            languages = tuple(entry["languages"])
            if not all(isinstance(lang, str) for lang in languages):
                return None
            findings = [_finding_from_json(v) for v in entry["findings"]]
        except (OSError, KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None
        return findings, url if isinstance(url, str) else None, languages

    def put(
        self,
        digest: str,
        findings: list[Finding],
        url: str | None,
        observed: dict[str, str],
        languages: tuple[str, ...] = (),
    ) -> None:
        if self.path is None:
            return
        entry = {
            "key": self.key(digest),
            "url": url,
            "languages": list(languages),
            "observed": observed,
            "findings": [_finding_to_json(f) for f in findings],
        }
        write_atomically(self.path, json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
