"""Records → page contexts: every page of the handbook as (path, template, context), language-
neutral. `render_docs` then renders them in one language into a MkDocs docs directory."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import json
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qtgov import __version__, disclaimer, messages
from qtgov.findings import Finding
from qtgov.records.hashing import signed_content
from qtgov.records.index import Record, party_ids
from qtgov.records.prose import Terms, for_audience, index_terms, non_public_terms
from qtgov.records.schemas import schema_dir
from qtgov.site import i18n, marketmap, relations
from qtgov.site.charter import CharterPage, Prose, charter_pages, load_prose
from qtgov.site.escaping import Md, html_attr, html_text, md, md_inline, plain
from qtgov.site.model import SiteModel
from qtgov.site.render import edition_text, render, render_to

ASSETS = Path(__file__).resolve().parent / "assets"
DEADLINE_WINDOW = dt.timedelta(days=365)

#: The listing pages, in nav order: (docs path, UI string key of the nav title).
NAV_PAGES = (
    ("members/index.md", "members"),
    ("agreements/index.md", "agreements"),
    ("projects/index.md", "projects"),
    ("retrospectives/index.md", "retrospectives"),
    ("deadlines.md", "deadlines"),
    ("market-map.md", "market_map"),
    ("ownership.md", "ownership"),
    ("relations.md", "relations"),
    ("flags.md", "flags"),
    ("validation.md", "validation"),
    ("changelog.md", "changelog"),
    ("rules/index.md", "rules"),
    ("howto/index.md", "howto"),
    ("reference/index.md", "fieldref"),
    ("data.md", "data"),
)

LEGEND = ("conflict", "pending", "blocked-review", "resolved", "shared", "intra-group", "unknown")


@dataclass
class PageSpec:
    path: str  # docs-relative, POSIX
    template: str
    context: dict[str, Any]


@dataclass
class Site:
    """Everything `render_docs` needs for every language."""

    model: SiteModel
    languages: tuple[str, ...]
    charter: list[CharterPage]
    fenced_code: bool = True
    pages: list[PageSpec] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the data files' docs-relative paths
    data_dir: Path | None = None  # where the data files were first written (copied for other languages)
    prose_terms: Terms | None = None  # names of non-public records, withheld from public prose
    record_terms: Terms | None = None  # the same with projects and retrospectives, for their own text

    def prose(self, page: CharterPage, lang: str) -> Prose:
        """A charter page as this edition may print it (docs/design/visibility.md)."""
        terms = self.prose_terms

        def audience(text: str) -> str:
            if terms is None:
                return text
            notice = i18n.t("prose_withheld", lang)
            return for_audience(text, terms, public=self.model.public, notice=notice)

        path = self.model.index.root / "charter" / page.file_for(lang, self.languages[0])
        return load_prose(path, fenced_code=self.fenced_code, audience=audience)


# -- shared context ----------------------------------------------------------------------------------


def _taxonomy_names(model: SiteModel) -> Any:
    nodes: dict[str, dict[str, Any]] = {}
    for scheme, record in model.index.taxonomies.items():
        nodes[scheme] = {path: (node or {}).get("name") for path, node in (record.get("nodes") or {}).items()}

    def name(scheme: str | None, path: str) -> Any:
        return nodes.get(scheme or "", {}).get(path)

    return name


def base_context(site: Site) -> dict[str, Any]:
    model = site.model
    settings = model.index.settings
    page_for_path = {r.path: f"{r.kind}s/{r.id}.md" for r in model.records_with_pages()}
    from qtgov.rules import all_rules

    return {
        "languages": site.languages,
        "members_by_id": {m.id: m for m in model.members},
        "agreements_by_id": {a.id: a for a in model.agreements},
        "projects_by_id": {p.id: p for p in model.projects},
        "retrospectives_by_id": {r.id: r for r in model.retrospectives},
        "hidden_ids": model.hidden_ids,
        "rule_ids": frozenset(r.id for r in all_rules()),
        "page_for_path": page_for_path,
        "taxonomy_name": _taxonomy_names(model),
        "sector_scheme": settings.sector_scheme,
        "segment_scheme": settings.segment_scheme,
        "site": {"public": model.public, "audience": model.audience},
        "as_of": model.as_of,
        "repo_url": model.repo_url,
        "repo_ref": model.git.head or "HEAD",
    }


# -- record pages ------------------------------------------------------------------------------------


def _representatives(model: SiteModel, member: Record) -> tuple[list[dict[str, Any]], bool, bool]:
    """(rows, show contact column, some personal data withheld). A public edition shows the
    people who may sign (name, title, authority, dates) and their contact only with
    `public_contact: true`; commit emails, GitHub handles and keys are never shown."""
    rows = []
    withheld = False
    show_contacts = False
    for rep in member.get("representatives") or []:
        if not isinstance(rep, dict):
            continue
        public_contact = rep.get("public_contact") is True
        email = rep.get("email") if (not model.public or public_contact) else None
        if rep.get("email") and email is None:
            withheld = True
        if email:
            show_contacts = True
        rows.append(
            {
                "name": rep.get("name") or rep.get("id"),
                "title": rep.get("title"),
                "can_sign": rep.get("can_sign"),
                "since": rep.get("since"),
                "until": rep.get("until"),
                "email": email,
            }
        )
    if model.public and any((r or {}).get("commit_emails") for r in member.get("representatives") or []):
        withheld = True
    return rows, show_contacts, withheld


def _claims(member: Record) -> list[dict[str, Any]]:
    out = []
    for claim in member.get("claims") or []:
        if not isinstance(claim, dict):
            continue
        period = claim.get("period") or {}
        out.append(
            {
                "id": claim.get("id"),
                "scheme": claim.get("scheme"),
                "sector": list(claim.get("sector") or []),
                "region": list(claim.get("region") or []),
                "segment": list(claim.get("segment") or ["*"]),
                "start": period.get("start") or member.get("joined"),
                "end": period.get("end") or member.get("left"),
                "note": claim.get("note"),
            }
        )
    return out


def _member_overlaps(model: SiteModel, member_id: str) -> list[dict[str, Any]] | None:
    if model.overlaps_all is None:
        return None
    rows = []
    for entry in model.overlaps_by_member.get(member_id, []):
        mine = [c for c in entry["claims"] if c["member"] == member_id]
        theirs = [c for c in entry["claims"] if c["member"] != member_id]
        other = theirs[0]["member"] if theirs else member_id
        claims = f"{mine[0]['claim'] if mine else '?'} / {theirs[0]['claim'] if theirs else '?'}"
        for piece in entry["pieces"]:
            rows.append(
                {
                    "other": other,
                    "claims": claims,
                    "label": piece["label"],
                    "text": piece.get("text") or "",
                    "agreement": piece.get("agreement"),
                }
            )
    return rows


def _control_group(model: SiteModel, member_id: str) -> list[str]:
    """The members of `member_id`'s control group on the build's day, from visible holdings."""
    for group in model.ownership_now.groups:
        if member_id in group.members:
            return list(group.members)
    return []


def member_page(site: Site, member: Record) -> PageSpec:
    model = site.model
    reps, show_contacts, withheld = _representatives(model, member)
    agreements = [
        {"id": a.id, "data": a.data, "in_force": model.in_force(a)}
        for a in model.agreements_by_member.get(member.id, [])
    ]
    shareholdings = [
        {"id": a.id, "terms": a.get("terms") or {}, "in_force": model.in_force(a)}
        for a in model.shareholdings_by_member.get(member.id, [])
    ]
    claims = _claims(member)
    sectors = list(dict.fromkeys(s for c in claims for s in c["sector"]))
    identifiers = sorted((str(k), v) for k, v in (member.get("identifiers") or {}).items() if isinstance(v, (str, int)))
    return PageSpec(
        f"members/{member.id}.md",
        "member.md.j2",
        {
            "member": member,
            "claim_sectors": sectors,
            "identifiers": identifiers,
            "representatives": reps,
            "who_to_ask": _who_to_ask(reps, model.as_of),
            "show_contacts": show_contacts,
            "reps_hidden": withheld,
            "claims": claims,
            "agreements": agreements,
            "shareholdings": shareholdings,
            "control_group": _control_group(model, member.id),
            "overlaps": _member_overlaps(model, member.id),
            "projects": _member_projects(model, member.id),
            "findings": model.findings_by_path.get(member.path, []),
            "history": model.git.history.get(member.path, []),
            "last_updated": model.git.last_updated(member.path),
        },
    )


def _who_to_ask(reps: list[dict[str, Any]], day: dt.date) -> list[dict[str, Any]]:
    """The representatives who may sign for the member on `day`: the people to ask."""
    text = day.isoformat()
    return [
        r
        for r in reps
        if r.get("can_sign")
        and (r.get("since") is None or str(r["since"]) <= text)
        and (r.get("until") is None or text <= str(r["until"]))
    ]


def pre_text(text: str) -> Md:
    """Text for a raw `<pre>`: every line kept (spaces too), every punctuation character a
    character reference, so neither Markdown nor HTML reads anything in it."""
    lines = []
    for line in text.split("\n"):
        lines.append("".join(md_inline(ch, strip=False) if ch != " " else " " for ch in line))
    return Md("\n".join(lines))


def _yaml_text(data: dict[str, Any]) -> list[str]:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=True, width=100, default_flow_style=False).splitlines()


def _diff(model: SiteModel, agreement: Record, base_id: str) -> dict[str, Any] | None:
    base = model.index.agreements.get(base_id)
    if base is None or not model.visible(base):
        return None
    old = _yaml_text(signed_content(base.data))
    new = _yaml_text(signed_content(agreement.data))
    lines = list(difflib.unified_diff(old, new, fromfile=base.path, tofile=agreement.path, lineterm="", n=2))
    if not lines:
        return None
    return {"base": base_id, "html": pre_text("\n".join(lines))}


def agreement_page(site: Site, agreement: Record) -> PageSpec:
    model = site.model
    current = agreement.content_sha256
    members = model.index.members
    signatures = []
    for i, sig in enumerate(agreement.get("signatures") or []):
        if not isinstance(sig, dict):
            continue
        member = members.get(str(sig.get("member")))
        rep = None
        if member is not None:
            rep = next(
                (
                    r
                    for r in member.get("representatives") or []
                    if isinstance(r, dict) and r.get("id") == sig.get("signatory")
                ),
                None,
            )
        signatures.append(
            {
                "member": sig.get("member"),
                "signatory": (rep or {}).get("name") or sig.get("signatory"),
                "date": sig.get("date"),
                "method": sig.get("method"),
                "hash_ok": sig.get("content_sha256") == current,
                "provenance": model.git.provenance.get((agreement.id, i)),
            }
        )
    review = agreement.get("legal_review") or {}
    counsel = model.index.settings.counsel_by_id().get(review.get("reviewer") or "")
    ancestors, descendants = model.lineage(agreement)
    base = agreement.get("amends") or next(iter(agreement.get("supersedes") or []), None)
    terms = agreement.get("terms")
    party_names = [
        members[p].get("name") if p in members and model.member_visible(p) else p
        for p in dict.fromkeys(party_ids(agreement))
    ]
    return PageSpec(
        f"agreements/{agreement.id}.md",
        "agreement.md.j2",
        {
            "agreement": agreement,
            "party_names": party_names,
            "effective": model.effective(agreement),
            "interval": model.intervals.get(agreement.id),
            "in_force": model.in_force(agreement),
            "terms": terms if isinstance(terms, dict) and terms else None,
            "terms_template": f"terms/{agreement.get('type')}.md.j2",
            "signatures": signatures,
            "content_hash": current,
            "reviewer_name": (counsel or {}).get("name") or review.get("reviewer"),
            "review_provenance": model.git.provenance.get(("review", agreement.id)),
            "ancestors": ancestors,
            "descendants": descendants,
            "ancillary": model.ancillary.get(agreement.id, []),
            "diff": _diff(model, agreement, base) if isinstance(base, str) else None,
            "contributions_page": agreement.id in model.contributions,
            "projects": model.projects_by_agreement.get(agreement.id, []),
            "retrospectives": model.retrospectives_by_concern.get(("agreement", agreement.id), []),
            "findings": model.findings_by_path.get(agreement.path, []),
            "history": model.git.history.get(agreement.path, []),
            "last_updated": model.git.last_updated(agreement.path),
        },
    )


# -- projects and retrospectives (docs/design/projects.md) -------------------------------------------


def _withheld_text(site: Site, text: Any) -> Any:
    """Long record text as this edition may print it: in a public edition, text naming a record
    the edition leaves out is replaced by the notice (in each language), as charter prose is."""
    terms = site.record_terms
    if not site.model.public or terms is None or terms.pattern is None or text is None:
        return text
    values = text.values() if isinstance(text, dict) else [text]
    if any(True for v in values if isinstance(v, str) for _ in terms.find(v)):
        # The notice is Markdown emphasis in charter prose; here it is record text, shown as written.
        return {lang: i18n.t("prose_withheld", lang).strip("*") for lang in site.languages}
    return text


def _package_rows(site: Site, project: Record) -> list[dict[str, Any]]:
    """The packages as table rows, with the dates a package inherits from its project."""
    model = site.model
    currency = (project.get("value") or {}).get("currency") if isinstance(project.get("value"), dict) else None
    rows = []
    for package in project.get("packages") or []:
        if not isinstance(package, dict):
            continue
        value: str | None = None
        if not model.public:
            if isinstance(package.get("value"), (int, float)) and not isinstance(package.get("value"), bool):
                value = f"{package['value']:,} {currency or ''}".strip()
            elif isinstance(package.get("share"), (int, float)) and not isinstance(package.get("share"), bool):
                value = f"{package['share']:g} %"
        rows.append(
            {
                "id": package.get("id"),
                "title": package.get("title"),
                "assignee": package.get("assignee"),
                "start": package.get("start") or project.get("start"),
                "end": package.get("end") or project.get("end"),
                "status": package.get("status"),
                "depends_on": [d for d in package.get("depends_on") or [] if isinstance(d, str)],
                "agreements": _shown(model, package.get("agreements")),
                "value": value,
            }
        )
    return rows


def _shown(model: SiteModel, agreements: Any) -> dict[str, Any]:
    """The agreements of a list this edition shows, and how many others it leaves out: a
    non-public agreement is counted, never named."""
    ids = [a for a in agreements or [] if isinstance(a, str)] if isinstance(agreements, list) else []
    shown = [a for a in ids if model.agreement_visible(a)]
    return {"ids": shown, "hidden": len(ids) - len(shown)}


def _timeline(site: Site, rows: list[dict[str, Any]], page: str) -> dict[str, Md]:
    """The packages on a date axis, per language (qtgov.site.timeline); empty without dates.
    `page` is the project page's Markdown path, which the bars' links are relative to."""
    from qtgov.site.svglink import page_href
    from qtgov.site.timeline import Bar, draw

    model = site.model
    members = {m.id: m for m in model.members}
    out: dict[str, Md] = {}
    for lang in site.languages:
        bars = []
        for row in rows:
            start, end = i18n_date(row["start"]), i18n_date(row["end"])
            if start is None or end is None or end < start:
                continue
            member = members.get(str(row["assignee"]))
            name = i18n.pick(member.get("name"), lang, site.languages) if member else None
            bars.append(
                Bar(
                    package=str(row["id"]),
                    title=i18n.pick(row["title"], lang, site.languages) or str(row["id"]),
                    assignee=name or i18n.t("member_not_public", lang),
                    href=page_href(page, f"members/{row['assignee']}.md") if member else None,
                    start=start,
                    end=end,
                    status=str(row["status"] or "planned"),
                )
            )
        if not bars:
            continue

        def month(day: dt.date, year: bool, lang: str = lang) -> str:
            return i18n.format_month(day, lang, year=year)

        def span(a: dt.date, b: dt.date, lang: str = lang) -> str:
            return f"{i18n.format_date(a, lang)} – {i18n.format_date(b, lang)}"

        out[lang] = Md(
            draw(
                bars,
                month_label=month,
                status_label=functools.partial(i18n.value_label, "status", lang=lang),
                span=span,
                title=i18n.t("timeline", lang),
            )
        )
    return out


def _market(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) and value.get("sector") else None


def projects_page(site: Site) -> PageSpec:
    rows = []
    for project in site.model.projects:
        client = project.get("client") if isinstance(project.get("client"), dict) else {}
        rows.append(
            {
                "id": project.id,
                "origin": project.get("origin"),
                "status": project.get("status"),
                "prime": project.get("prime"),
                "client": client,
                "market": _market(project.get("market")),
                "start": project.get("start"),
                "end": project.get("end"),
            }
        )
    return PageSpec("projects/index.md", "projects.md.j2", {"rows": rows})


def project_page(site: Site, project: Record) -> PageSpec:
    model = site.model
    rows = _package_rows(site, project)
    value = project.get("value") if isinstance(project.get("value"), dict) else None
    assignees = list(dict.fromkeys(str(r["assignee"]) for r in rows if r["assignee"]))
    return PageSpec(
        f"projects/{project.id}.md",
        "project.md.j2",
        {
            "project": project,
            "client": project.get("client") if isinstance(project.get("client"), dict) else {},
            "client_description": _withheld_text(site, (project.get("client") or {}).get("description"))
            if isinstance(project.get("client"), dict)
            else None,
            "market": _market(project.get("market")),
            "scope": _withheld_text(site, project.get("scope")),
            "note": _withheld_text(site, project.get("note")),
            "bidders": [b for b in project.get("bidders") or [] if isinstance(b, str)],
            "agreements": _shown(model, project.get("agreements")),
            "packages": rows,
            "assignees": assignees,
            "value": (
                None if model.public or value is None else f"{value.get('amount', 0):,} {value.get('currency', '')}"
            ),
            "timeline": _timeline(site, rows, f"projects/{project.id}.md"),
            "retrospectives": model.retrospectives_by_concern.get(("project", project.id), []),
            "findings": model.findings_by_path.get(project.path, []),
            "history": model.git.history.get(project.path, []),
            "last_updated": model.git.last_updated(project.path),
        },
    )


def _concerns(site: Site, retro: Record) -> dict[str, Any]:
    """What a retrospective concerns: the projects and agreements shown, and how many others
    the edition leaves out (never named)."""
    model = site.model
    concerns = retro.get("concerns") if isinstance(retro.get("concerns"), dict) else {}
    projects = [p for p in concerns.get("projects") or [] if isinstance(p, str)]
    agreements = [a for a in concerns.get("agreements") or [] if isinstance(a, str)]
    shown_projects = [p for p in projects if model.project_visible(p)]
    shown_agreements = [a for a in agreements if model.agreement_visible(a)]
    hidden = len(projects) - len(shown_projects) + len(agreements) - len(shown_agreements)
    return {"projects": shown_projects, "agreements": shown_agreements, "hidden": hidden}


_ATX = re.compile(r"^(#{1,4})(?=[ \t])", re.M)


def retrospective_body(site: Site, retro: Record) -> Md | None:
    """A Markdown retrospective's body as this edition may print it: alliance-only passages and
    paragraphs naming left-out records handled as in charter prose, raw HTML, unsafe links and
    remote images disarmed (qtgov.site.charter.sanitize_prose), headings moved two levels down
    so they sit under the page's own."""
    from qtgov.site.charter import sanitize_prose

    body = retro.get("body")
    if not isinstance(body, str) or not body.strip():
        return None
    if site.record_terms is not None:
        notice = i18n.t("prose_withheld", _body_lang(site, retro))
        body = for_audience(body, site.record_terms, public=site.model.public, notice=notice)
    text = sanitize_prose(body, fenced_code=site.fenced_code)
    fences = [(m.start(), m.end()) for m in _fences(text)]
    text = _ATX.sub(lambda m: m.group(0) if any(a <= m.start() < b for a, b in fences) else "##" + m.group(1), text)
    return Md(text)


