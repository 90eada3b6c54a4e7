"""What a handbook shows, computed once per build from the validated repository: the records an
audience may see, the figures as of one day, the overlaps and findings it may publish, and the
git history when there is one. Language-neutral: templates pick the language."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qtgov.dates import parse_date
from qtgov.economics.ownership import Holding, Ownership
from qtgov.findings import Finding, Severity
from qtgov.records.agreements import Interval, effective_date, in_force_interval
from qtgov.records.index import Index, Record, party_ids
from qtgov.site.gitdata import GitData

AUDIENCES = ("public", "alliance")

#: Rules whose errors leave a page without the data it needs: the build stops on them.
BLOCKING_CATEGORIES = frozenset({"files and YAML", "schema"})
BLOCKING_RULES = frozenset({"record-id", "reference", "alliance-file"})

#: Overlap labels that still need coordinating (open overlaps).
OPEN_LABELS = ("conflict", "pending", "blocked-review")
_QUOTED_ID = re.compile(r"['\"`]([a-z0-9][a-z0-9-]{1,62})['\"`]")
#: Any id-shaped whole word: the rules on projects and retrospectives name the members they are
#: about (an assignee, the bidders, another member with a declared focus area) without quotes.
_BARE_ID = re.compile(r"(?<![A-Za-z0-9_-])([a-z0-9][a-z0-9-]{1,62})(?![A-Za-z0-9_-])")
#: Files whose findings are read for bare ids as well as quoted ones.
_BARE_ID_PATHS = ("projects/", "retrospectives/")
NOT_PUBLIC_LABEL = "coordinated-not-public"
#: Rules whose messages quote a project's or package's value (sensitive): kept out of a public
#: edition even on a public project (docs/design/projects.md).
VALUE_RULES = frozenset({"project-values"})

# Dates that record an event (used for the as-of date of a build without git).
# (Not `effective`, `end` or `until`: drafts and terms name days still to come.)
_EVENT_DATE_KEYS = ("joined", "left", "date", "since", "antitrust_policy_acknowledged")


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """Findings that make a page unrenderable: parse, schema and reference errors."""
    from qtgov.rules import RULES, all_rules

    all_rules()
    out = []
    for f in findings:
        if f.severity is not Severity.ERROR:
            continue
        rule = RULES.get(f.rule)
        if f.rule in BLOCKING_RULES or (rule is not None and rule.category in BLOCKING_CATEGORIES):
            out.append(f)
    return out


def newest_record_date(index: Index) -> dt.date | None:
    """The latest event date any record states (joined, signature dates, …) that is a real date."""
    newest: dt.date | None = None

    def walk(node: Any, key: str | None) -> None:
        nonlocal newest
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif key in _EVENT_DATE_KEYS:
            day = parse_date(node)
            if day is not None and (newest is None or day > newest):
                newest = day

    for record in index.records():
        walk(record.data, None)
    return newest


@dataclass
class SiteModel:
    index: Index
    findings: list[Finding]
    audience: str
    as_of: dt.date
    git: GitData
    repo_url: str | None = None
    overlaps_all: dict[str, Any] | None = None  # docs/design/output.md JSON, filtered for the audience
    overlaps_now: dict[str, Any] | None = None
    overlaps_error: str | None = None
    # Contribution agreement id -> ContributionReport measured at build (docs/design/economics.md).
    contributions: dict[str, Any] = field(default_factory=dict)
    _visible_cache: dict[str, bool] = field(default_factory=dict)

    # -- visibility ------------------------------------------------------------------------------

    @property
    def public(self) -> bool:
        return self.audience == "public"

    def visible(self, record: Record | None) -> bool:
        if record is None:
            return False
        if not self.public:
            return True
        return record.get("visibility") == "public"

    def member_visible(self, member_id: str) -> bool:
        return self.visible(self.index.members.get(member_id))

    def agreement_visible(self, agreement_id: str) -> bool:
        return self.visible(self.index.agreements.get(agreement_id))

    def project_visible(self, project_id: str) -> bool:
        return self.visible(self.index.projects.get(project_id))

    @functools.cached_property
    def members(self) -> list[Record]:
        return sorted((m for m in self.index.members.values() if self.visible(m)), key=lambda r: r.id)

    @functools.cached_property
    def agreements(self) -> list[Record]:
        return sorted((a for a in self.index.agreements.values() if self.visible(a)), key=lambda r: r.id)

    @functools.cached_property
    def projects(self) -> list[Record]:
        return sorted((p for p in self.index.projects.values() if self.visible(p)), key=lambda r: r.id)

    @functools.cached_property
    def retrospectives(self) -> list[Record]:
        """The visible retrospectives, newest first (by `date`, then id)."""
        ordered = sorted(self.index.retrospectives.values(), key=lambda r: r.id)
        ordered.sort(key=lambda r: str(r.get("date") or ""), reverse=True)
        return [r for r in ordered if self.visible(r)]

    @functools.cached_property
    def public_paths(self) -> frozenset[str]:
        """Files whose content this edition may show (the charter, taxonomies, visible records)."""
        paths = {r.path for r in self.records_with_pages()}
        if self.index.alliance is not None:
            paths.add(self.index.alliance.path)
        paths.update(t.path for t in self.index.taxonomies.values())
        paths.update(f"charter/{name}" for name in self.index.charter_pages)
        return frozenset(paths)

    @functools.cached_property
    def hidden_ids(self) -> frozenset[str]:
        """Ids of records this edition does not show (their names must not appear either)."""
        shown = {r.id for r in self.records_with_pages()}
        kinds = ("member", "agreement", "project", "retrospective")
        known = {i for kind in kinds for i in self.index.known.get(kind, ())}
        return frozenset(known - shown)

    def finding_visible(self, finding: Finding) -> bool:
        """In a public edition: every file it points at is public, and its message names no
        record the edition leaves out (for a project or retrospective, not even by a bare id, as
        its rules name members without quotes)."""
        if not self.public:
            return True
        if finding.rule in VALUE_RULES:
            return False
        paths = [finding.path, *(r.path for r in finding.related)]
        if not all(p in self.public_paths or p.startswith("schemas/") for p in paths):
            return False
        hidden = self.hidden_ids
        texts = [finding.message, *(r.message for r in finding.related)]
        ids = _BARE_ID if finding.path.startswith(_BARE_ID_PATHS) else _QUOTED_ID
        return not any(word in hidden for text in texts for word in ids.findall(text))

    @functools.cached_property
    def visible_findings(self) -> list[Finding]:
        return [f for f in self.findings if self.finding_visible(f)]

    @functools.cached_property
    def findings_by_path(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = defaultdict(list)
        for f in self.visible_findings:
            out[f.path].append(f)
        return out

    @functools.cached_property
    def antitrust_flags(self) -> list[Finding]:
        from qtgov.rules import RULES, all_rules

        all_rules()
        return [f for f in self.visible_findings if (r := RULES.get(f.rule)) is not None and r.category == "antitrust"]

    # -- agreements ------------------------------------------------------------------------------

    @functools.cached_property
    def intervals(self) -> dict[str, Interval | None]:
        return {a.id: in_force_interval(a, self.index) for a in self.agreements}

    def in_force(self, agreement: Record) -> bool:
        interval = self.intervals.get(agreement.id)
        return interval is not None and interval.contains(self.as_of)

    def effective(self, agreement: Record) -> dt.date | None:
        return effective_date(agreement)

    @functools.cached_property
    def agreements_by_member(self) -> dict[str, list[Record]]:
        out: dict[str, list[Record]] = defaultdict(list)
        for agreement in self.agreements:
            for member in dict.fromkeys(party_ids(agreement)):
                out[member].append(agreement)
        return out

    @functools.cached_property
    def holdings(self) -> list[Holding]:
        """The holdings this edition may show (docs/design/ownership.md): the shareholding
        agreement and both companies visible; a public edition shows public holdings only."""
        from qtgov.economics.ownership import for_index

        return [
            h
            for h in for_index(self.index).holdings
            if self.agreement_visible(h.agreement) and self.member_visible(h.holder) and self.member_visible(h.issuer)
        ]

    @functools.cached_property
    def ownership_now(self) -> Ownership:
        """The holdings graph this edition shows, on the build's day."""
        from qtgov.economics.ownership import ownership_on

        return ownership_on(self.holdings, self.as_of)

    @functools.cached_property
    def shareholdings_by_member(self) -> dict[str, list[Record]]:
        out: dict[str, list[Record]] = defaultdict(list)
        for agreement in self.agreements:
            if agreement.get("type") != "shareholding":
                continue
            terms = agreement.get("terms") or {}
            for key in ("holder", "issuer"):
                member = terms.get(key)
                if isinstance(member, str) and agreement not in out[member]:
                    out[member].append(agreement)
        return out

    @functools.cached_property
    def ancillary(self) -> dict[str, list[str]]:
        """Agreement id -> the visible agreements ancillary to it (`antitrust.ancillary_to`,
        a non-solicit's `terms.ancillary_to`)."""
        out: dict[str, list[str]] = defaultdict(list)
        for agreement in self.agreements:
            targets = {
                (agreement.get("antitrust") or {}).get("ancillary_to"),
                (agreement.get("terms") or {}).get("ancillary_to")
                if isinstance(agreement.get("terms"), dict)
                else None,
            }
            for target in targets:
                if isinstance(target, str):
                    out[target].append(agreement.id)
        return out

    def lineage(self, agreement: Record) -> tuple[list[str], list[str]]:
        """(ancestors newest first, descendants) through `amends`/`supersedes`."""
        ancestors: list[str] = []
        seen = {agreement.id}
        current: Record | None = agreement
        while current is not None:
            target = current.get("amends")
            if not isinstance(target, str) or target in seen:
                break
            ancestors.append(target)
            seen.add(target)
            current = self.index.agreements.get(target)
        for sup in agreement.get("supersedes") or []:
            if isinstance(sup, str) and sup not in seen:
                ancestors.append(sup)
                seen.add(sup)
        descendants = sorted({r.id for r in self.index.amended_by.get(agreement.id, [])})
        return ancestors, descendants

    # -- overlaps --------------------------------------------------------------------------------

    def overlap_entries(self, which: str = "all") -> list[dict[str, Any]]:
        data = self.overlaps_all if which == "all" else self.overlaps_now
        return list((data or {}).get("overlaps") or [])

    @functools.cached_property
    def overlaps_by_member(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in self.overlap_entries("all"):
            for member in entry["members"]:
                out[member].append(entry)
        return out

    # -- figures ---------------------------------------------------------------------------------

    @functools.cached_property
    def figures(self) -> dict[str, int | None]:
        open_overlaps: int | None = None
        if self.overlaps_now is not None:
            open_overlaps = sum(
                1 for e in self.overlap_entries("now") if any(p["label"] in OPEN_LABELS for p in e["pieces"])
            )
        return {
            "members": sum(1 for m in self.members if m.get("status") == "active"),
            "in_force": sum(1 for a in self.agreements if self.in_force(a)),
            "overlaps": open_overlaps,
            "flags": len(self.antitrust_flags),
        }

    def records_with_pages(self) -> Iterator[Record]:
        yield from self.members
        yield from self.agreements
        yield from self.projects
        yield from self.retrospectives

    # -- projects and retrospectives ---------------------------------------------------------------

    @functools.cached_property
    def projects_by_member(self) -> dict[str, list[tuple[Record, list[str], list[str]]]]:
        """Member id -> (project, roles, package ids assigned to it) for every visible project the
        member works on: as prime, as the member that brought it, as bidder, as assignee."""
        out: dict[str, list[tuple[Record, list[str], list[str]]]] = defaultdict(list)
        for project in self.projects:
            roles: dict[str, list[str]] = defaultdict(list)
            packages: dict[str, list[str]] = defaultdict(list)
            for role, key in (("prime", "prime"), ("brought_by", "brought_by")):
                member = project.get(key)
                if isinstance(member, str):
                    roles[member].append(role)
            for member in project.get("bidders") or []:
                if isinstance(member, str) and "bidder" not in roles[member]:
                    roles[member].append("bidder")
            client = project.get("client")
            if isinstance(client, dict) and isinstance(client.get("member"), str):
                roles[client["member"]].append("client")
            for package in project.get("packages") or []:
                if isinstance(package, dict) and isinstance(package.get("assignee"), str):
                    packages[package["assignee"]].append(str(package.get("id")))
            for member in dict.fromkeys([*roles, *packages]):
                if packages.get(member) and "assignee" not in roles[member]:
                    roles[member].append("assignee")
                out[member].append((project, roles[member], packages.get(member, [])))
        return out

    @functools.cached_property
    def projects_by_agreement(self) -> dict[str, list[str]]:
        """Agreement id -> the visible projects it governs (the whole project or a package)."""
        out: dict[str, list[str]] = defaultdict(list)
        for project in self.projects:
            named = list(project.get("agreements") or [])
            for package in project.get("packages") or []:
                if isinstance(package, dict):
                    named.extend(package.get("agreements") or [])
            for agreement in dict.fromkeys(a for a in named if isinstance(a, str)):
                out[agreement].append(project.id)
        return out

    @functools.cached_property
    def retrospectives_by_concern(self) -> dict[tuple[str, str], list[Record]]:
        """(kind, id) of a project or agreement -> the visible retrospectives concerning it, newest
        first."""
        out: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for retro in self.retrospectives:
            concerns = retro.get("concerns") or {}
            if not isinstance(concerns, dict):
                continue
            for kind, key in (("project", "projects"), ("agreement", "agreements")):
                for target in concerns.get(key) or []:
                    if isinstance(target, str):
                        out[(kind, target)].append(retro)
        return out


def filter_overlaps(report: dict[str, Any], model: SiteModel) -> dict[str, Any]:
    """The overlaps JSON an audience may see: only pairs of visible members; a piece covered by an
    agreement the audience may not see reads `coordinated-not-public`, naming neither it nor its
    holder (docs/design/visibility.md)."""
    if not model.public:
        return report
    entries = []
    for entry in report.get("overlaps") or []:
        if not all(model.member_visible(m) for m in entry["members"]):
            continue
        pieces = entry["pieces"]
        if any(p.get("agreement") is not None and not model.agreement_visible(p["agreement"]) for p in pieces):
            # The way the pieces split the overlap would draw the non-public agreement's boxes
            # (a covered piece, or the "except" of the rest): publish the whole overlap, which the
            # public claims already show, as one piece saying only that an arrangement exists.
            pieces = [{**_whole_overlap(pieces), "label": NOT_PUBLIC_LABEL, "holder": None, "agreement": None}]
        entries.append({**entry, "pieces": pieces})
    summary: dict[str, int] = {}
    for entry in entries:
        for piece in entry["pieces"]:
            summary[piece["label"]] = summary.get(piece["label"], 0) + 1
    return {**report, "overlaps": entries, "summary": dict(sorted(summary.items()))}


def _depth(dimension: str, node: str) -> int:
    if node == "*":
        return 0
    if dimension == "region":
        return 2 if "-" in node else 1
    return node.count("/") + 1


def _whole_overlap(pieces: list[dict[str, Any]]) -> dict[str, Any]:
    """The box the disjoint pieces of one overlap cover together: in each tree the shallowest
    node (the meet of the two claims), no exceptions; the earliest start and the latest end."""
    whole: dict[str, Any] = {}
    for dimension in ("sector", "region", "segment"):
        nodes = [p[dimension]["node"] for p in pieces if p.get(dimension)]
        node = min(nodes, key=lambda n: (_depth(dimension, n), n)) if nodes else None
        whole[dimension] = {"node": node, "except": []} if node is not None else None
    starts = [p["period"]["start"] for p in pieces]
    ends = [p["period"]["end"] for p in pieces]
    whole["period"] = {
        "start": None if None in starts else min(starts),
        "end": None if None in ends else max(ends),
    }
    return whole


def compute_overlaps(model: SiteModel) -> None:
    """Fill the model's overlaps from `qtgov.overlaps` (all time and as of the build's day)."""
    try:
        from qtgov.overlaps import analyse
    except ImportError as exc:  # another part of qtgov not installed in this checkout
        model.overlaps_error = str(exc)
        return
    report = analyse(model.index)
    model.overlaps_all = filter_overlaps(report.to_json(), model)
    model.overlaps_now = overlaps_on(model.overlaps_all, model.as_of)


def overlaps_on(report: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """The pieces of an overlaps report that contain `day` (sharing the report's piece objects)."""
    text = day.isoformat()
    entries = []
    for entry in report.get("overlaps") or []:
        pieces = [
            p
            for p in entry["pieces"]
            if (p["period"]["start"] is None or p["period"]["start"] <= text)
            and (p["period"]["end"] is None or text <= p["period"]["end"])
        ]
        if pieces:
            entries.append({**entry, "pieces": pieces})
    return {**report, "as_of": text, "overlaps": entries}


def resolve_as_of(root: Path, index: Index, git: GitData, explicit: dt.date | None) -> dt.date:
    """The day live figures are computed for: `--as-of`, else HEAD's commit date, else the newest
    date a record states, else 2000-01-01 — never today, so that a build is reproducible."""
    if explicit is not None:
        return explicit
    if git.head_date is not None:
        return git.head_date
    return newest_record_date(index) or dt.date(2000, 1, 1)
