"""`qtgov new member`, `qtgov new agreement`, `qtgov new project` and `qtgov new retrospective`:
a record that validates, with placeholders for what only its authors can decide
(docs/design/authoring.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qtgov.authoring import common
from qtgov.authoring.scaffold import _check_text, _modeline
from qtgov.errors import UsageError
from qtgov.rules.placeholders import TODO_KEY

AGREEMENT_TYPES = ("market-boundary", "revenue-share", "talent", "contribution", "shareholding")
VISIBILITIES = ("public", "alliance", "restricted")


def _text(name: str, name_en: str | None, language: str) -> Any:
    if name_en is None or name_en == name or language == "en":
        return name_en if language == "en" and name_en else name
    return {language: name, "en": name_en}


def _default_language(index: Any) -> str:
    langs = index.alliance.get("languages") if index.alliance is not None else None
    return langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else "zh"


@dataclass(frozen=True)
class NewMember:
    ident: str
    name: str
    name_en: str | None = None
    visibility: str = "public"
    rep_id: str | None = None
    rep_name: str | None = None
    rep_github: str | None = None
    rep_email: str | None = None
    rep_commit_emails: tuple[str, ...] = ()
    since: dt.date | None = None


def new_member(start: Path, opts: NewMember) -> common.Outcome:
    """Write members/ID.yaml for a prospective member; nothing when anything is wrong."""
    root, index = common.repository(start)
    common.check_new_id("member", opts.ident)
    _check_text("--name", opts.name)
    if opts.name_en is not None:
        _check_text("--name-en", opts.name_en)
    if opts.visibility not in VISIBILITIES:
        raise UsageError(f"--visibility {opts.visibility!r}: one of {', '.join(VISIBILITIES)}")
    relpath = _fresh_path(root, index, "member", opts.ident, index.members)
    data: dict[str, Any] = {
        "id": opts.ident,
        "kind": "member",
        "name": _text(opts.name, opts.name_en, _default_language(index)),
        "status": "prospective",
        "visibility": opts.visibility,
    }
    notes = []
    if opts.rep_id or opts.rep_name or opts.rep_github:
        if not (opts.rep_id and opts.rep_name):
            raise UsageError("a representative needs --rep and --rep-name (and --rep-github to approve)")
        common.check_new_id("representative", opts.rep_id)
        _check_text("--rep-name", opts.rep_name)
        for flag, address in [
            ("--rep-email", opts.rep_email),
            *(("--rep-commit-email", e) for e in opts.rep_commit_emails),
        ]:
            if address is not None and not common.EMAIL_RE.match(address):
                raise UsageError(f"{flag} {address!r}: an email address such as name@example.com; nothing written")
        rep: dict[str, Any] = {"id": opts.rep_id, "name": opts.rep_name}
        if opts.rep_email:
            rep["email"] = opts.rep_email
            if opts.visibility == "public":
                notes.append("the email is personal data in a public record: validate warns until public_contact: true")
        if opts.rep_commit_emails:
            rep["commit_emails"] = list(opts.rep_commit_emails)
            if opts.visibility == "public" and not all(common.is_noreply(e) for e in opts.rep_commit_emails):
                notes.append(
                    "a commit address other than a GitHub noreply one is personal data in a public record: "
                    "validate warns until public_contact: true"
                )
        if opts.rep_github:
            rep["github"] = opts.rep_github
        else:
            notes.append(f"{opts.rep_id} has no GitHub handle: add github: to let them approve pull requests")
        rep["can_sign"] = True
        rep["since"] = (opts.since or dt.date.today()).isoformat()
        data["representatives"] = [rep]
    else:
        notes.append("no representative yet: add one (--rep) so that someone can sign and approve for the member")
    header = _modeline("member") + "# Written by qtgov new member; the hub admits it with qtgov admit.\n"
    from qtgov.authoring.yamldoc import yaml_value

    text, plain = common.render("member", relpath, yaml_value(data), header=header)
    common.write_all(root, {relpath: text}, new=True)
    outcome = common.Outcome(
        changed=[f"{relpath}: new member {opts.ident} (prospective)"],
        paths=[relpath],
        branch=f"join/{opts.ident}",
        subject=f"Application of {opts.ident} to join the alliance",
        trailers=[("Qtgov-Record", relpath), ("Qtgov-Event", "member applies")],
        notes=notes,
        root=root,
    )
    return common.finish(outcome, {relpath: plain})


@dataclass(frozen=True)
class NewAgreement:
    ident: str
    type: str
    parties: tuple[str, ...]
    title: str | None = None
    title_en: str | None = None
    #: None: public in a public repository (where alliance records may not carry terms), else alliance
    visibility: str | None = None
    #: The terms, when the parties have written them already (else the type's placeholders)
    terms: dict[str, Any] | None = None
    #: `terms.PATH=VALUE` settings applied to the terms (see `common.set_terms`)
    settings: tuple[str, ...] = ()


#: The sensitive field each type's terms cannot do without (marked x-sensitive in the schema).
SENSITIVE = {"revenue-share": "the split", "contribution": "each commitment's amount"}


def _visibility(index: Any, requested: str | None, kind: str) -> str:
    """The visibility of a new record: as requested, else public in a public repository
    (`publish.repository`) and alliance in a private one. An alliance-only record in a repository
    anyone can read is not alliance-only at all (the `visibility-public-repository` rule):
    refused."""
    public = index.settings.publish_repository == "public"
    visibility = requested or ("public" if public else "alliance")
    if visibility not in VISIBILITIES:
        raise UsageError(f"--visibility {visibility!r}: one of {', '.join(VISIBILITIES)}")
    if visibility == "alliance" and public:
        raise UsageError(
            f"--visibility alliance: this repository is public (publish.repository in charter/alliance.yaml), "
            f"so anyone could read the {kind}; use --visibility public, or restricted to keep its terms in a "
            "pinned document; nothing written"
        )
    return visibility


def _fresh_path(root: Path, index: Any, kind: str, ident: str, existing: Any) -> str:
    """The path a new record of `kind` goes to; refused when the id or the file exists."""
    relpath = common.record_path(root, kind, ident)
    if ident in existing or (root / relpath).exists():
        raise UsageError(f"{kind} {ident!r} already exists ({relpath}); nothing written")
    return relpath


def _title(index: Any, title: str | None, title_en: str | None, kind: str) -> Any:
    """The record's title from --title/--title-en, or a placeholder that validate reports."""
    if title is None:
        return f"TODO: the {kind}'s title"
    _check_text("--title", title)
    return _text(title, title_en, _default_language(index))


