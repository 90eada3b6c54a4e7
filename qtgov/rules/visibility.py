"""Visibility and personal data (docs/design/visibility.md): what each record may carry given who can read it.

Everything committed to a Git repository is readable by everyone who can read the repository:
every member, competitors included, and the world when it is public. `visibility` only decides
what the handbook publishes; it cannot hide a line that is committed. So these rules check what
is *in* the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from qtgov.findings import Finding, Severity
from qtgov.messages import msg
from qtgov.records.index import Index, Record
from qtgov.rules import Rule, rule

VISIBILITY = "visibility"

# What a restricted record may carry, as a tree: a key maps to None (any value) or to the keys
# allowed inside it (for an array, inside each item). Everything else — including `x-` fields,
# whose content qtgov cannot judge — is reported.
Allowed = dict[str, "Allowed | None"]

RESTRICTED_AGREEMENT: Allowed = {
    # identity, required by the schema (keep the title generic: it is read by everyone)
    "id": None,
    "type": None,
    "title": None,
    "version": None,
    "visibility": None,
    # parties and status
    "parties": {"member": None, "role": None},
    "status": None,
    # dates: signatures are dates and hashes; term, renewal and termination are dates and durations
    "signatures": {"member": None, "signatory": None, "date": None, "method": None, "content_sha256": None},
    "effective": None,
    "term": {"end": None, "duration": None},
    "renewal": {"auto": None, "period": None, "notice": None},
    # `reason` is required by the schema for a termination
    "termination": {"date": None, "reason": None, "notice": None},
    # lineage, needed to compute what is in force
    "amends": None,
    "supersedes": None,
    # document hashes
    "documents": {"path": None, "sha256": None},
    # counsel's record: an allocation resolves nothing until it is approved (docs/design/overlaps.md); `conditions`
    # is required by the schema for approved_with_conditions; the analysis belongs in the memo
    "legal_review": {
        "status": None,
        "reviewer": None,
        "date": None,
        "conditions": None,
        "memo": {"path": None, "sha256": None},
        "content_sha256": None,
    },
}

RESTRICTED_MEMBER: Allowed = {
    "id": None,
    "kind": None,
    "name": None,
    "legal_name": None,
    "identifiers": None,
    "jurisdiction": None,
    "status": None,
    "joined": None,
    "left": None,
    "website": None,
    "visibility": None,
    "sources": {"url": None, "fact": None},
    "antitrust_policy_acknowledged": None,
    # the people who sign and approve for the member; their personal data is `personal-data`'s
    "representatives": None,
}

RESTRICTED_PROJECT: Allowed = {
    # identity (keep the title generic), stage and the members involved: what approvals and
    # membership checks need
    "id": None,
    "title": None,
    "origin": None,
    "status": None,
    "visibility": None,
    "prime": None,
    "brought_by": None,
    "bidders": None,
    "start": None,
    "end": None,
    "agreements": None,
    # who delivers which package when; not its scope, market, value or share
    "packages": {"id": None, "assignee": None, "status": None, "start": None, "end": None, "depends_on": None,
                 "agreements": None},
}  # fmt: skip

RESTRICTED_RETROSPECTIVE: Allowed = {
    "id": None,
    "title": None,
    "date": None,
    "authors": None,
    "visibility": None,
    "concerns": {"projects": None, "agreements": None},
    "lang": None,  # of a Markdown body; filled in when the front matter does not say
}

ALLOWED = {
    "agreement": RESTRICTED_AGREEMENT,
    "member": RESTRICTED_MEMBER,
    "project": RESTRICTED_PROJECT,
    "retrospective": RESTRICTED_RETROSPECTIVE,
}
#: Kinds without `documents`: their content has nowhere in the record to be pinned.
WITHOUT_DOCUMENTS = ("project", "retrospective")
NOREPLY = "@users.noreply.github.com"

Path = tuple[str | int, ...]


def _pointer(path: Path) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _excess(data: Any, allowed: Allowed, path: Path = ()) -> Iterator[Path]:
    """Paths of keys in `data` that `allowed` does not list."""
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield from _excess(item, allowed, (*path, i))
        return
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        if key not in allowed:
            yield (*path, key)
            continue
        inner = allowed[key]
        if inner is not None:
            yield from _excess(value, inner, (*path, key))


def _value(record: Record, path: Path) -> Any:
    value: Any = record.data
    for part in path:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            return None
    return value


def _committed_files(index: Index, record: Record) -> Iterator[Path]:
    """Paths of `documents` and the legal review's memo that exist inside the repository."""
    candidates: list[Path] = [("documents", i, "path") for i, _ in enumerate(record.get("documents") or [])]
    if isinstance(_value(record, ("legal_review", "memo")), dict):
        candidates.append(("legal_review", "memo", "path"))
    for path in candidates:
        value = _value(record, path)
        if isinstance(value, str) and value:
            index.observe(value, content=False)
        if isinstance(value, str) and value and os.path.lexists(index.root / value):
            yield path


