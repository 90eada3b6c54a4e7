"""Records' history in governance terms (docs/design/git.md), computed from the one-pass log.

This is the API the handbook uses for record timelines, "last updated", the changelog and
version diffs. Everything returned is a plain value:

- `record_histories(root)` -> {path: RecordHistory} for every record file ever on the main line;
- `timelines(root, index)` -> {path: [HistoryEntry, newest first]} (what record pages show);
- `history_of(root, record_id)` -> RecordHistory of one member, agreement, project or
  retrospective;
- `changelog(histories)` -> every entry of every record, newest first;
- `read_versions(root, blob_ids)` -> {blob id: text} to diff two versions of a record.

An entry's `date` is the committer date of the first-parent commit on the main line that brought
the change in (the merge of the pull request); `commit` and `author` are those of the commit that
made the change (inside the pull request); `events` say what changed ("status proposed →
executed", "signature added by … for …"). `describe_change()` is shared with `qtgov review`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qtgov.messages import Joined, Message, joined, msg, render
from qtgov.records.hashing import content_sha256

ALLIANCE_FILE = "charter/alliance.yaml"
_MEMBER = re.compile(r"members/([a-z0-9][a-z0-9-]{1,62})\.yaml\Z")
_AGREEMENT = re.compile(r"agreements/([a-z0-9][a-z0-9-]{1,62})\.yaml\Z")
_TAXONOMY = re.compile(r"charter/taxonomy/([^/]+)\.yaml\Z")
_PROJECT = re.compile(r"projects/([a-z0-9][a-z0-9-]{1,62})\.yaml\Z")
_RETROSPECTIVE = re.compile(r"retrospectives/([a-z0-9][a-z0-9-]{1,62})\.(?:yaml|md)\Z")
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,62}\Z")


@dataclass(frozen=True)
class Event:
    """One governance change: a stable `kind` (for scripts), the record's id and path, a
    `summary` (a `msg`: English as a string, `messages.render` says it in Chinese), and the
    values the summary is made of in `detail`."""

    kind: str
    record: str
    path: str
    summary: str
    detail: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "record": self.record, "path": self.path, "summary": self.summary, **self.detail}


@dataclass(frozen=True)
class HistoryEntry:
    """One change to one record file on the main line. `author_email` is personal data: the
    handbook shows `author` (the commit's name) and never publishes the address."""

    path: str
    kind: str  # member | agreement | project | retrospective | alliance | taxonomy
    record: str
    date: str  # committer date of the main-line (first-parent) commit that brought it in
    merge: str  # that main-line commit
    commit: str  # the commit that made the change
    author: str
    author_email: str
    authored: str  # the author date of `commit`
    events: tuple[Event, ...]
    blob: str | None  # the version after the change (None: deleted)
    previous_blob: str | None  # the version before (None: added)

    @property
    def day(self) -> str:
        return self.date[:10]

    @property
    def summary(self) -> str:
        return joined("; ", (e.summary for e in self.events))

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "merge": self.merge,
            "commit": self.commit,
            "author": self.author,
            "author_email": self.author_email,
            "authored": self.authored,
            "path": self.path,
            "kind": self.kind,
            "record": self.record,
            "changes": [e.summary for e in self.events],
            "events": [e.as_dict() for e in self.events],
            "blob": self.blob,
            "previous_blob": self.previous_blob,
        }


@dataclass(frozen=True)
class RecordHistory:
    """The timeline of one record file, oldest first."""

    path: str
    kind: str
    record: str
    entries: tuple[HistoryEntry, ...]

    @property
    def created(self) -> str | None:
        return self.entries[0].date if self.entries else None

    @property
    def last_updated(self) -> str | None:
        return self.entries[-1].date if self.entries else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "record": self.record,
            "created": self.created,
            "last_updated": self.last_updated,
            "entries": [e.as_dict() for e in self.entries],
        }


def classify(path: str) -> tuple[str, str] | None:
    """(kind, id) of a record path, or None for other files."""
    if path == ALLIANCE_FILE:
        return "alliance", ""
    for kind, pattern in (
        ("member", _MEMBER),
        ("agreement", _AGREEMENT),
        ("taxonomy", _TAXONOMY),
        ("project", _PROJECT),
        ("retrospective", _RETROSPECTIVE),
    ):
        m = pattern.match(path)
        if m:
            return kind, m.group(1)
    return None