def _split(parties: tuple[str, ...]) -> list[dict[str, Any]]:
    share, rest = divmod(100, len(parties))
    return [{"member": p, "pct": share + (rest if i == 0 else 0)} for i, p in enumerate(parties)]


def terms_template(kind: str, parties: tuple[str, ...]) -> dict[str, Any]:
    """The type's terms, pre-filled so that they read, with `x-todo` notes and `TODO` texts
    where the parties must decide (docs/design/authoring.md)."""
    first, second = parties[0], parties[-1]
    if kind == "market-boundary":
        return {
            "allocations": [
                {
                    "scope": {"sector": ["*"], "region": ["*"]},
                    "holder": "shared",
                    TODO_KEY: "name the sectors and regions and who holds them (shared: every party may operate)",
                }
            ]
        }
    if kind == "revenue-share":
        return {
            "items": [{"id": "todo-course-id", "course": "TODO: the course's title", "owner": first}],
            "pricing_authority": "owner",
            "revenue_basis": "gross",
            "split": _split(parties),
            TODO_KEY: "check who sets prices, the revenue basis and the split (an equal split is pre-filled)",
        }
    if kind == "talent":
        return {
            "kind": "training",
            "home": first,
            "host": second,
            "trainer": first,
            TODO_KEY: "choose the kind (secondment, part-time, training, non-solicit) and add what it needs",
        }
    if kind == "contribution":
        return {
            "project": {
                "name": "TODO: the project's name",
                "repo": "https://example.invalid/TODO",
                "license": "Apache-2.0",
                TODO_KEY: "give the project's repository and licence",
            },
            "commitments": [
                {"member": p, "kind": "engineering", "amount": 0, "unit": "engineer-days", "per": "P1M"}
                for p in parties
            ],
            TODO_KEY: "give each party's commitment (amount, unit and period)",
        }
    if kind == "shareholding":
        if len(parties) != 2:
            raise UsageError("a shareholding has two parties: --parties HOLDER,ISSUER")
        return {
            "holder": first,
            "issuer": second,
            "instrument": "ordinary-shares",
            "equity_pct": 0,
            "control": "none",
            TODO_KEY: "give the equity and voting held, board seats and whether control is acquired",
        }
    raise UsageError(f"--type {kind!r}: one of {', '.join(AGREEMENT_TYPES)}")


