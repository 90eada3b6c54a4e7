"""Placeholders that `qtgov new` and `qtgov amend` leave for a person to fill in
(docs/design/authoring.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from qtgov.findings import Finding, Severity
from qtgov.messages import msg
from qtgov.records.index import Index, Record
from qtgov.rules import rule

AUTHORING = "authoring"
#: A field that still needs a person's decision: its note says which.
TODO_KEY = "x-todo"
#: Free text not written yet starts with this word; an id not chosen yet with `todo-`.
TODO_TEXT = "TODO"
TODO_ID = "todo-"

Path = tuple[str | int, ...]


def placeholders(data: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """(path, what to do) of every placeholder in a record's data, in document order."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == TODO_KEY:
                note = value if isinstance(value, str) else "decide this and remove x-todo"
                yield (*path, key), note
            else:
                yield from placeholders(value, (*path, key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from placeholders(item, (*path, i))
    elif isinstance(data, str) and data.startswith(TODO_TEXT):
        yield path, data
    elif isinstance(data, str) and data.startswith(TODO_ID):
        yield path, "choose an id"


def _where(record: Record, path: Path) -> tuple[int, int]:
    mark = record.key_mark(*path) if path and path[-1] == TODO_KEY else record.mark(*path)
    return mark.line, mark.column


@rule(
    "placeholder",
    Severity.WARNING,
    "Placeholders are replaced before a record is proposed",
    AUTHORING,
    per_record=True,
)
def check_placeholders(index: Index) -> Iterator[Finding]:
    """
    `qtgov new` writes each record complete, except for what only its authors can decide: those
    values are placeholders, so that the record is never valid by accident. A placeholder is
    text that starts with `TODO`, an id that starts with `todo-`, or an `x-todo` note beside
    values pre-filled so that the record can be read (an equal revenue split, a zero amount,
    `shared` holders). Each is a warning while the agreement is a draft, and an error once it
    is proposed or later, in a member record that is no longer prospective, or in a project
    past the `bid` stage.

    Fix: write the real value and delete the `x-todo` line; `qtgov propose` refuses while any
    placeholder remains.
    """
    records = [*index.members.values(), *index.agreements.values(), *index.projects.values()]
    records += index.retrospectives.values()  # no status: a warning until replaced
    early_status = {"agreement": ("draft",), "project": ("bid",)}
    for record in sorted(records, key=lambda r: r.path):
        status = record.get("status")
        early = status in early_status.get(record.kind, (None, "prospective"))
        severity = Severity.WARNING if early else Severity.ERROR
        for path, note in placeholders(record.data):
            line, column = _where(record, path)
            field = "/".join(str(p) for p in path if p != TODO_KEY) or "the record"
            what = note if not note.startswith(TODO_TEXT) else note.removeprefix(TODO_TEXT).lstrip(" :") or "a value"
            what = what.strip().partition("\n")[0] or "a value"  # a Markdown body: its first line
            yield check_placeholders.finding(
                record.path,
                line,
                column,
                msg("placeholder in {field}: {what}", field=field, what=what),
                pointer="".join(f"/{p}" for p in path),
                severity=severity,
            )