def _where(record: Record, path: Path, *, key: bool) -> tuple[str, int, int]:
    mark = record.key_mark(*path) if key else record.mark(*path)
    return record.path, mark.line, mark.column


def _with_visibility(records: dict[str, Record], visibility: str) -> Iterator[Record]:
    for record in sorted(records.values(), key=lambda r: r.id):
        if record.get("visibility") == visibility:
            yield record


def _what(path: Path) -> str:
    return "/".join(str(p) for p in path)


def _field_findings(check: Rule, index: Index, record: Record, context: str) -> Iterator[Finding]:
    """One finding per field beyond the restricted set and per pinned file committed to the
    repository; `context` says why the record is held to that set."""
    for path in _excess(record.data, ALLOWED[record.kind]):
        if record.kind in WITHOUT_DOCUMENTS:
            yield check.finding(
                *_where(record, path, key=True),
                msg(
                    "{context}: {path} is not allowed (only its id, title, members, status and dates); keep it in a "
                    "document outside the repository, or make the record public if it may be published",
                    context=context,
                    path=_what(path),
                ),
                pointer=_pointer(path),
            )
            continue
        what = "terms" if path == ("terms",) else "text"
        yield check.finding(
            *_where(record, path, key=True),
            msg(
                "{context}: {path} is not allowed (only parties, type, status, dates and document hashes); keep the "
                "{what} in a document outside the repository, pinned by its sha256 in documents",
                context=context,
                path=_what(path),
                what=what,
            ),
            pointer=_pointer(path),
        )
    for path in _committed_files(index, record):
        yield check.finding(
            *_where(record, path, key=False),
            msg(
                "{context}: {record} is committed to this repository, where it can be read; keep the file outside "
                "and pin only its sha256",
                context=context,
                record=_value(record, path),
            ),
            pointer=_pointer(path),
        )


@rule("visibility-restricted", Severity.ERROR, "Restricted records carry no content", VISIBILITY)
def check_restricted(index: Index) -> Iterator[Finding]:
    """
    Everything committed is readable by everyone who can read the repository — every member,
    competitors included. A `restricted` record therefore commits only what the alliance needs
    to run its registry: the parties, type, status, dates and the hashes of the documents that
    hold the text, which lives elsewhere. Each other field is an error at its key.

    A restricted **agreement** may carry:

    - its identity, required by the schema: `id`, `type`, `title` (keep it generic — "Cooperation
      agreement", not what is agreed), `version`, `visibility`;
    - `parties` (member and role) and `status`;
    - dates: `effective`, `term`, `renewal`, `termination` (date, notice, and the `reason` the
      schema requires — keep it short) and `signatures` (who, when, how, and the content hash);
    - lineage: `amends`, `supersedes`, needed to know what is in force;
    - `documents` by `path` and `sha256` only (no `title`);
    - counsel's `legal_review` (status, reviewer, date, content hash, the memo by path and hash,
      and the `conditions` the schema requires for an approval with conditions — refer to the
      memo rather than restating terms); not its free-text `scope`.

    Not `terms`, `summary`, `dispute`, `governing_law`, `antitrust` notes or any `x-` field.

    A restricted **member** may carry its identity and public facts (`id`, `kind`, `name`,
    `legal_name`, `identifiers`, `jurisdiction`, `website`, `sources`), `status`, `visibility`,
    its dates (`joined`, `left`, `antitrust_policy_acknowledged`) and the `representatives` who
    sign and approve for it — not its `claims` or `capabilities` (declared focus areas and what
    it can deliver are competitive strategy), `description` or `x-` fields.

    A document or legal memo that a restricted record pins must not itself be committed to the
    repository: the finding points at its `path`. Keep the file in the parties' own document
    store and pin its `sha256`.

    A restricted **project** may carry its `id`, a generic `title`, `origin`, `status`,
    `visibility`, the members involved (`prime`, `brought_by`, `bidders`), its `start` and `end`,
    its `agreements`, and for each package its `id`, `assignee`, `status`, `start`, `end`,
    `depends_on` and `agreements` — who delivers what when, which approvals and the membership
    checks need. Not the `client`, `market`, `scope`, `value`, package `share`s or `note`.

    A restricted **retrospective** may carry its `id`, `title`, `date`, `authors`, `visibility`
    and `concerns`; its text (`happened`, `learned`, a Markdown body) is what it is for, so a
    retrospective that must not be read beyond its authors belongs in a private repository or
    outside the alliance's records.
    """
    for records in (index.members, index.agreements, index.projects, index.retrospectives):
        for record in _with_visibility(records, "restricted"):
            yield from _field_findings(check_restricted, index, record, f"restricted {record.kind}")