def _fences(text: str) -> Iterator[re.Match[str]]:
    from qtgov.site.charter import _fenced_block_re

    yield from _fenced_block_re().finditer(text)


def _body_lang(site: Site, retro: Record) -> str:
    lang = retro.get("lang")
    return lang if isinstance(lang, str) and re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)?", lang) else site.languages[0]


def retrospectives_page(site: Site) -> PageSpec:
    rows = [
        {"id": r.id, "date": r.get("date"), "authors": list(r.get("authors") or []), **_concerns(site, r)}
        for r in site.model.retrospectives
    ]
    return PageSpec("retrospectives/index.md", "retrospectives.md.j2", {"rows": rows})


def retrospective_page(site: Site, retro: Record) -> PageSpec:
    model = site.model
    return PageSpec(
        f"retrospectives/{retro.id}.md",
        "retrospective.md.j2",
        {
            "retro": retro,
            "authors": [a for a in retro.get("authors") or [] if isinstance(a, str)],
            "concerns": _concerns(site, retro),
            "happened": _withheld_text(site, retro.get("happened")),
            "learned": _withheld_text(site, retro.get("learned")),
            "body": retrospective_body(site, retro),
            "body_lang": _body_lang(site, retro),
            "findings": model.findings_by_path.get(retro.path, []),
            "history": model.git.history.get(retro.path, []),
            "last_updated": model.git.last_updated(retro.path),
        },
    )