def parse_parties(value: str) -> tuple[str, ...]:
    parties = tuple(p.strip() for p in value.split(","))
    if not parties or any(not p for p in parties):
        raise UsageError(f"--parties {value!r}: member ids separated by commas, e.g. acme,beta")
    if len(set(parties)) != len(parties):
        raise UsageError(f"--parties {value!r}: a member is listed twice")
    return parties


def new_agreement(start: Path, opts: NewAgreement) -> common.Outcome:
    """Write agreements/ID.yaml as a draft; nothing when anything is wrong."""
    root, index = common.repository(start)
    common.check_new_id("agreement", opts.ident)
    if opts.type not in AGREEMENT_TYPES:
        raise UsageError(f"--type {opts.type!r}: one of {', '.join(AGREEMENT_TYPES)}")
    visibility = _visibility(index, opts.visibility, "agreement")
    if len(opts.parties) < 2:
        raise UsageError("an agreement has at least two parties: --parties a,b")
    common.members_known(index, list(opts.parties))
    relpath = _fresh_path(root, index, "agreement", opts.ident, index.agreements)
    title = _title(index, opts.title, opts.title_en, "agreement")
    data: dict[str, Any] = {
        "id": opts.ident,
        "type": opts.type,
        "title": title,
        "version": 1,
        "status": "draft",
        "parties": [{"member": p} for p in opts.parties],
        "effective": "on-execution",
        "visibility": visibility,
    }
    notes = []
    if visibility == "restricted":
        # A restricted record carries no terms: they live in the signed document it pins.
        data[TODO_KEY] = "pin the signed document: documents: [{path, sha256}]"
    elif opts.terms is not None:
        data["terms"] = opts.terms
    else:
        data["terms"] = terms_template(opts.type, opts.parties)
        sensitive = SENSITIVE.get(opts.type)
        if sensitive:
            notes.append(
                f"{sensitive} is competitively sensitive: validate flags it (r5-sensitive-data) in a {visibility} "
                "record; --visibility restricted keeps the terms in a pinned document instead"
            )
    if opts.settings:
        if "terms" not in data:
            raise UsageError("a restricted agreement carries no terms (they are in the pinned document): drop --set")
        common.set_terms(data["terms"], list(opts.settings))
    from qtgov.rules.placeholders import placeholders

    todo = any(True for _ in placeholders(data))
    header = _modeline("agreement") + (
        "# Written by qtgov new agreement: replace every TODO and x-todo, then qtgov propose.\n" if todo else ""
    )
    from qtgov.authoring.yamldoc import yaml_value

    text, plain = common.render("agreement", relpath, yaml_value(data), header=header)
    common.schema_check("agreement", relpath, text, "--set" if opts.settings else "--terms")
    common.write_all(root, {relpath: text}, new=True)
    outcome = common.Outcome(
        changed=[f"{relpath}: new {opts.type} agreement {opts.ident} (draft) between {', '.join(opts.parties)}"],
        paths=[relpath],
        branch=f"agreement/{opts.ident}",
        subject=f"Draft {opts.type} agreement {opts.ident}",
        trailers=[("Qtgov-Record", relpath), ("Qtgov-Event", "agreement drafted")],
        notes=[
            *notes,
            f"fill in the placeholders (qtgov validate lists them), then qtgov propose {opts.ident}"
            if todo
            else f"once the parties agree on the text: qtgov propose {opts.ident}",
        ],
        root=root,
    )
    return common.finish(outcome, {relpath: plain})