@rule(
    "visibility-public-repository",
    Severity.ERROR,
    "A public repository holds no alliance-only content",
    VISIBILITY,
)
def check_public_repository(index: Index) -> Iterator[Finding]:
    """
    With `publish.repository: public` in `charter/alliance.yaml` (the default when the charter
    does not say), anyone on the internet can read every committed line. An `alliance` record is
    then not alliance-only at all, so it may carry no more than a `restricted` record may — the
    same fields, listed under `visibility-restricted`, and no committed documents or memos. Each
    other field is an error at its key: with `publish.repository: public`, `alliance` records are
    errors too.

    Restricted records are held to that limit in every repository by `visibility-restricted`,
    so they are not reported twice here. What a restricted record may carry — parties, type,
    status, dates, hashes, a generic title — is what the alliance accepts to be world-readable
    in a public repository. Personal data in any record of a public repository is reported by
    `personal-data`.

    Fix: move the content out (a document pinned by hash), make the record `public` if it may be
    published, or keep the governance repository private and publish the handbook built from it
    (`publish.repository: private`).
    """
    if index.settings.publish_repository != "public":
        return
    for records in (index.members, index.agreements, index.projects, index.retrospectives):
        for record in _with_visibility(records, "alliance"):
            yield from _field_findings(
                check_public_repository,
                index,
                record,
                f"alliance-visible {record.kind} in a public repository (anyone can read it)",
            )


CONSENT_KEY = "public_contact"  # a representative who agreed to publish their contact


@dataclass(frozen=True)
class PersonalField:
    """A schema property marked `x-personal: true`, and whether its object can mark it public."""

    path: tuple[str, ...]  # "*" stands for array items
    consent_key: str | None  # such as public_contact, when the object has one


def personal_fields(kind: str) -> tuple[PersonalField, ...]:
    """Properties marked `x-personal: true` in a kind's schema (in any `terms` branch too)."""
    from qtgov.records.schemas import marked_properties

    return tuple(
        PersonalField(path, CONSENT_KEY if CONSENT_KEY in siblings else None)
        for path, siblings in marked_properties(kind, "x-personal")
    )


def _instances(data: Any, path: tuple[str, ...], prefix: Path = ()) -> Iterator[tuple[Path, Any, Any]]:
    """(concrete path, value, containing object) for each value at a schema path in `data`."""

    def go(node: Any, rest: tuple[str, ...], at: Path, container: Any) -> Iterator[tuple[Path, Any, Any]]:
        if not rest:
            yield at, node, container
            return
        head, tail = rest[0], rest[1:]
        if head == "*":
            if isinstance(node, list):
                for i, item in enumerate(node):
                    yield from go(item, tail, (*at, i), container)
        elif isinstance(node, dict) and head in node:
            yield from go(node[head], tail, (*at, head), node)

    yield from go(data, path, prefix, None)


def _published_because(index: Index, record: Record) -> str | None:
    if record.kind == "alliance":
        return msg("the charter is published")
    if record.get("visibility") == "public":
        return msg("this record is public")
    if index.settings.publish_repository == "public":
        return msg("this repository is public (publish.repository: public)")
    return None


@rule("personal-data", Severity.WARNING, "No personal data in published records", VISIBILITY)
def check_personal_data(index: Index) -> Iterator[Finding]:
    """
    Personal data is never published unless the record marks it public. The fields
    that hold it are marked `x-personal: true` in the schemas: a representative's `email` and
    `commit_emails`, a counsel's `commit_emails` in `charter/alliance.yaml`, and a talent
    arrangement's `person_ref` (an opaque id, but still a reference to one person). Each such
    value is reported when the record is published: a `public` record, the charter, or any
    record of a repository with `publish.repository: public` (anyone reads every committed line).

    Not reported:

    - a representative with `public_contact: true` — the person agreed to publish their
      addresses (their `email` and `commit_emails`);
    - GitHub noreply addresses (`…@users.noreply.github.com`): pseudonymous, and already shown on
      every commit the person makes.

    Fix: use GitHub noreply addresses as `commit_emails`; record `public_contact: true` only with
    the person's consent; make a talent agreement that names a `person_ref` alliance-visible or
    restricted. The message never repeats the value, so that reports do not spread it further.
    """
    records: list[Record] = []
    if index.alliance is not None and index.alliance.valid:
        records.append(index.alliance)
    records.extend(sorted(index.members.values(), key=lambda r: r.id))
    records.extend(sorted(index.agreements.values(), key=lambda r: r.id))
    for record in records:
        why = _published_because(index, record)
        if why is None:
            continue
        for personal in personal_fields(record.kind):
            for path, value, container in _instances(record.data, personal.path):
                if personal.consent_key and isinstance(container, dict) and container.get(personal.consent_key) is True:
                    continue
                values: list[tuple[Path, Any]] = (
                    [((*path, i), v) for i, v in enumerate(value)] if isinstance(value, list) else [(path, value)]
                )
                for at, item in values:
                    if isinstance(item, str) and item.lower().endswith(NOREPLY):
                        continue
                    hint = (
                        msg(
                            "set {key}: true only with the person's consent, or use a GitHub noreply address",
                            key=personal.consent_key,
                        )
                        if personal.consent_key
                        else msg("keep it out of published records")
                    )
                    yield check_personal_data.finding(
                        *_where(record, at, key=False),
                        msg("personal data: {at} is published because {why}; {hint}", at=_what(at), why=why, hint=hint),
                        pointer=_pointer(at),
                    )