def _member_projects(model: SiteModel, member_id: str) -> list[dict[str, Any]]:
    out = []
    for project, roles, packages in model.projects_by_member.get(member_id, []):
        titles = {str(p.get("id")): p.get("title") for p in project.get("packages") or [] if isinstance(p, dict)}
        out.append(
            {
                "id": project.id,
                "status": project.get("status"),
                "roles": roles,
                "packages": [{"id": p, "title": titles.get(p)} for p in packages],
            }
        )
    return out


# -- listing pages -----------------------------------------------------------------------------------


def members_page(site: Site) -> PageSpec:
    model = site.model
    rows = [
        {
            "id": m.id,
            "kind": m.get("kind"),
            "status": m.get("status"),
            "joined": m.get("joined"),
            "claims": len(m.get("claims") or []),
            "agreements": len(model.agreements_by_member.get(m.id, [])),
            "description": m.get("description"),
            # For the cards and their filters: top-level sectors and the regions claimed.
            "sectors": sorted({s.split("/")[0] for c in _claims(m) for s in c["sector"] if isinstance(s, str)}),
            "regions": sorted({r for c in _claims(m) for r in c["region"] if isinstance(r, str)}),
        }
        for m in model.members
    ]
    options = {
        "sectors": sorted({s for r in rows for s in r["sectors"]}),
        "regions": sorted({x for r in rows for x in r["regions"]}),
        "statuses": sorted({r["status"] for r in rows if isinstance(r["status"], str)}),
    }
    return PageSpec("members/index.md", "members.md.j2", {"rows": rows, "options": options})