PROJECT_ORIGINS = ("subcontract", "breakdown")


@dataclass(frozen=True)
class NewProject:
    ident: str
    origin: str
    #: The prime contractor (default: the hub)
    prime: str | None = None
    #: For a breakdown: the member that brought the project (default: the prime)
    brought_by: str | None = None
    title: str | None = None
    title_en: str | None = None
    visibility: str | None = None  # default: public in a public repository, else alliance


def new_project(start: Path, opts: NewProject) -> common.Outcome:
    """Write projects/ID.yaml at the bid stage with one placeholder package; nothing when
    anything is wrong (docs/design/projects.md)."""
    root, index = common.repository(start)
    common.check_new_id("project", opts.ident)
    if opts.origin not in PROJECT_ORIGINS:
        raise UsageError(f"--origin {opts.origin!r}: one of {', '.join(PROJECT_ORIGINS)}")
    visibility = _visibility(index, opts.visibility, "project")
    prime = opts.prime or index.settings.hub
    if not prime:
        raise UsageError("the alliance names no hub: give the prime contractor with --prime")
    brought_by = opts.brought_by or (prime if opts.origin == "breakdown" else None)
    if opts.brought_by and opts.origin != "breakdown":
        raise UsageError("--brought-by is for a breakdown (--origin breakdown)")
    common.members_known(index, [prime] + ([brought_by] if brought_by else []))
    relpath = _fresh_path(root, index, "project", opts.ident, index.projects)
    title = _title(index, opts.title, opts.title_en, "project")
    data: dict[str, Any] = {
        "id": opts.ident,
        "title": title,
        "origin": opts.origin,
        "status": "bid",
        "visibility": visibility,
        "prime": prime,
    }
    if brought_by:
        data["brought_by"] = brought_by
    data["packages"] = [
        {
            "id": "todo-package",
            "title": "TODO: the package's name",
            "assignee": prime,
            "status": "planned",
            TODO_KEY: "cut the work into packages: who delivers what, when, and what each is worth",
        }
    ]
    data[TODO_KEY] = "give the client, the market (sector, region, segment), the value and the dates"
    header = _modeline("project") + "# Written by qtgov new project: replace every TODO and x-todo.\n"
    from qtgov.authoring.yamldoc import yaml_value

    text, plain = common.render("project", relpath, yaml_value(data), header=header)
    common.schema_check("project", relpath, text, "--title")
    common.write_all(root, {relpath: text}, new=True)
    outcome = common.Outcome(
        changed=[f"{relpath}: new {opts.origin} project {opts.ident} (bid), prime contractor {prime}"],
        paths=[relpath],
        branch=f"project/{opts.ident}",
        subject=f"Project {opts.ident} ({opts.origin})",
        trailers=[("Qtgov-Record", relpath), ("Qtgov-Event", "project recorded")],
        notes=[
            "the project's and packages' values are competitively sensitive: validate flags them "
            f"(r5-sensitive-data) in a{'n' if visibility == 'alliance' else ''} {visibility} record",
            "fill in the placeholders (qtgov validate lists them)",
        ],
        root=root,
    )
    return common.finish(outcome, {relpath: plain})


@dataclass(frozen=True)
class NewRetrospective:
    ident: str
    #: The members that write it (one at least)
    authors: tuple[str, ...]
    title: str | None = None
    title_en: str | None = None
    projects: tuple[str, ...] = ()
    agreements: tuple[str, ...] = ()
    date: dt.date | None = None  # default: today
    #: Write retrospectives/ID.md (front matter and a Markdown body) instead of YAML
    markdown: bool = False
    visibility: str | None = None  # default: public in a public repository, else alliance


