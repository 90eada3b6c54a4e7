"""The git facts a handbook shows, gathered once per build: HEAD's commit and date (the build's
as-of day), each record's timeline and each signature's provenance. Without git (or with a
history git refuses) the handbook is still built; it then shows no history."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qtgov.records.index import Index


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
    remote_url: str | None = None  # remote "origin" as a web address, when it is one
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
    """Everything the handbook needs from git, from one pass over the log; an empty GitData (with
    the reason in `error`) when `root` is not a usable repository."""
    from qtgov.errors import GitError
    from qtgov.gitgov.git import is_git_checkout, open_repository

    if not is_git_checkout(root):
        return GitData(error="not a git repository")
    try:
        repo = open_repository(root)
        head = repo.head()
        commit = repo.commit(head)
    except GitError as exc:
        return GitData(error=str(exc))
    stamp = dt.datetime.fromisoformat(commit.committer_date)
    data = GitData(available=True, head=head, head_date=stamp.date(), head_timestamp=int(stamp.timestamp()))
    with contextlib.suppress(GitError):
        data.remote_url = web_url(repo.remote_url())
    if not with_history:
        return data
    try:
        log = repo.read_log()
        data.history = _history(repo, log)
        data.provenance = _provenance(root, index, repo, log)
    except GitError as exc:
        data.error = str(exc)
    return data


def _history(repo: Any, log: Any) -> dict[str, list[HistoryEvent]]:
    """Per record path, newest first, in governance terms (`qtgov.gitgov.history`)."""
    from qtgov.gitgov.history import histories_from_log

    out: dict[str, list[HistoryEvent]] = {}
    for path, record_history in histories_from_log(repo, log).items():
        events = []
        for entry in reversed(record_history.entries):
            day = _day(entry.date)
            if day is not None:
                events.append(HistoryEvent(day, entry.commit, entry.author, entry.summary))
        if events:
            out[path] = events
    return out


def _provenance(root: Path, index: Index, repo: Any, log: Any) -> dict[tuple[str, Any], SignatureProvenance]:
    """Who committed each signature and legal review (`qtgov.gitgov.provenance`), keyed as the pages look
    it up: (agreement id, signature index) and ("review", agreement id)."""
    from qtgov.gitgov.provenance import provenance_report

    out: dict[tuple[str, Any], SignatureProvenance] = {}
    for p in provenance_report(root, index=index, repo=repo, log=log):
        key: tuple[str, Any] = (p.agreement, p.position) if p.act == "signature" else ("review", p.agreement)
        out[key] = SignatureProvenance(p.commit, p.vouched, p.reason)
    return out


def web_url(remote: str | None) -> str | None:
    """A git remote as the address a browser opens: `https://host/owner/repo` from an https
    remote or from the scp-like `git@host:owner/repo.git`; None for anything else (a local path,
    `file://`, a remote with credentials in it), which no reader could open."""
    if not remote:
        return None
    match = re.fullmatch(r"(?:ssh://)?git@([\w.-]+)[:/]([\w.-]+/[\w./-]+?)(?:\.git)?/?", remote)
    if match:
        return f"https://{match.group(1)}/{match.group(2)}"
    match = re.fullmatch(r"https://([\w.-]+(?::\d+)?)/([\w.-]+/[\w./-]+?)(?:\.git)?/?", remote)
    if match:
        return f"https://{match.group(1)}/{match.group(2)}"
    return None