def parse_record(path: str, raw: bytes | None) -> dict[str, Any] | None:
    """A record's data from a blob with qtgov's hardened loader; None when absent or unreadable."""
    if raw is None:
        return None
    from qtgov.records.yamlload import MAX_BYTES, parse_bytes

    if len(raw) > MAX_BYTES:
        return None
    result = parse_bytes(path, raw)
    if result.document is None or not isinstance(result.document.data, dict):
        return None
    return result.document.data


class RecordParser:
    """Parses record versions read from git, each blob once. When the validation cache of the
    working tree holds the same bytes for a path (most files never change after they are
    added), its parse is reused instead of parsing again."""

    #: Loading the cache costs about as much as parsing a few hundred files, so it is opened
    #: only once that many have been parsed.
    CACHE_AFTER = 300

    def __init__(self, root: Path | None = None, *, use_cache: bool = True) -> None:
        self._memo: dict[str, dict[str, Any] | None] = {}
        self._root = Path(root) if root is not None and use_cache else None
        self._cache: Any = None
        self._parsed = 0

    def _open_cache(self) -> None:
        from qtgov.records.cache import FileCache

        assert self._root is not None
        try:
            self._cache = FileCache.open(self._root)
        except Exception:  # a broken cache only costs time
            self._cache = None
        self._root = None

    def data(self, path: str, blob: str | None, raw: bytes | None) -> dict[str, Any] | None:
        if blob is None or raw is None:
            return None
        if blob not in self._memo:
            self._memo[blob] = self._parse(path, raw)
        return self._memo[blob]

    def _parse(self, path: str, raw: bytes) -> dict[str, Any] | None:
        self._parsed += 1
        if self._root is not None and self._parsed > self.CACHE_AFTER:
            self._open_cache()
        if self._cache is not None:
            hit = self._cache.get(path, raw)
            if hit is not None:
                document = hit[0].document
                return document.data if document is not None and isinstance(document.data, dict) else None
        return parse_record(path, raw)


# -- what changed, in governance terms ----------------------------------------------------------


class Ref(str):
    """A member, agreement, representative or counsel an event mentions: the id (what JSON and
    the English `summary` carry, unchanged) and what it is, so that a report can say the name
    or title instead (`named`). A representative's `owner` is the member they act for."""

    kind: str  # member | agreement | project | retrospective | person | counsel
    owner: str | None

    def __new__(cls, ident: str, kind: str, owner: str | None = None) -> Ref:
        self = super().__new__(cls, ident)
        self.kind = kind
        self.owner = owner
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Ref, (str.__str__(self), self.kind, self.owner))


def _member(ident: Any) -> str:
    return Ref(_s(ident), "member")


def _agreement(ident: Any) -> str:
    return Ref(_s(ident), "agreement")


def _person(ident: Any, member: Any) -> str:
    return Ref(_s(ident), "person", _s(member))


def named(text: str, name_of: Callable[[Ref], str | None]) -> str:
    """`text` (an event summary, a provenance reason) with each `Ref` in it replaced by the name
    `name_of` gives (the id stays when it gives none); still a `msg`, to render in a language."""
    if isinstance(text, Ref):  # an item of a list of members (a Joined)
        return name_of(text) or text
    if isinstance(text, Joined):
        return joined(text.separator, (named(item, name_of) for item in text.items))
    if not isinstance(text, Message) or not text.template:
        return text
    params: dict[str, Any] = {}
    for key, value in text.params.items():
        if isinstance(value, Ref):
            params[key] = name_of(value) or value
        elif isinstance(value, Message):
            params[key] = named(value, name_of)
        else:
            params[key] = value
    return Message(text.template, params)


