"""`qtgov fmt`: every record file in its canonical form (see `qtgov.authoring.yamldoc`).

A file is rewritten only when its canonical form reads back as the same record (dates as
strings, numbers as numbers: qtgov's own loader decides) and, for an agreement, with the same
content hash, so a signature can never be voided by formatting. Files that do not load are
reported and left alone: `qtgov validate` says why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from qtgov.authoring import common, yamldoc
from qtgov.errors import QtgovError, UsageError
from qtgov.records.hashing import content_sha256
from qtgov.records.repo import discover, find_root
from qtgov.records.yamlload import front_matter, parse_text


@dataclass
class FmtResult:
    changed: list[str] = field(default_factory=list)  # rewritten (or, with check, would be)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    #: with check: (path, line) of the first difference in each file that is not canonical
    differences: list[tuple[str, int]] = field(default_factory=list)


def _first_difference(old: str, new: str) -> int:
    a, b = old.splitlines(), new.splitlines()
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i + 1
    return min(len(a), len(b)) + 1


def _targets(root: Path, paths: list[Path]) -> list[tuple[str, str]]:
    """(kind, relpath) of the record files to format: all of them, or those under `paths`."""
    records = discover(root)
    if not paths:
        return records
    real_root = os.path.realpath(root)
    wanted: list[tuple[str, str]] = []
    for given in paths:
        # A relative path names a file under the current directory, or else under the repository
        # (`qtgov fmt -C repo members/acme.yaml`, as git reads paths after -C).
        found = given if given.is_absolute() or os.path.lexists(given) else root / given
        real = os.path.realpath(found)
        if real != real_root and not real.startswith(real_root + os.sep):
            raise UsageError(f"{given}: outside the repository {root}")
        rel = os.path.relpath(real, real_root).replace(os.sep, "/")
        matched = [
            (kind, relpath)
            for kind, relpath in records
            if rel == "." or relpath == rel or relpath.startswith(rel.rstrip("/") + "/")
        ]
        if not matched:
            raise UsageError(f"{given}: not a record file (members/*.yaml, agreements/*.yaml, charter/…)")
        wanted.extend(m for m in matched if m not in wanted)
    return wanted


def canonical(kind: str, relpath: str, text: str) -> str:
    """The canonical form of one file, refusing (QtgovError) any that would read differently.
    A Markdown record gets its front matter formatted and keeps its body byte for byte: the body
    is prose its authors laid out, and Markdown has no one canonical form."""
    if relpath.endswith(".md"):
        return _canonical_markdown(kind, relpath, text)
    return _canonical_yaml(kind, relpath, text)


def _canonical_markdown(kind: str, relpath: str, text: str) -> str:
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text.removeprefix(bom)
    bounds = front_matter(body)
    if bounds is None or bounds.start < 0:
        raise UsageError(f"{relpath} has no front matter between two --- lines; run qtgov validate")
    fields = body[bounds.opened : bounds.start]
    new = _canonical_yaml(kind, relpath, fields)
    return bom + body[: bounds.opened] + new + body[bounds.start :]


def _canonical_yaml(kind: str, relpath: str, text: str) -> str:
    new = yamldoc.canonical_text(kind, relpath, text)
    if new == text:
        return text
    old_doc = parse_text(relpath, text.removeprefix("\ufeff")).document
    new_doc = parse_text(relpath, new.removeprefix("\ufeff")).document
    if old_doc is None or new_doc is None:
        raise QtgovError(f"{relpath}: the canonical form does not load; left as it is (report it)")
    if kind == "agreement" and isinstance(old_doc.data, dict) and isinstance(new_doc.data, dict):
        if content_sha256(old_doc.data) != content_sha256(new_doc.data):
            raise QtgovError(f"{relpath}: formatting would change the content hash; left as it is (report it)")
        same = old_doc.data == new_doc.data
    else:
        same = _same_but_sets(old_doc.data, new_doc.data)
    if not same:
        raise QtgovError(f"{relpath}: the canonical form reads differently; left as it is (report it)")
    return new


def _same_but_sets(old: object, new: object) -> bool:
    """Equal, except that the lists of `yamldoc.SET_FIELDS` may be in another order."""
    if isinstance(old, dict) and isinstance(new, dict):
        if set(old) != set(new):
            return False
        for key in old:
            a, b = old[key], new[key]
            if key in yamldoc.SET_FIELDS and isinstance(a, list) and isinstance(b, list):
                if sorted(map(repr, a)) != sorted(map(repr, b)):
                    return False
            elif not _same_but_sets(a, b):
                return False
        return True
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_same_but_sets(a, b) for a, b in zip(old, new, strict=True))
    return old == new


def fmt(start: Path, paths: list[Path], *, check: bool = False) -> FmtResult:
    """Format the record files under `paths` (default: all); with `check`, write nothing."""
    root = find_root(Path(start))
    result = FmtResult()
    files: dict[str, str] = {}
    for kind, relpath in _targets(root, paths):
        try:
            text = common.read(root, relpath)
            new = canonical(kind, relpath, text)
        except QtgovError as exc:
            result.skipped.append((relpath, str(exc)))
            continue
        if new == text:
            result.unchanged.append(relpath)
            continue
        result.changed.append(relpath)
        result.differences.append((relpath, _first_difference(text, new)))
        files[relpath] = new
    if files and not check:
        common.write_all(root, files, new=False)
    return result