def agreements_page(site: Site) -> PageSpec:
    model = site.model
    rows = [
        {
            "id": a.id,
            "title": a.get("title"),
            "type": a.get("type"),
            "status": a.get("status"),
            "in_force": model.in_force(a),
            "parties": list(dict.fromkeys(party_ids(a))),
            "effective": model.effective(a),
        }
        for a in model.agreements
    ]
    types = sorted({r["type"] for r in rows if r["type"]})
    statuses = [
        s
        for s in ("draft", "proposed", "executed", "terminated", "cancelled", "rejected")
        if any(r["status"] == s for r in rows)
    ]
    return PageSpec("agreements/index.md", "agreements.md.j2", {"rows": rows, "types": types, "statuses": statuses})


def deadlines_page(site: Site) -> PageSpec:
    from qtgov.records.status import deadlines

    model = site.model
    visible = {a.id for a in model.agreements}
    rows = [d for d in deadlines(model.index, model.as_of, DEADLINE_WINDOW) if d.id in visible]
    return PageSpec("deadlines.md", "deadlines.md.j2", {"rows": rows, "horizon": model.as_of + DEADLINE_WINDOW})


def _claims_text(entry: dict[str, Any]) -> str:
    return " / ".join(f"{c['member']}:{c['claim']}" for c in entry["claims"])


# At a glance means a few pairs per cell (the most urgent labels first) and a bounded table; the
# member pages and api/overlaps.json hold every overlap of a large alliance.
MAP_PAIRS_PER_CELL = 8
MAP_ROWS = 500


def market_map_page(site: Site) -> PageSpec:
    model = site.model
    grid: dict[str, Any] | None = None
    entries: list[dict[str, Any]] | None = None
    if model.overlaps_all is not None:
        cells: dict[tuple[str, str], dict[tuple[tuple[str, str], str], None]] = {}
        sectors: set[str] = set()
        regions: set[str] = set()
        for entry in model.overlap_entries("now"):
            for piece in entry["pieces"]:
                sector = (piece.get("sector") or {}).get("node") or "?"
                region = (piece.get("region") or {}).get("node") or "?"
                sectors.add(sector)
                regions.add(region)
                cells.setdefault((sector, region), {})[(tuple(entry["members"]), piece["label"])] = None
        region_list = sorted(regions)
        rows = []
        for sector in sorted(sectors):
            row = []
            for region in region_list:
                items = sorted(
                    cells.get((sector, region), {}), key=lambda k: (LEGEND.index(k[1]) if k[1] in LEGEND else 99, k)
                )
                shown = [{"members": list(k[0]), "label": k[1]} for k in items[:MAP_PAIRS_PER_CELL]]
                row.append({"items": shown, "more": max(0, len(items) - MAP_PAIRS_PER_CELL)})
            rows.append({"sector": sector, "cells": row})
        grid = {"regions": region_list, "rows": rows}
        all_rows = [
            {
                "members": e["members"],
                "claims": _claims_text(e),
                "label": p["label"],
                "holder": p.get("holder"),
                "text": p.get("text") or "",
                "agreement": p.get("agreement"),
            }
            for e in model.overlap_entries("all")
            for p in e["pieces"]
        ]
        entries, omitted = all_rows[:MAP_ROWS], max(0, len(all_rows) - MAP_ROWS)
    else:
        omitted = 0
    legend = list(LEGEND) + (["coordinated-not-public"] if model.public else [])
    drawn, truncated = _drawn_map(site)
    return PageSpec(
        "market-map.md",
        "market-map.md.j2",
        {
            "grid": grid,
            "entries": entries,
            "omitted": omitted,
            "legend": legend,
            "drawn": drawn,
            "drawn_truncated": truncated,
            "map_states": list(marketmap.STATES),
        },
    )


def relations_page(site: Site) -> PageSpec:
    """Who has agreements with whom, drawn (qtgov.site.relations) and listed."""
    model = site.model
    facts = []
    for a in model.agreements:
        terms = a.get("terms") if isinstance(a.get("terms"), dict) else {}
        facts.append(
            relations.AgreementFacts(
                a.id,
                str(a.get("type")),
                str(a.get("status")),
                tuple(dict.fromkeys(party_ids(a))),
                holder=terms.get("holder") if a.get("type") == "shareholding" else None,
                issuer=terms.get("issuer") if a.get("type") == "shareholding" else None,
            )
        )
    rel = relations.relations(facts, model.member_visible)
    members = {m.id: m for m in model.members}
    svg: dict[str, Md] = {}
    for lang in site.languages:

        def name(member_id: str, lang: str = lang) -> str:
            record = members.get(member_id)
            return (i18n.pick(record.get("name"), lang, site.languages) if record else "") or member_id

        def type_label(kind: str, lang: str = lang) -> str:
            return i18n.value_label("type", kind, lang)

        svg[lang] = Md(
            relations.draw(
                rel,
                name=name,
                href=lambda member_id: f"../members/{member_id}/",
                type_label=type_label,
                title=i18n.t("relations", lang),
            )
        )
    listing = [
        {
            "member": member,
            "partners": [
                {
                    "other": pair.members[1] if pair.members[0] == member else pair.members[0],
                    "agreements": [(kind, ids) for kind, ids in sorted(pair.agreements.items())],
                }
                for pair in rel.partners(member)
            ],
            "holds": [h for h in rel.holdings if h.holder == member],
        }
        for member in sorted(rel.members)
    ]
    return PageSpec(
        "relations.md",
        "relations.md.j2",
        {
            "svg": svg,
            "listing": listing,
            "types": [t for t in relations.TYPES[:-1] if any(t in p.agreements for p in rel.pairs)],
            "drawn_all": len(rel.members) <= relations.MAX_NODES,
        },
    )