@rule("prose-visibility", Severity.WARNING, "Published prose names no non-public record", VISIBILITY)
def check_prose_visibility(index: Index) -> Iterator[Finding]:
    """
    The charter pages (`charter/*.md`) are prose: they carry no `visibility` of their own, yet
    the public handbook prints them. A page that names a member, agreement, project or
    retrospective the public may not see — by its id, or by its name or title in any language —
    would publish what the records keep inside the alliance. So the public edition leaves out
    every paragraph, table or list that does, printing a one-line notice in its place, and this
    rule reports each naming.

    A **public retrospective** is prose too: its `title`, `happened`, `learned` and the Markdown
    body of `retrospectives/<id>.md` are published with it, so each naming of a non-public record
    there is reported at its line and column as well. (A retrospective that is not public is read
    only in the alliance edition, which hides no record.)

    Fix: put the passage between the marker lines `<!-- qtgov: alliance -->` and
    `<!-- qtgov: end -->` (the alliance edition prints it, the public one leaves it out), or
    reword it without the name. Names are matched literally; ids and Latin names as whole words.
    """
    from qtgov.records.prose import index_terms, mentions

    terms = index_terms(index)
    if terms.pattern is None:
        return
    for name in index.charter_pages:
        index.observe(f"charter/{name}")
        try:
            text = (index.root / "charter" / name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # the loader reports unreadable pages
        for m in mentions(text, terms):
            yield check_prose_visibility.finding(
                f"charter/{name}",
                m.line,
                m.column,
                msg(
                    "names the {kind} {record_id}, which is not public: the public handbook leaves this passage out; "
                    "mark it alliance-only (<!-- qtgov: alliance --> … <!-- qtgov: end -->) or reword it",
                    kind=m.kind,
                    record_id=repr(m.record_id),
                ),
            )
    for _, retro in sorted(index.retrospectives.items()):
        if retro.valid and retro.get("visibility") == "public":
            yield from _retrospective_mentions(index, retro, terms)


KIND_WORDS = {
    "member": msg("member"),
    "agreement": msg("agreement"),
    "project": msg("project"),
    "retrospective": msg("retrospective"),
}


def _retrospective_mentions(index: Index, retro: Record, terms: Any) -> Iterator[Finding]:
    from qtgov.records.prose import Mention, mentions, value_mentions

    try:
        source = (index.root / retro.path).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return
    found: list[tuple[Path, Mention]] = []
    for key in ("title", "happened", "learned"):
        value = retro.get(key)
        texts: list[tuple[Path, str]] = [((key,), value)] if isinstance(value, str) else []
        if isinstance(value, dict):
            texts = [((key, lang), v) for lang, v in value.items() if isinstance(v, str)]
        for path, text in texts:
            mark = retro.mark(*path)
            found += [(path, m) for m in value_mentions(source, (mark.line, mark.column), text, terms)]
    body = retro.get("body")
    if isinstance(body, str) and retro.path.endswith(".md"):
        first = retro.mark("body").line
        found += [(("body",), replace(m, line=m.line + first - 1)) for m in mentions(body, terms)]
    for path, m in found:
        if m.kind == "retrospective" and m.record_id == retro.id:
            continue
        yield check_prose_visibility.finding(
            retro.path,
            m.line,
            m.column,
            msg(
                "names the {kind} {record_id}, which is not public, in a public retrospective: the public handbook "
                "would show it; mark the passage alliance-only (<!-- qtgov: alliance --> … <!-- qtgov: end -->) or "
                "reword it",
                kind=KIND_WORDS.get(m.kind, m.kind),
                record_id=repr(m.record_id),
            ),
            pointer=_pointer(path),
        )