def new_retrospective(start: Path, opts: NewRetrospective) -> common.Outcome:
    """Write retrospectives/ID.yaml (or .md) with its authors and what it concerns, and
    placeholders for its text; nothing when anything is wrong (docs/design/projects.md)."""
    root, index = common.repository(start)
    common.check_new_id("retrospective", opts.ident)
    authors = list(dict.fromkeys(opts.authors))
    if not authors:
        raise UsageError("--author is required: the member that writes it (repeatable); nothing written")
    if not opts.projects and not opts.agreements:
        raise UsageError(
            "give what it looks back on: --concerns-project or --concerns-agreement (repeatable); nothing written"
        )
    if opts.visibility == "restricted":
        # The schema asks for its text and visibility-restricted forbids it: such a
        # retrospective is written in a private repository instead (docs/design/projects.md).
        raise UsageError(
            "--visibility restricted: a restricted retrospective may not carry its text, so it belongs in a "
            "private repository; use public or alliance; nothing written"
        )
    visibility = _visibility(index, opts.visibility, "retrospective")
    common.members_known(index, authors)
    projects, agreements = list(dict.fromkeys(opts.projects)), list(dict.fromkeys(opts.agreements))
    for kind, ids, known in (("project", projects, index.projects), ("agreement", agreements, index.agreements)):
        for ident in ids:
            if ident not in known:
                raise UsageError(f"unknown {kind} {ident!r} (--concerns-{kind}); nothing written")
    yaml_path = common.record_path(root, "retrospective", opts.ident)
    md_path = yaml_path.removesuffix(".yaml") + ".md"
    common.inside(root, md_path)
    existing = index.retrospectives.get(opts.ident)
    taken = [existing.path] if existing is not None else [p for p in (yaml_path, md_path) if (root / p).exists()]
    if taken:  # in either form: one id, one retrospective
        raise UsageError(f"retrospective {opts.ident!r} already exists ({taken[0]}); nothing written")
    relpath = md_path if opts.markdown else yaml_path
    concerns: dict[str, Any] = {}
    if projects:
        concerns["projects"] = projects
    if agreements:
        concerns["agreements"] = agreements
    data: dict[str, Any] = {
        "id": opts.ident,
        "title": _title(index, opts.title, opts.title_en, "retrospective"),
        "date": (opts.date or dt.date.today()).isoformat(),
        "authors": authors,
        "visibility": visibility,
        "concerns": concerns,
    }
    body = "TODO: what happened and what the alliance learned, in Markdown.\n"
    if not opts.markdown:
        data["happened"] = "TODO: what happened"
        data["learned"] = "TODO: what the alliance learned"
    header = "# Written by qtgov new retrospective: replace every TODO.\n"
    from qtgov.authoring.yamldoc import yaml_value

    if opts.markdown:
        front, plain = common.render("retrospective", yaml_path, yaml_value(data), header=header)
        text = f"---\n{front}---\n{body}"
        plain = {**plain, "body": body, "lang": _default_language(index)}
    else:
        text, plain = common.render(
            "retrospective", relpath, yaml_value(data), header=_modeline("retrospective") + header
        )
    common.schema_check("retrospective", relpath, text, "--title")
    common.write_all(root, {relpath: text}, new=True)
    what = ", ".join([*(f"project {p}" for p in projects), *(f"agreement {a}" for a in agreements)])
    notes = ["fill in the placeholders (qtgov validate lists them)"]
    if visibility == "public":
        notes.insert(
            0,
            "a public retrospective is published: validate reports any naming of a non-public record in its "
            "text (prose-visibility)",
        )
    outcome = common.Outcome(
        changed=[f"{relpath}: new retrospective {opts.ident} by {', '.join(authors)}, on {what}"],
        paths=[relpath],
        branch=f"retrospective/{opts.ident}",
        subject=f"Retrospective {opts.ident}",
        trailers=[("Qtgov-Record", relpath), ("Qtgov-Event", "retrospective recorded")],
        notes=notes,
        root=root,
    )
    return common.finish(outcome, {relpath: plain})
