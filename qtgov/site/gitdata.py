"""The git facts a handbook shows, gathered once per build: HEAD's commit and date (the build's
as-of day), each record's timeline and each signature's provenance. Without git (or with a
history git refuses) the handbook is still built; it then shows no history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qtgov.index import Index


@dataclass(frozen=True)
class HistoryEvent:
    """One change to one record: the day it reached the main line, who made it, what it did."""

    date: dt.date
    commit: str
    author: str
    summary: str


@dataclass(frozen=True)
class SignatureProvenance:
    """Whether git vouches for one signature (or legal review): the commit that introduced it
    and whether its author is the signatory."""

    commit: str | None
    vouched: bool | None
    note: str = ""


@dataclass
class GitData:
    available: bool = False
    error: str | None = None
    head: str | None = None
    head_date: dt.date | None = None
    head_timestamp: int | None = None
    history: dict[str, list[HistoryEvent]] = field(default_factory=dict)
    # (agreement id, signature index) -> provenance; ("review", agreement id) for legal reviews
    provenance: dict[tuple[str, Any], SignatureProvenance] = field(default_factory=dict)

    def last_updated(self, path: str) -> dt.date | None:
        events = self.history.get(path)
        return max(e.date for e in events) if events else None


def _day(iso: str) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(iso).date()
    except ValueError:
        return None


def load_git(root: Path, index: Index, *, with_history: bool = True) -> GitData:
    """Everything the handbook needs from git, in one pass over the log; an empty GitData (with
    the reason in `error`) when `root` is not a usable repository."""
    from qtgov.errors import GitError
    from qtgov.git import is_git_checkout, open_repository

    if not is_git_checkout(root):
        return GitData(error="not a git repository")
    try:
        repo = open_repository(root)
        head = repo.head()
        commit = repo.commit(head)
    except GitError as exc:
        return GitData(error=str(exc))
    stamp = dt.datetime.fromisoformat(commit.committer_date)
    data = GitData(
        available=True,
        head=head,
        head_date=stamp.date(),
        head_timestamp=int(stamp.timestamp()),
    )
    if not with_history:
        return data
    try:
        data.history = _history(repo, index)
        data.provenance = _provenance(root, index)
    except GitError as exc:
        data.error = str(exc)
    return data


def _history(repo: Any, index: Index) -> dict[str, list[HistoryEvent]]:
    """Per record path, newest first. Uses `qtgov.history` when it is there (events in
    governance terms); otherwise one line per commit that touched the file."""
    try:
        from qtgov import history as history_module
    except ImportError:
        history_module = None
    if history_module is not None:
        adapted = _from_history_module(history_module, repo, index)
        if adapted is not None:
            return adapted
    log = repo.read_log()
    out: dict[str, list[HistoryEvent]] = {}
    for path, changes in log.by_path().items():
        events = []
        for sha, _change in changes:
            commit = log.commits[sha]
            if commit.is_merge:
                continue
            line = log.commits.get(log.merged_by.get(sha, sha), commit)
            day = _day(line.committer_date)
            if day is None:
                continue
            events.append(HistoryEvent(day, sha, commit.author_name, commit.subject))
        if events:
            out[path] = events
    return out


def _from_history_module(module: Any, repo: Any, index: Index) -> dict[str, list[HistoryEvent]] | None:
    """Adapt `qtgov.history`'s timelines when its public function is present (it is written
    alongside the handbook; until its interface settles, fall back to plain commits)."""
    timelines = getattr(module, "timelines", None)
    if not callable(timelines):
        return None
    try:
        result = timelines(index.root, index)
    except TypeError:
        return None
    out: dict[str, list[HistoryEvent]] = {}
    for path, events in (result or {}).items():
        converted = []
        for event in events:
            day = getattr(event, "date", None)
            if isinstance(day, str):
                day = _day(day)
            if not isinstance(day, dt.date):
                continue
            converted.append(
                HistoryEvent(
                    day,
                    str(getattr(event, "commit", "")),
                    str(getattr(event, "author", "")),
                    str(getattr(event, "summary", "")),
                )
            )
        out[str(path)] = converted
    return out


def _provenance(root: Path, index: Index) -> dict[tuple[str, Any], SignatureProvenance]:
    """Signature provenance from `qtgov.provenance` when it is there; empty otherwise."""
    try:
        from qtgov import provenance as provenance_module
    except ImportError:
        return {}
    func = getattr(provenance_module, "signature_provenance", None)
    if not callable(func):
        return {}
    try:
        result = func(root, index)
    except TypeError:
        return {}
    out: dict[tuple[str, Any], SignatureProvenance] = {}
    for key, value in (result or {}).items():
        out[key] = SignatureProvenance(
            getattr(value, "commit", None), getattr(value, "vouched", None), str(getattr(value, "note", ""))
        )
    return out