def _drawn_map(site: Site) -> tuple[dict[str, Md], bool]:
    """The market map as inline SVG, per language (qtgov.site.marketmap)."""
    model = site.model
    day = model.as_of.isoformat()

    def current(member: Record) -> Iterator[tuple[str, dict[str, Any]]]:
        for claim in _claims(member):
            start, end = claim["start"], claim["end"]
            if (start is None or str(start) <= day) and (end is None or day <= str(end)):
                yield member.id, claim

    claims = [c for m in model.members if m.get("status") in ("active", "suspended") for c in current(m)]
    pieces = [p for e in model.overlap_entries("now") for p in e["pieces"]] if model.overlaps_now is not None else []
    market = marketmap.build_map(claims, pieces)
    if not market.cells:
        return {}, False
    names = _taxonomy_names(model)
    settings = model.index.settings
    members = {m.id: m for m in model.members}
    out: dict[str, Md] = {}
    for lang in site.languages:

        def sector_label(path: str, lang: str = lang) -> str:
            name = i18n.pick(names(settings.sector_scheme, path), lang, site.languages)
            return name or path

        def member_name(member_id: str, lang: str = lang) -> str:
            record = members.get(member_id)
            return (i18n.pick(record.get("name"), lang, site.languages) if record else "") or member_id

        def state_label(state: str, lang: str = lang) -> str:
            return i18n.t(f"map_state_{state}", lang)

        def region_label(code: str, lang: str = lang) -> str:
            return i18n.region_name(code, lang)

        out[lang] = Md(
            marketmap.draw(
                market,
                sector_label=sector_label,
                region_label=region_label,
                member_name=member_name,
                member_href=lambda member_id: f"../members/{member_id}/",
                state_label=state_label,
                title=i18n.t("market_map", lang),
                contested_href="#all",
            )
        )
    return out, market.truncated


def ownership_page(site: Site) -> PageSpec:
    """Holdings and control as of the build's day, drawn as inline SVG (docs/design/ownership.md);
    holdings not in force on that day are listed with their dates, so dated control is visible."""
    from qtgov.economics.ownership import Holding, pct_text
    from qtgov.site.ownership_svg import draw

    model = site.model
    graph = model.ownership_now
    members = {m.id: m for m in model.members}

    def namer(lang: str) -> Any:
        def name(member_id: str) -> str:
            record = members.get(member_id)
            return i18n.pick(record.get("name"), lang, site.languages) if record else member_id

        return name

    def row(h: Holding) -> dict[str, Any]:
        return {
            "agreement": h.agreement,
            "holder": h.holder,
            "issuer": h.issuer,
            "equity": f"{pct_text(h.equity)} %",
            "voting": f"{pct_text(h.voting)} %",
            "control": h.control,
            "start": h.start,
            "last": h.end - dt.timedelta(days=1) if h.end else None,
        }

    svg = {lang: draw(graph, namer(lang), i18n.t("ownership", lang)) for lang in site.languages}
    live = {h.agreement for h in graph.holdings}
    other = sorted((h for h in model.holdings if h.agreement not in live), key=lambda h: (h.start, h.agreement))
    return PageSpec(
        "ownership.md",
        "ownership.md.j2",
        {
            "svg": svg,
            "holdings": [row(h) for h in graph.holdings],
            "other_holdings": [row(h) for h in other],
            "stakes": [
                {
                    "holder": st.holder,
                    "issuer": st.issuer,
                    "direct": f"{pct_text(st.direct)} %",
                    "indirect": f"{pct_text(st.indirect)} %",
                    "total": f"{pct_text(st.total)} %",
                    "chains": [list(c) for c in st.chains],
                }
                for st in graph.stakes
            ],
            "groups": [g.as_dict() for g in graph.groups],
            "cycles": [list(c) for c in graph.cycles],
            "over": [
                {"issuer": o.issuer, "equity": f"{pct_text(o.equity)} %", "agreements": list(o.agreements)}
                for o in graph.over
            ],
            "partial": graph.partial,
        },
    )


def contribution_pages(site: Site) -> Iterator[PageSpec]:
    """One page per contribution agreement measured at build time (`qtgov build
    --contributions-repo`): shares per window as a table and an inline SVG chart
    (docs/design/economics.md). Commit identities are personal data: only their count is shown."""
    from fractions import Fraction

    from qtgov.economics.contributions import amount, pct
    from qtgov.site.contributions_svg import Series, draw

    model = site.model
    for agreement_id, report in sorted(model.contributions.items()):
        agreement = report.agreement
        if agreement is None or not model.visible(agreement):
            continue
        members = [m for m in report.members if model.member_visible(m)]
        measure = report.measures[0] if report.measures else None

        def name_in(lang: str, member_id: str) -> str:
            record = model.index.members.get(member_id)
            return i18n.pick(record.get("name"), lang, site.languages) if record else member_id

        windows = []
        for w in report.windows:
            rows = []
            for member in members:
                cells = [
                    f"{amount(w.work[ms].get(member, Fraction(0)))} ({pct(w.share(ms, member))})"
                    for ms in report.measures
                ]
                committed = report.expected.get(member)
                rows.append({"member": member, "cells": cells, "committed": pct(committed) if committed else "—"})
            windows.append(
                {
                    "start": w.window.start,
                    "end": w.window.last_day,
                    "whole": w.window.whole,
                    "rows": rows,
                    "elephant": [str(w.elephant_factor(ms) or "—") for ms in report.measures],
                    "due": w.due,
                    "meet_by": w.meet_by,
                }
            )
        svg = {}
        for lang in site.languages:
            series = [
                Series(
                    name_in(lang, member),
                    [w.share(measure, member) if measure else None for w in report.windows],
                    report.expected.get(member),
                )
                for member in members
            ]
            project = i18n.pick(_project_name(report), lang, site.languages)
            title = i18n.t("contributions_title", lang).format(name=project)
            svg[lang] = draw(
                [w.window.start.isoformat() for w in report.windows],
                [w.window.whole for w in report.windows],
                series,
                title,
            )
        yield PageSpec(
            f"contributions/{agreement_id}.md",
            "contributions.md.j2",
            {
                "agreement_id": agreement_id,
                "project_name": _project_name(report),
                "commits_read": report.commits_read,
                "measures": list(report.measures),
                "measure": measure,
                "windows": windows,
                "svg": svg,
                "unmatched": len(report.unmatched),
            },
        )


def _project_name(report: Any) -> Any:
    terms = report.agreement.get("terms") if report.agreement is not None else None
    project = terms.get("project") if isinstance(terms, dict) else None
    return (project or {}).get("name") or report.agreement.id


def flags_page(site: Site) -> PageSpec:
    from qtgov.rules import RULES

    groups: dict[str, list[Finding]] = {}
    for f in site.model.antitrust_flags:
        groups.setdefault(f.rule, []).append(f)
    out = [
        {"rule": rule, "title": RULES[rule].title if rule in RULES else rule, "findings": fs}
        for rule, fs in sorted(groups.items())
    ]
    return PageSpec("flags.md", "flags.md.j2", {"groups": out})


VALIDATION_ROWS_PER_RULE = 300


def validation_page(site: Site) -> PageSpec:
    from qtgov.findings import summarize
    from qtgov.rules import RULES

    findings = site.model.visible_findings
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    # A page holding every row of a large alliance (tens of thousands of overlaps) is megabytes of
    # HTML that nobody scrolls and that MkDocs keeps in memory; the full list is api/findings.json.
    groups = [
        {
            "rule": rule,
            "title": RULES[rule].title if rule in RULES else rule,
            "findings": fs[:VALIDATION_ROWS_PER_RULE],
            "total": len(fs),
            "omitted": max(0, len(fs) - VALIDATION_ROWS_PER_RULE),
        }
        for rule, fs in sorted(by_rule.items(), key=lambda kv: (min(int(f.severity) for f in kv[1]), kv[0]))
    ]
    return PageSpec("validation.md", "validation.md.j2", {"groups": groups, "summary": summarize(findings)})