def pick_text(value: Any, lang: str, order: Iterable[str] = ()) -> str | None:
    """A record's name or title in `lang` (bilingual maps fall back to `order`, then any)."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, Mapping):
        for code in (lang, *order, *sorted(value)):
            text = value.get(code)
            if isinstance(text, str) and text:
                return text
    return None


def record_names(
    members: Mapping[str, Any],
    agreements: Mapping[str, Any],
    lang: str,
    order: Iterable[str] = (),
    counsel: Iterable[Any] = (),
    *,
    projects: Mapping[str, Any] | None = None,
    retrospectives: Mapping[str, Any] | None = None,
) -> Callable[[Ref], str | None]:
    """The `name_of` for `named` from records (anything with `.get`, such as index records):
    members by name, agreements, projects and retrospectives by title, representatives and
    counsel by name. Pass only the records the reader may see: the others keep their ids."""
    languages = tuple(order)
    titled = {"agreement": agreements, "project": projects or {}, "retrospective": retrospectives or {}}
    counsel_names = {c.get("id"): c.get("name") for c in counsel if isinstance(c, Mapping)}

    def name_of(ref: Ref) -> str | None:
        if ref.kind == "member":
            member = members.get(str(ref))
            return pick_text(member.get("name"), lang, languages) if member is not None else None
        if ref.kind in titled:
            record = titled[ref.kind].get(str(ref))
            return pick_text(record.get("title"), lang, languages) if record is not None else None
        if ref.kind == "person":
            owner = members.get(ref.owner or "")
            for rep in (owner.get("representatives") or []) if owner is not None else []:
                if isinstance(rep, dict) and rep.get("id") == str(ref):
                    return pick_text(rep.get("name"), lang, languages)
            return None
        if ref.kind == "counsel":
            return pick_text(counsel_names.get(str(ref)), lang, languages)
        return None

    return name_of


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _by_id(items: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in items or []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out[item["id"]] = item
    return out


def _signature_key(sig: Any) -> tuple[str, ...] | None:
    if not isinstance(sig, dict):
        return None
    return tuple(_s(sig.get(k)) for k in ("member", "signatory", "date", "method", "content_sha256"))


def _changed_keys(old: dict[str, Any], new: dict[str, Any], skip: Iterable[str] = ()) -> list[str]:
    skipped = set(skip)
    keys = [k for k in new if k not in skipped and old.get(k) != new.get(k)]
    keys += [k for k in old if k not in skipped and k not in new]
    return keys


def _safe_hash(data: dict[str, Any]) -> str | None:
    try:
        return content_sha256(data)
    except Exception:  # an unhashable draft (a float JCS refuses, say) has just "changed"
        return None


def describe_change(path: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Event]:
    """The governance events between two versions of a file (None = absent)."""
    cls = classify(path)
    if cls is None:
        return file_event(path, added=old is None, deleted=new is None)
    kind, ident = cls
    if kind == "member":
        return _member_events(path, ident, old, new)
    if kind == "agreement":
        return _agreement_events(path, ident, old, new)
    if kind == "taxonomy":
        return _taxonomy_events(path, ident, old, new)
    if kind == "project":
        return _project_events(path, ident, old, new)
    if kind == "retrospective":
        return _retrospective_events(path, ident, old, new)
    return _alliance_events(path, old, new)


def file_event(path: str, *, added: bool, deleted: bool) -> list[Event]:
    """The event for a governance file that is not a record: charter prose, schemas, CI."""
    verb = "added" if added else "deleted" if deleted else "changed"
    if path.startswith("charter/"):
        kind, what = "charter-changed", msg("charter text")
    elif path.startswith("schemas/"):
        kind, what = "schema-changed", msg("schema")
    elif path.startswith(".github/"):
        kind, what = "ci-changed", msg("CI configuration")
    elif path.startswith(("members/", "agreements/", "projects/", "retrospectives/")):
        kind, what = "file-changed", msg("file")
    else:
        return []
    summary = msg("{what} {path} {change}", what=what, path=path, change=_VERBS[verb])
    return [Event(kind, "", path, summary, {"change": verb})]


# Said of a file, a taxonomy or the alliance settings; `detail["change"]` keeps the English word.
_VERBS = {"added": msg("added"), "deleted": msg("deleted"), "changed": msg("changed")}


def _member_events(path: str, ident: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Event]:
    def ev(kind: str, summary: str, **detail: Any) -> Event:
        return Event(kind, ident, path, summary, detail)

    if old is None and new is None:
        return [ev("member-changed", msg("member {id}: unreadable versions", id=_member(ident)))]
    if old is None:
        assert new is not None
        status = _s(new.get("status"))
        return [
            ev(
                "member-added",
                msg("member {id} added (status {status})", id=_member(ident), status=_w(status)),
                status=status,
            )
        ]
    if new is None:
        return [ev("member-removed", msg("member file of {id} deleted", id=_member(ident)))]
    out: list[Event] = []
    if old.get("status") != new.get("status"):
        a, b = _s(old.get("status")), _s(new.get("status"))
        summary = msg("status {a} → {b}", a=_w(a), b=_w(b))
        if b == "active" and new.get("joined"):
            summary = msg("status {a} → {b} (joined {day})", a=_w(a), b=_w(b), day=_s(new.get("joined")))
        if b == "withdrawn" and new.get("left"):
            summary = msg("status {a} → {b} (left {day})", a=_w(a), b=_w(b), day=_s(new.get("left")))
        out.append(ev("member-status", summary, **{"from": a, "to": b}))
    if old.get("kind") != new.get("kind"):
        a, b = _s(old.get("kind")), _s(new.get("kind"))
        out.append(ev("member-kind", msg("kind {a} → {b}", a=_w(a), b=_w(b)), **{"from": a, "to": b}))
    told = {("joined", "active"), ("left", "withdrawn")}  # already said by the status event
    for key in ("joined", "left"):
        said = old.get("status") != new.get("status") and (key, _s(new.get("status"))) in told
        if old.get(key) != new.get(key) and not said:
            a, b = _s(old.get(key)) or "none", _s(new.get(key)) or "none"
            summary = msg("{field} {a} → {b}", field=key, a=_none(a), b=_none(b))
            out.append(ev("member-dates", summary, field=key, **{"from": a, "to": b}))
    old_claims, new_claims = _by_id(old.get("claims")), _by_id(new.get("claims"))
    for cid in new_claims:
        if cid not in old_claims:
            out.append(ev("claim-added", msg("claim {claim} added", claim=cid), claim=cid))
        elif old_claims[cid] != new_claims[cid]:
            out.append(ev("claim-changed", msg("claim {claim} changed", claim=cid), claim=cid))
    out.extend(
        ev("claim-removed", msg("claim {claim} removed", claim=cid), claim=cid)
        for cid in old_claims
        if cid not in new_claims
    )
    old_reps, new_reps = _by_id(old.get("representatives")), _by_id(new.get("representatives"))
    for rid, rep in new_reps.items():
        before = old_reps.get(rid)
        if before is None:
            if rep.get("can_sign"):
                summary = msg("representative {who} added with signing authority", who=_person(rid, ident))
            else:
                summary = msg("representative {who} added", who=_person(rid, ident))
            out.append(ev("representative-added", summary, representative=rid))
        elif before != rep:
            if rep.get("until") and before.get("until") != rep.get("until"):
                until = _s(rep.get("until"))
                summary = msg("representative {who} closed (until {day})", who=_person(rid, ident), day=until)
                out.append(ev("representative-closed", summary, representative=rid, until=until))
            elif bool(before.get("can_sign")) != bool(rep.get("can_sign")):
                if rep.get("can_sign"):
                    summary = msg("signing authority of {who} granted", who=_person(rid, ident))
                else:
                    summary = msg("signing authority of {who} withdrawn", who=_person(rid, ident))
                out.append(ev("representative-authority", summary, representative=rid))
            else:
                out.append(
                    ev(
                        "representative-changed",
                        msg("representative {who} changed", who=_person(rid, ident)),
                        representative=rid,
                    )
                )
    out.extend(
        ev("representative-removed", msg("representative {who} removed", who=_person(rid, ident)), representative=rid)
        for rid in old_reps
        if rid not in new_reps
    )
    other = _changed_keys(old, new, skip=("status", "kind", "joined", "left", "claims", "representatives"))
    if other:
        out.append(ev("member-edited", msg("{fields} changed", fields=", ".join(other)), fields=other))
    return out


def _none(value: str) -> str:
    return msg("none") if value == "none" else value


# The record values an event names (statuses, kinds, visibilities, legal review states): English
# as written in the record, Chinese through the catalogue. Anything else is shown as written.
_WORDS = {
    word.template: word
    for word in (
        msg("prospective"), msg("active"), msg("suspended"), msg("withdrawn"), msg("draft"), msg("proposed"),
        msg("executed"), msg("terminated"), msg("cancelled"), msg("rejected"), msg("hub"), msg("member"),
        msg("public"), msg("alliance"), msg("restricted"), msg("not_reviewed"), msg("requested"),
        msg("approved"), msg("approved_with_conditions"), msg("removed"), msg("subcontract"),
        msg("breakdown"), msg("bid"), msg("won"), msg("in-progress"), msg("delivered"), msg("closed"),
        msg("lost"),
    )
}  # fmt: skip


def _w(value: str) -> str:
    return _WORDS.get(value, value)


AGREEMENT_ADDED = {
    "draft": msg("agreement drafted"),
    "proposed": msg("agreement proposed"),
    "executed": msg("agreement recorded as executed"),
}


def _agreement_events(path: str, ident: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Event]:
    def ev(kind: str, summary: str, **detail: Any) -> Event:
        return Event(kind, ident, path, summary, detail)

    if old is None and new is None:
        return [ev("agreement-changed", msg("agreement {id}: unreadable versions", id=_agreement(ident)))]
    if new is None:
        return [ev("agreement-removed", msg("agreement file of {id} deleted", id=_agreement(ident)))]
    out: list[Event] = []
    if old is None:
        status = _s(new.get("status"))
        summary = AGREEMENT_ADDED.get(status) or msg("agreement added with status {status}", status=_w(status))
        if new.get("amends"):
            summary = msg("amendment of {target}: {event}", target=_agreement(new.get("amends")), event=summary)
            out.append(ev("agreement-added", summary, status=status, amends=_s(new.get("amends"))))
        else:
            out.append(ev("agreement-added", summary, status=status))
        old = {}
    else:
        if old.get("status") != new.get("status"):
            a, b = _s(old.get("status")), _s(new.get("status"))
            out.append(ev("agreement-status", msg("status {a} → {b}", a=_w(a), b=_w(b)), **{"from": a, "to": b}))
        old_hash, new_hash = _safe_hash(old), _safe_hash(new)
        if old_hash != new_hash or old_hash is None:
            keys = _changed_keys(old, new, skip=("signatures", "status", "termination", "legal_review", "visibility"))
            if keys:
                out.append(
                    ev(
                        "agreement-content",
                        msg("signed content changed ({fields})", fields=", ".join(keys)),
                        fields=keys,
                        content_sha256=new_hash,
                    )
                )
    old_sigs = {k for k in map(_signature_key, old.get("signatures") or []) if k}
    for sig in new.get("signatures") or []:
        key = _signature_key(sig)
        if key and key not in old_sigs:
            member, signatory, date = key[0], key[1], key[2]
            out.append(
                ev(
                    "signature-added",
                    msg(
                        "signature added by {who} for {member} ({day})",
                        who=_person(signatory, member),
                        member=_member(member),
                        day=date,
                    ),
                    member=member,
                    signatory=signatory,
                    date=date,
                )
            )
    new_sigs = {k for k in map(_signature_key, new.get("signatures") or []) if k}
    for key in sorted(old_sigs - new_sigs):
        out.append(
            ev(
                "signature-removed",
                msg("signature of {who} for {member} removed", who=_person(key[1], key[0]), member=_member(key[0])),
                member=key[0],
                signatory=key[1],
            )
        )
    old_review, new_review = old.get("legal_review") or {}, new.get("legal_review") or {}
    if old_review != new_review and isinstance(new_review, dict):
        status, reviewer = _s(new_review.get("status")) or "removed", _s(new_review.get("reviewer"))
        word = _w(status)
        if reviewer:
            summary = msg("legal review {status} by {who}", status=word, who=Ref(reviewer, "counsel"))
        else:
            summary = msg("legal review {status}", status=word)
        out.append(ev("legal-review", summary, status=status, reviewer=reviewer))
    if old and old.get("visibility") != new.get("visibility"):
        a, b = _s(old.get("visibility")), _s(new.get("visibility"))
        out.append(ev("visibility", msg("visibility {a} → {b}", a=_w(a), b=_w(b)), **{"from": a, "to": b}))
    if (old.get("termination") or None) != (new.get("termination") or None) and old:
        termination = new.get("termination") or {}
        if isinstance(termination, dict) and termination:
            out.append(
                ev(
                    "termination",
                    msg("termination recorded ({day})", day=_s(termination.get("date"))),
                    date=termination.get("date"),
                )
            )
        else:
            out.append(ev("termination", msg("termination removed")))
    return out


#: What a package's assignee agreed to: a change to any of these needs the assignee's approval.
PACKAGE_TERMS = ("assignee", "value", "share", "start", "end", "scope")


def package_span(project: dict[str, Any], package: dict[str, Any]) -> tuple[Any, Any]:
    """A package's first and last day as written, the project's when the package gives none."""
    return package.get("start", project.get("start")), package.get("end", project.get("end"))


def package_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, tuple[str, list[str]]]:
    """Package id -> (added | changed | removed, the terms that changed) for every package whose
    assignee's agreement a change needs: added, removed, or with another assignee, value,
    share, scope or days (a package without days of its own moves with the project's)."""
    old, new = old or {}, new or {}
    before, after = _by_id(old.get("packages")), _by_id(new.get("packages"))
    out: dict[str, tuple[str, list[str]]] = {}
    for pid, package in after.items():
        if pid not in before:
            out[pid] = ("added", [])
            continue
        was = before[pid]
        changed = [k for k in ("assignee", "value", "share", "scope") if was.get(k) != package.get(k)]
        for key, a, b in zip(("start", "end"), package_span(old, was), package_span(new, package), strict=True):
            if a != b:
                changed.append(key)
        if changed:
            out[pid] = ("changed", changed)
    for pid in before:
        if pid not in after:
            out[pid] = ("removed", [])
    return out


def _members_text(value: Any) -> Any:
    """A list of member ids as translatable text: 'a, b', or 'none'."""
    ids = [_s(v) for v in value or [] if _s(v)] if isinstance(value, list) else []
    return joined(", ", [_member(m) for m in ids]) if ids else msg("none")


def _keys_text(keys: list[str]) -> Any:
    return joined(", ", keys)


def _project_events(path: str, ident: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Event]:
    def ev(kind: str, summary: str, **detail: Any) -> Event:
        return Event(kind, ident, path, summary, detail)

    def who(value: Any) -> Any:
        return _member(value) if _s(value) else msg("nobody")

    if old is None and new is None:
        return [ev("project-changed", msg("project {id}: unreadable versions", id=ident))]
    if new is None:
        return [ev("project-removed", msg("project file of {id} deleted", id=ident))]
    out: list[Event] = []
    if old is None:
        status, origin = _s(new.get("status")), _s(new.get("origin"))
        summary = msg("project added ({origin}, status {status})", origin=_w(origin), status=_w(status))
        out.append(ev("project-added", summary, status=status, origin=origin))
    else:
        if old.get("status") != new.get("status"):
            a, b = _s(old.get("status")), _s(new.get("status"))
            out.append(ev("project-status", msg("status {a} → {b}", a=_w(a), b=_w(b)), **{"from": a, "to": b}))
        for key in ("prime", "brought_by"):
            if old.get(key) != new.get(key):
                a, b = _s(old.get(key)) or "none", _s(new.get(key)) or "none"
                text = msg("{field} {a} → {b}", field=key, a=who(old.get(key)), b=who(new.get(key)))
                out.append(ev("project-party", text, field=key, **{"from": a, "to": b}))
        if (old.get("bidders") or []) != (new.get("bidders") or []):
            a = ", ".join(map(_s, old.get("bidders") or [])) or "none"
            b = ", ".join(map(_s, new.get("bidders") or [])) or "none"
            text = msg(
                "{field} {a} → {b}",
                field="bidders",
                a=_members_text(old.get("bidders")),
                b=_members_text(new.get("bidders")),
            )
            out.append(ev("project-party", text, field="bidders", **{"from": a, "to": b}))
    before, after = _by_id((old or {}).get("packages")), _by_id(new.get("packages"))
    for pid, (what, keys) in package_changes(old, new).items():
        package = after.get(pid) or before.get(pid) or {}
        if what == "added":
            assignee = _s(package.get("assignee")) or "nobody"
            text = msg("package {package} added (assignee {who})", package=pid, who=who(package.get("assignee")))
            out.append(ev("package-added", text, package=pid, assignee=assignee))
        elif what == "removed":
            out.append(ev("package-removed", msg("package {package} removed", package=pid), package=pid))
        elif "assignee" in keys:
            a, b = _s(before[pid].get("assignee")) or "nobody", _s(package.get("assignee")) or "nobody"
            rest = [k for k in keys if k != "assignee"]
            args = {"package": pid, "a": who(before[pid].get("assignee")), "b": who(package.get("assignee"))}
            if rest:
                text = msg(
                    "package {package} reassigned {a} → {b} ({fields} changed too)", fields=_keys_text(rest), **args
                )
            else:
                text = msg("package {package} reassigned {a} → {b}", **args)
            out.append(ev("package-assignee", text, package=pid, **{"from": a, "to": b}))
        else:
            text = msg("package {package}: {fields} changed", package=pid, fields=_keys_text(keys))
            out.append(ev("package-changed", text, package=pid, fields=keys))
    if old is not None:
        other = _changed_keys(old, new, skip=("status", "prime", "brought_by", "bidders", "packages"))
        if other:
            out.append(ev("project-edited", msg("{fields} changed", fields=_keys_text(other)), fields=other))
    return out


def _retrospective_events(path: str, ident: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Event]:
    def ev(kind: str, summary: str, **detail: Any) -> Event:
        return Event(kind, ident, path, summary, detail)

    if old is None and new is None:
        return [ev("retrospective-changed", msg("retrospective {id}: unreadable versions", id=ident))]
    if new is None:
        return [ev("retrospective-removed", msg("retrospective file of {id} deleted", id=ident))]
    if old is None:
        text = msg("retrospective added (by {authors})", authors=_members_text(new.get("authors")))
        return [ev("retrospective-added", text, authors=new.get("authors") or [])]
    keys = _changed_keys(old, new)
    return [ev("retrospective-edited", msg("{fields} changed", fields=_keys_text(keys)), fields=keys)] if keys else []


def _taxonomy_events(path: str, ident: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Event]:
    if old is None or new is None:
        verb = "added" if old is None else "deleted"
        summary = msg("taxonomy {id} {change}", id=ident, change=_VERBS[verb])
        return [Event("taxonomy-changed", ident, path, summary, {"change": verb})]
    old_nodes = set((old.get("nodes") or {}) if isinstance(old.get("nodes"), dict) else ())
    new_nodes = set((new.get("nodes") or {}) if isinstance(new.get("nodes"), dict) else ())
    added, removed = sorted(new_nodes - old_nodes), sorted(old_nodes - new_nodes)
    parts = []
    if added:
        parts.append(msg("{n} node(s) added", n=len(added)))
    if removed:
        parts.append(msg("{n} node(s) removed", n=len(removed)))
    if not parts:
        parts.append(_VERBS["changed"])
    return [
        Event(
            "taxonomy-changed",
            ident,
            path,
            msg("taxonomy {id}: {changes}", id=ident, changes=joined(", ", parts)),
            {"added": added, "removed": removed},
        )
    ]


def _alliance_events(path: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Event]:
    if old is None or new is None:
        verb = "added" if old is None else "deleted"
        summary = msg("alliance settings {change}", change=_VERBS[verb])
        return [Event("alliance-changed", "", path, summary, {"change": verb})]
    keys = _changed_keys(old, new)
    summary = msg("alliance settings changed ({fields})", fields=", ".join(keys))
    return [Event("alliance-changed", "", path, summary, {"fields": keys})]


# -- timelines from the one-pass log ------------------------------------------------------------


def record_histories(
    root: Path, *, paths: Iterable[str] | None = None, repo: Any = None, log: Any = None
) -> dict[str, RecordHistory]:
    """The timeline of every record file (or only `paths`) from one pass over the log (pass
    `repo` and `log` to share them with other callers, such as provenance).

    Files that no longer exist keep their history (a deleted agreement shows its deletion)."""
    from qtgov.gitgov.git import GitRepo

    repo = repo or GitRepo.open(root)
    return histories_from_log(repo, log or repo.read_log(), paths=paths)


def histories_from_log(repo: Any, log: Any, *, paths: Iterable[str] | None = None) -> dict[str, RecordHistory]:
    """`record_histories` over an already read `qtgov.gitgov.git.Log` (shared with provenance)."""
    wanted = set(paths) if paths is not None else None
    by_path = log.by_path(("charter", "members", "agreements", "projects", "retrospectives"))
    line = set(log.first_parent)
    line_pos = {sha: i for i, sha in enumerate(reversed(log.first_parent))}  # 0 = oldest
    topo = log.position()
    steps: dict[str, list[tuple[str, str, Any]]] = {}  # path -> [(line commit, commit, change)]
    blobs: set[str] = set()
    for path, changes in by_path.items():
        if classify(path) is None or (wanted is not None and path not in wanted):
            continue
        authored: dict[str, list[tuple[str, Any]]] = {}
        merges: dict[str, Any] = {}
        for sha, change in changes:
            commit = log.commits[sha]
            if commit.is_merge:
                if sha in line:
                    merges[sha] = change
                continue
            carrier = log.merged_by.get(sha)
            if carrier is not None:
                authored.setdefault(carrier, []).append((sha, change))
        items: list[tuple[str, str, Any]] = []
        for carrier, lst in authored.items():
            items.extend((carrier, sha, change) for sha, change in lst)
        # A main-line merge that changed the file with no authored commit behind it (a change made
        # while resolving the merge) is attributed to the merge itself.
        items.extend((sha, sha, change) for sha, change in merges.items() if sha not in authored)
        items.sort(key=lambda t: (line_pos.get(t[0], -1), -topo.get(t[1], 0)))
        steps[path] = items
        for _, _, change in items:
            blobs.update(b for b in (change.old_blob, change.new_blob) if b)
    raw = repo.read_blobs(blobs)
    parser = RecordParser(repo.root)

    def data(path: str, blob: str | None) -> dict[str, Any] | None:
        return parser.data(path, blob, raw.get(blob) if blob else None)

    out: dict[str, RecordHistory] = {}
    for path, items in sorted(steps.items()):
        cls = classify(path)
        assert cls is not None
        entries = []
        for carrier, sha, change in items:
            commit, merge = log.commits[sha], log.commits[carrier]
            events = describe_change(path, data(path, change.old_blob), data(path, change.new_blob))
            if not events:
                events = [Event("edited", cls[1], path, msg("formatting or comments changed"))]
            entries.append(
                HistoryEntry(
                    path=path,
                    kind=cls[0],
                    record=cls[1],
                    date=merge.committer_date,
                    merge=merge.sha,
                    commit=commit.sha,
                    author=commit.author_name,
                    author_email=commit.author_email,
                    authored=commit.author_date,
                    events=tuple(events),
                    blob=change.new_blob,
                    previous_blob=change.old_blob,
                )
            )
        out[path] = RecordHistory(path, cls[0], cls[1], tuple(entries))
    return out


def history_of(root: Path, record_id: str) -> RecordHistory:
    """The timeline of one member, agreement, project or retrospective (by id; a retrospective
    in either form, `.yaml` or `.md`, and across a change of form), or of
    `charter/alliance.yaml` for `alliance`. Raises UsageError when no such record ever existed
    on the main line."""
    from qtgov.errors import UsageError

    if record_id == "alliance":
        candidates = [ALLIANCE_FILE]
    elif ID_RE.match(record_id):
        candidates = [
            f"{folder}/{record_id}.{ext}"
            for folder, ext in (
                ("members", "yaml"),
                ("agreements", "yaml"),
                ("projects", "yaml"),
                ("retrospectives", "yaml"),
                ("retrospectives", "md"),
            )
        ]
    else:
        raise UsageError(f"{record_id!r} is not a record id")
    histories = record_histories(root, paths=candidates)
    found = [histories[p] for p in candidates if p in histories and histories[p].entries]
    if not found:
        raise UsageError(f"no member, agreement, project or retrospective {record_id!r} in the history of {root}")
    if len(found) > 1:  # records sharing an id, or both forms of a retrospective: one timeline
        entries = sorted((e for h in found for e in h.entries), key=lambda e: (e.date, e.path))
        return RecordHistory(found[0].path, found[0].kind, record_id, tuple(entries))
    return found[0]


def timelines(root: Path, index: Any = None, *, repo: Any = None, log: Any = None) -> dict[str, list[HistoryEntry]]:
    """Per record path, its entries newest first (each with `date`, `commit`, `author` and a
    one-line `summary`): the shape the handbook's record pages use. `index` is accepted for
    symmetry with other handbook calls; the history covers every file ever on the main line."""
    histories = record_histories(root, repo=repo, log=log)
    return {path: list(reversed(h.entries)) for path, h in histories.items()}


def changelog(histories: Mapping[str, RecordHistory]) -> list[HistoryEntry]:
    """Every entry of every record, newest first (by main-line date, then path)."""
    entries = [e for h in histories.values() for e in h.entries]
    return sorted(entries, key=lambda e: (e.date, e.merge, e.path), reverse=True)


def read_versions(root: Path, blobs: Iterable[str], *, repo: Any = None) -> dict[str, str]:
    """The text of record versions by blob id (from `HistoryEntry.blob`), for version diffs."""
    from qtgov.gitgov.git import GitRepo

    repo = repo or GitRepo.open(root)
    return {sha: raw.decode("utf-8", "replace") for sha, raw in repo.read_blobs(blobs).items()}


def render_text(history: RecordHistory, lang: str = "en", name_of: Callable[[Ref], str | None] | None = None) -> str:
    """The timeline of one record as `qtgov history ID` prints it, in `lang`; with `name_of`
    (see `record_names`), people and records are named rather than given by id."""
    record = Ref(history.record, history.kind) if history.record else history.path
    title = msg("History of {record} ({path})", record=record, path=history.path)
    lines = [_say(title, lang, name_of)]
    if not history.entries:
        lines.append("  " + render(msg("no changes on the main line"), lang))
    for entry in history.entries:
        lines.append(f"{entry.day}  {entry.commit[:12]}  {entry.author}")
        if entry.merge != entry.commit:
            lines[-1] += "  " + render(msg("(merged in {commit})", commit=entry.merge[:12]), lang)
        lines.extend(f"    {_say(event.summary, lang, name_of)}" for event in entry.events)
    return "\n".join(lines) + "\n"


def render_changelog(
    entries: Iterable[HistoryEntry], lang: str = "en", name_of: Callable[[Ref], str | None] | None = None
) -> str:
    """Every record's changes, newest first, one line each, as `qtgov history` prints them."""
    lines = [f"{e.day}  {e.commit[:12]}  {e.path}: {_say(e.summary, lang, name_of)}  ({e.author})" for e in entries]
    return "\n".join(lines or [render(msg("No history."), lang)]) + "\n"


def _say(text: str, lang: str, name_of: Callable[[Ref], str | None] | None) -> str:
    return render(named(text, name_of) if name_of is not None else text, lang)