def _events(site: Site) -> list[dict[str, Any]]:
    """Governance events, newest first: from git history when there is one (each change on the
    main line, in governance terms), otherwise from the dates the records state."""
    model = site.model
    events: list[dict[str, Any]] = []
    by_path = {r.path: r for r in model.records_with_pages()}
    if model.git.history:
        visible = model.public_paths
        for path, history in model.git.history.items():
            if path not in visible:
                continue
            record_id = path.rsplit("/", 1)[-1].removesuffix(".yaml").removesuffix(".md")
            record = by_path.get(path)
            for e in history:
                events.append(
                    {
                        "date": e.date,
                        "path": path,
                        "record": record_id,
                        "name": _record_name(record),
                        "key": "ev_commit",
                        "args": {"summary": e.summary},
                    }
                )
    else:

        def add(day: Any, record: Record, key: str, **args: Any) -> None:
            parsed = i18n_date(day)
            if parsed is not None and parsed <= model.as_of:
                events.append(
                    {
                        "date": parsed,
                        "path": record.path,
                        "record": record.id,
                        "name": _record_name(record),
                        "key": key,
                        "args": args,
                    }
                )

        for m in model.members:
            add(m.get("joined"), m, "ev_joined")
            add(m.get("left"), m, "ev_left")
        for a in model.agreements:
            for sig in a.get("signatures") or []:
                if isinstance(sig, dict):
                    add(sig.get("date"), a, "ev_signed", member=sig.get("member"))
            if a.get("status") in ("executed", "terminated"):
                add(model.effective(a), a, "ev_effective")
            add((a.get("termination") or {}).get("date"), a, "ev_terminated")
            review = a.get("legal_review") or {}
            if review.get("date"):
                add(review.get("date"), a, "ev_reviewed", status=review.get("status"))
    events.sort(
        key=lambda e: (e["date"], e["record"], e["key"], json.dumps(e["args"], sort_keys=True, default=str)),
        reverse=True,
    )
    return events


FEED_ENTRIES = 100


def atom_feed(site: Site, lang: str, events: list[dict[str, Any]]) -> str:
    """The changelog as an Atom feed (RFC 4287) in one language: the newest events, each linking
    to its record's page. Ids are tag URIs made from the alliance id, so they stay stable."""
    from xml.sax.saxutils import escape, quoteattr

    model = site.model
    alliance = model.index.alliance
    alliance_id = str((alliance.get("id") if alliance else None) or "alliance")
    base = (model.index.settings.url or "").rstrip("/")
    title = i18n.pick(alliance.get("name") if alliance else None, lang, site.languages) or i18n.t("handbook", lang)
    members = {m.id: m for m in model.members}
    page_for = {r.path: f"{r.kind}s/{r.id}/" for r in model.records_with_pages()}
    newest = max((e["date"] for e in events), default=model.as_of)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{escape(lang)}">',
        f"  <title>{escape(title)} · {escape(i18n.t('changelog', lang))}</title>",
        f"  <id>tag:qtgov,2026:{escape(alliance_id)}/{escape(lang)}/changelog</id>",
        f"  <updated>{newest.isoformat()}T00:00:00Z</updated>",
        f"  <author><name>{escape(title)}</name></author>",
    ]
    if base:
        lines.append(f'  <link rel="alternate" href={quoteattr(f"{base}/{lang}/changelog/")}/>')
    agreements = {a.id: a for a in model.agreements}
    for e in events[:FEED_ENTRIES]:
        args = dict(e["args"])
        if isinstance(args.get("summary"), messages.Message):  # a history event, as the changelog shows it
            args["summary"] = edition_text(args["summary"], members, agreements, model.hidden_ids, lang, site.languages)
        if "member" in args:
            member = members.get(str(args["member"]))
            args["member"] = i18n.pick(member.get("name"), lang, site.languages) if member else args["member"]
        if "status" in args:
            args["status"] = i18n.value_label("review", args["status"], lang)
        text = i18n.t(e["key"], lang)
        for key, value in args.items():
            text = text.replace("{" + key + "}", str(value))
        name = i18n.pick(e.get("name"), lang, site.languages) or e["record"]
        entry = i18n.t("feed_entry", lang).replace("{record}", name).replace("{event}", text)
        # Stable across builds: the same event always has the same id.
        digest = hashlib.sha256(json.dumps([e["key"], e["args"]], sort_keys=True, default=str).encode()).hexdigest()
        key = f"{e['record']}/{e['date'].isoformat()}/{digest[:12]}"
        lines += [
            "  <entry>",
            f"    <title>{escape(plain(entry))}</title>",
            f"    <id>tag:qtgov,2026:{escape(alliance_id)}/{escape(lang)}/{escape(key)}</id>",
            f"    <updated>{e['date'].isoformat()}T00:00:00Z</updated>",
        ]
        page = page_for.get(e["path"])
        if base and page:
            lines.append(f'    <link rel="alternate" href={quoteattr(f"{base}/{lang}/{page}")}/>')
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _record_name(record: Record | None) -> Any:
    """A record's name (members) or title (agreements), as written (bilingual maps included)."""
    if record is None:
        return None
    return record.get("name") or record.get("title")


def i18n_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def changelog_page(site: Site) -> PageSpec:
    return PageSpec("changelog.md", "changelog.md.j2", {"events": _events(site)})


def rules_pages(site: Site) -> Iterator[PageSpec]:
    from qtgov.locale.ruledocs import rule_doc
    from qtgov.rules import all_rules

    rules = all_rules()
    counts = dict.fromkeys((r.id for r in rules), 0)
    for f in site.model.visible_findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    yield PageSpec("rules/index.md", "rules.md.j2", {"rules": rules, "counts": counts})
    for rule in rules:
        # The docstring (or its translation, qtgov/locale/rules/) is qtgov's own documentation
        # (Markdown), not record data. The rule's findings are listed once, on the validation
        # page, which the rule page links to.
        docs = {lang: Md(rule_doc(rule, lang)) for lang in site.languages}
        yield PageSpec(f"rules/{rule.id}.md", "rule.md.j2", {"rule": rule, "docs": docs, "count": counts[rule.id]})


# -- how-to pages and the field reference ----------------------------------------------------------


def howto_pages(site: Site) -> Iterator[PageSpec]:
    """The how-to index and one page per guide (qtgov/site/howto.py)."""
    from qtgov.site.howto import HOWTOS

    yield PageSpec("howto/index.md", "howtos.md.j2", {"howtos": HOWTOS})
    for howto in HOWTOS:
        steps = [{"text": s.text, "commands": pre_text(s.commands) if s.commands else None} for s in howto.steps]
        yield PageSpec(f"howto/{howto.slug}.md", "howto.md.j2", {"howto": howto, "steps": steps})


_GENERIC_TYPES = frozenset({"string", "object", "array", "boolean", "integer", "number", "null", "any"})


def _type_text(name: str, lang: str) -> str:
    """A field's type in words: JSON's own types translated, schema definitions and enum values as
    they are written in a record."""
    if name.startswith("array of "):
        return i18n.t("fieldref_list_of", lang).format(type=_type_text(name.removeprefix("array of "), lang))
    if name in _GENERIC_TYPES:
        return i18n.t(f"fieldref_type_{name}", lang)
    if " | " in name and all(part in _GENERIC_TYPES for part in name.split(" | ")):
        return " | ".join(_type_text(part, lang) for part in name.split(" | "))
    return name


def field_rows(kind: str, languages: Iterable[str], loaded: Any = None) -> list[dict[str, Any]]:
    """The reference's sections for one record kind: [{"type": agreement type or None, "fields": rows}]."""
    from qtgov.site.fieldref import fields

    sections: dict[str, list[dict[str, Any]]] = {}
    for f in fields(kind, loaded):
        meaning = {}
        for lang in languages:
            code = "zh" if i18n.ui_lang(lang) == 0 else "en"
            meaning[lang] = f.description.get(code) or i18n.t("fieldref_no_zh", lang)
        sections.setdefault(f.section, []).append(
            {
                "path": f.path,
                "required": f.required,
                "type": {lang: _type_text(f.type, lang) for lang in languages},
                "meaning": meaning,
                "example": f.example,
                "publish": f.publish,
            }
        )
    return [{"type": section or None, "fields": rows} for section, rows in sections.items()]


def fieldref_pages(site: Site) -> Iterator[PageSpec]:
    """The field reference: an index and one page per record kind, generated from the schemas."""
    from qtgov.site.fieldref import KINDS, schema_file

    yield PageSpec("reference/index.md", "fieldrefs.md.j2", {"kinds": [k for k, _ in KINDS]})
    for kind, _file in KINDS:
        context = {"kind": kind, "sections": field_rows(kind, site.languages), "schema_file": schema_file(kind)}
        yield PageSpec(f"reference/{kind}.md", "fieldref.md.j2", context)


# -- data files --------------------------------------------------------------------------------------


def _strip_personal(model: SiteModel, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """A record's data without personal fields a public edition may not carry."""
    if not model.public:
        return data
    data = json.loads(json.dumps(data))  # a deep copy of plain JSON data
    if kind == "member":
        for rep in data.get("representatives") or []:
            if not isinstance(rep, dict):
                continue
            for key in ("commit_emails", "signing_keys", "github"):
                rep.pop(key, None)
            if rep.get("public_contact") is not True:
                rep.pop("email", None)
    if kind == "agreement":
        terms = data.get("terms")
        if isinstance(terms, dict):
            terms.pop("person_ref", None)
    try:
        from qtgov.rules.visibility import personal_fields
    except ImportError:
        return data
    for personal in personal_fields(kind):
        _drop(data, personal.path, personal.consent_key)
    return data


def _project_data(site: Site, project: Record) -> dict[str, Any]:
    """A project's data for this edition: in a public edition without its values and shares
    (sensitive, docs/design/projects.md), without the ids of agreements it does not show, and
    its long text as the page prints it."""
    model = site.model
    data = _strip_personal(model, "project", project.data)
    if not model.public:
        return data
    data.pop("value", None)
    for key in ("scope", "note"):
        if key in data:
            data[key] = _withheld_text(site, data[key])
    data["agreements"] = [a for a in data.get("agreements") or [] if model.agreement_visible(str(a))]
    # A member this edition leaves out is not identified: its id becomes null ("not public").
    hidden = model.hidden_ids
    for key in ("prime", "brought_by"):
        if data.get(key) in hidden:
            data[key] = None
    if isinstance(data.get("bidders"), list):
        data["bidders"] = [b if b not in hidden else None for b in data["bidders"]]
    if isinstance(data.get("client"), dict) and data["client"].get("member") in hidden:
        data["client"] = {"member": None}
    for package in data.get("packages") or []:
        if isinstance(package, dict):
            if package.get("assignee") in hidden:
                package["assignee"] = None
            package.pop("value", None)
            package.pop("share", None)
            if "agreements" in package:
                package["agreements"] = [a for a in package["agreements"] or [] if model.agreement_visible(str(a))]
    if not data["agreements"]:
        data.pop("agreements")
    return data


def _retrospective_data(site: Site, retro: Record) -> dict[str, Any]:
    """A retrospective's data for this edition: in a public edition, what it concerns only as far
    as the edition shows it (a non-public project's id is not published), and its text as the
    page prints it (alliance-only passages of a Markdown body left out)."""
    model = site.model
    data = _strip_personal(model, "retrospective", retro.data)
    if not model.public:
        return data
    for key in ("happened", "learned"):
        if key in data:
            data[key] = _withheld_text(site, data[key])
    if isinstance(data.get("body"), str) and site.record_terms is not None:
        notice = i18n.t("prose_withheld", _body_lang(site, retro))
        data["body"] = for_audience(data["body"], site.record_terms, public=True, notice=notice)
    concerns = data.get("concerns")
    if isinstance(concerns, dict):
        shown = {"projects": model.project_visible, "agreements": model.agreement_visible}
        for key, visible in shown.items():
            if key in concerns:
                concerns[key] = [i for i in concerns[key] or [] if visible(str(i))]
    return data


def _drop(node: Any, path: tuple[str, ...], consent: str | None) -> None:
    if not path:
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(node, list):
            for item in node:
                _drop(item, rest, consent)
        return
    if not isinstance(node, dict):
        return
    if not rest:
        if consent and node.get(consent) is True:
            return
        node.pop(head, None)
        return
    _drop(node.get(head), rest, consent)


def _write_json(path: Path, head: dict[str, Any], key: str, items: Iterable[Any]) -> None:
    """`{"qtgov", "disclaimer", **head, key: [items]}` written item by item, one per line, so
    that neither the list nor the text of a large export is ever held whole in memory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"qtgov": __version__, "disclaimer": disclaimer.TEXT, **head}
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(body, ensure_ascii=False, indent=2, default=str)[:-2])
        fh.write(f",\n  {json.dumps(key)}: [")
        for i, item in enumerate(items):
            fh.write(",\n    " if i else "\n    ")
            fh.write(json.dumps(item, ensure_ascii=False, default=str))
        fh.write("\n  ]\n}\n")


def _write_record_json(path: Path, head: dict[str, Any], data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"qtgov": __version__, "disclaimer": disclaimer.TEXT, **head, "record": data}
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def data_file_names(site: Site) -> list[str]:
    names = ["api/members.json", "api/agreements.json", "api/projects.json", "api/retrospectives.json"]
    names.append("api/findings.json")
    if site.model.overlaps_all is not None:
        names.append("api/overlaps.json")
    # One file per record too, linked from its page (like the list entry, with the same fields).
    names.extend(f"api/members/{m.id}.json" for m in site.model.members)
    names.extend(f"api/agreements/{a.id}.json" for a in site.model.agreements)
    names.extend(f"api/projects/{p.id}.json" for p in site.model.projects)
    names.extend(f"api/retrospectives/{r.id}.json" for r in site.model.retrospectives)
    names.extend(f"schemas/{p.name}" for p in sorted(schema_dir().glob("*.schema.json")))
    return names


def write_data_files(site: Site, docs_dir: Path) -> None:
    """The downloadable data: members, agreements, findings and overlaps as JSON (public
    material only in a public edition), and the JSON Schemas."""
    from qtgov.findings import summarize
    from qtgov.rules import help_url

    model = site.model
    settings = model.index.settings
    help_lang = "en" if "en" in site.languages else site.languages[0]
    help_base = f"{settings.url.rstrip('/')}/{help_lang}/rules/" if settings.url else None
    common = {"as_of": model.as_of.isoformat(), "audience": model.audience}

    def members() -> Iterator[dict[str, Any]]:
        for m in model.members:
            data = _strip_personal(model, "member", m.data)
            _write_record_json(docs_dir / "api" / "members" / f"{m.id}.json", common, data)
            yield data

    _write_json(docs_dir / "api" / "members.json", common, "members", members())

    def agreements() -> Iterator[dict[str, Any]]:
        for a in model.agreements:
            data = _agreement_data(a)
            _write_record_json(docs_dir / "api" / "agreements" / f"{a.id}.json", common, data)
            yield data

    def _agreement_data(a: Record) -> dict[str, Any]:
        interval = model.intervals.get(a.id)
        return {
            **_strip_personal(model, "agreement", a.data),
            "x-qtgov": {
                "content_sha256": a.content_sha256,
                "in_force": model.in_force(a),
                "in_force_from": interval.start.isoformat() if interval else None,
                "in_force_until": interval.last_day.isoformat() if interval and interval.last_day else None,
            },
        }

    _write_json(docs_dir / "api" / "agreements.json", common, "agreements", agreements())

    def projects() -> Iterator[dict[str, Any]]:
        for p in model.projects:
            data = _project_data(site, p)
            _write_record_json(docs_dir / "api" / "projects" / f"{p.id}.json", common, data)
            yield data

    _write_json(docs_dir / "api" / "projects.json", common, "projects", projects())

    def retrospectives() -> Iterator[dict[str, Any]]:
        for r in model.retrospectives:
            data = _retrospective_data(site, r)
            _write_record_json(docs_dir / "api" / "retrospectives" / f"{r.id}.json", common, data)
            yield data

    _write_json(docs_dir / "api" / "retrospectives.json", common, "retrospectives", retrospectives())
    findings = model.visible_findings
    _write_json(
        docs_dir / "api" / "findings.json",
        {
            **common,
            "status": "fail" if any(str(f.severity) == "error" for f in findings) else "ok",
            "summary": summarize(findings),
        },
        "findings",
        (f.as_dict(help_url(f.rule, help_base) if help_base else help_url(f.rule)) for f in findings),
    )
    if model.overlaps_all is not None:
        # The export covers all time; `as_of` is the build's day, like every other file.
        head = {k: v for k, v in model.overlaps_all.items() if k not in ("qtgov", "disclaimer", "overlaps", "as_of")}
        head["covers"] = "all-time"
        _write_json(docs_dir / "api" / "overlaps.json", {**common, **head}, "overlaps", model.overlaps_all["overlaps"])
    for path in sorted(schema_dir().glob("*.schema.json")):
        target = docs_dir / "schemas" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())


def data_page(site: Site) -> PageSpec:
    api = [
        {"name": name.split("/")[-1], "path": name, "key": f"api_{name.split('/')[-1].removesuffix('.json')}"}
        for name in sorted(site.files)
        if name.startswith("api/") and name.count("/") == 1  # not the per-record files
    ]
    schema_files = [{"name": n.split("/")[-1], "path": n} for n in sorted(site.files) if n.startswith("schemas/")]
    return PageSpec("data.md", "data.md.j2", {"api_files": api, "schema_files": schema_files})


# -- assembling and rendering -------------------------------------------------------------------------


def assemble(model: SiteModel, *, fenced_code: bool = True) -> Site:
    languages = tuple(model.index.settings.languages) or ("zh", "en")
    site = Site(model, languages, charter_pages(model.index.charter_pages, languages), fenced_code)
    site.prose_terms = index_terms(model.index)
    site.record_terms = non_public_terms(
        [
            *(("member", m) for m in model.index.members.values()),
            *(("agreement", a) for a in model.index.agreements.values()),
            *(("project", p) for p in model.index.projects.values()),
            *(("retrospective", r) for r in model.index.retrospectives.values()),
        ]
    )
    site.files = data_file_names(site)
    site.pages = [
        members_page(site),
        agreements_page(site),
        projects_page(site),
        retrospectives_page(site),
        deadlines_page(site),
        market_map_page(site),
        relations_page(site),
        ownership_page(site),
        flags_page(site),
        validation_page(site),
        changelog_page(site),
        *rules_pages(site),
        *howto_pages(site),
        *fieldref_pages(site),
        data_page(site),
        *(member_page(site, m) for m in model.members),
        *(agreement_page(site, a) for a in model.agreements),
        *(project_page(site, p) for p in model.projects),
        *(retrospective_page(site, r) for r in model.retrospectives),
        *contribution_pages(site),
    ]
    return site


def _source_link(model: SiteModel) -> Any:
    from qtgov.site.escaping import safe_url

    base = safe_url(model.repo_url) if model.repo_url else None

    def source_link(path: str) -> Md:
        if base is None or not re.fullmatch(r"[a-z0-9][a-z0-9._/-]*", path):
            return Md("<code>") + md(path) + Md("</code>")
        ref = model.git.head or "HEAD"
        url = f"{base.rstrip('/')}/blob/{ref}/{path}"
        return Md(f'<a href="{html_attr(url)}" rel="nofollow noopener">') + md(path) + Md("</a>")

    return source_link


def _home(site: Site, lang: str, default_lang: str) -> dict[str, Any]:
    model = site.model
    index_page = next((p for p in site.charter if p.name == "index"), None)
    name = i18n.pick(model.index.alliance.get("name") if model.index.alliance else None, lang, site.languages)
    name = name or i18n.t("handbook", lang)
    if index_page is None:
        head, body, title = f"# {md_inline(name)}", "", name
    else:
        prose = site.prose(index_page, lang)
        title = prose.title or name
        head, body = prose.head, prose.body
        if not head:
            head, body = f"# {md_inline(name)}", prose.body
    return {"home_title": title, "charter_head": Md(head), "charter_body": Md(body), "figures": model.figures}


def render_docs(site: Site, lang: str, docs_dir: Path) -> list[tuple[str, str]]:
    """Write every page of one language into `docs_dir` (which must be empty or absent).
    Returns the nav: (title, docs path) of the listing pages, charter pages first."""
    model = site.model
    default_lang = site.languages[0]
    docs_dir.mkdir(parents=True, exist_ok=True)
    context = base_context(site)
    context.update(
        lang=lang,
        source_link=_source_link(model),
    )
    written: set[str] = set()

    def write(path: str, text: str | bytes) -> None:
        target = docs_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        written.add(path)

    home = {**context, **_home(site, lang, default_lang), "page_path": "index.md"}
    write("index.md", render("home.md.j2", home))
    changelog = next((p for p in site.pages if p.path == "changelog.md"), None)
    if changelog is not None:
        write("feed.xml", atom_feed(site, lang, changelog.context["events"]))
    nav: list[tuple[str, str]] = []
    charter_nav: list[tuple[str, str]] = []
    for page in site.charter:
        if page.name == "index":
            continue
        prose = site.prose(page, lang)
        path = f"charter/{page.name}.md"
        title = prose.title or page.name
        write(
            path,
            render(
                "charter.md.j2",
                {**context, "page_path": path, "page_title": title, "charter_text": Md(prose.head + prose.body)},
            ),
        )
        charter_nav.append((html_text(title), path))
    for spec in site.pages:
        target = docs_dir / spec.path
        target.parent.mkdir(parents=True, exist_ok=True)
        render_to(target, spec.template, {**context, **spec.context, "page_path": spec.path})
        written.add(spec.path)
    if site.data_dir is not None and all((site.data_dir / name).is_file() for name in site.files):
        for name in site.files:
            target = docs_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site.data_dir / name, target)
    else:
        write_data_files(site, docs_dir)
        site.data_dir = docs_dir
    for asset in sorted(ASSETS.iterdir()):
        if asset.is_file():
            write(f"assets/qtgov/{asset.name}", asset.read_bytes())
    nav.extend((html_text(i18n.t(key, lang)), path) for path, key in NAV_PAGES)
    return [*charter_nav, *nav]


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, dirs_exist_ok=True)
