"""Checks of project records (`projects/<id>.yaml`): big projects the hub or a member delivers with
others, cut into work packages (docs/design/projects.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qtgov.dates import parse_date
from qtgov.findings import Finding, Related, Severity
from qtgov.messages import Message, joined, msg
from qtgov.records.index import Index, Record
from qtgov.records.schema_messages import did_you_mean
from qtgov.records.trees import path_is_ancestor_or_self, regions
from qtgov.rules import rule

PROJECTS = "projects"
ANTITRUST = "antitrust"
OPEN_PACKAGES = ("planned", "in-progress")
LIVE_PROJECTS = ("bid", "won", "in-progress")


def _pointer(*path: str | int) -> str:
    return "".join(f"/{p}" for p in path)


def _at(record: Record, *path: str | int) -> tuple[str, int, int]:
    mark = record.mark(*path)
    return record.path, mark.line, mark.column


def _packages(project: Record) -> Iterator[tuple[int, dict[str, Any]]]:
    for i, package in enumerate(project.get("packages") or []):
        if isinstance(package, dict):
            yield i, package


def _assignee(index: Index, package: dict[str, Any]) -> Record | None:
    return index.members.get(str(package.get("assignee")))


def _projects(index: Index) -> list[Record]:
    return [p for _, p in sorted(index.projects.items()) if p.valid]


@dataclass(frozen=True)
class Box:
    """One market box: a sector, a region and (optionally) a segment."""

    sector: str
    region: str
    segment: str | None

    def text(self) -> str:
        parts = [self.sector, self.region]
        if self.segment:
            parts.append(self.segment)
        return " × ".join(parts)


def _box(market: Any) -> Box | None:
    if not isinstance(market, dict) or "sector" not in market or "region" not in market:
        return None
    return Box(market["sector"], market["region"], market.get("segment"))


def _span(project: Record, package: dict[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    """The package's first and last day (the project's when the package gives none)."""
    start = parse_date(package.get("start")) or parse_date(project.get("start"))
    end = parse_date(package.get("end")) or parse_date(project.get("end"))
    return start, end


def _meets(period: Any, start: dt.date | None, end: dt.date | None) -> bool:
    """Whether a claim's period shares a day with [start, end] (both ends included, open when None)."""
    period = period if isinstance(period, dict) else {}
    p_start, p_end = parse_date(period.get("start")), parse_date(period.get("end"))
    if p_start is not None and end is not None and p_start > end:
        return False
    return not (p_end is not None and start is not None and p_end < start)


def _covering_claims(
    index: Index, member: Record, box: Box, start: dt.date | None, end: dt.date | None, *, field: str = "claims"
) -> list[tuple[int, dict[str, Any]]]:
    """The member's declared focus areas (or, with `field="capabilities"`, its capabilities)
    whose every dimension contains the box on those days."""
    scheme = index.settings.sector_scheme
    tree = regions(index.settings.aliases_nested)
    found = []
    for i, claim in enumerate(member.get(field) or []):
        if not isinstance(claim, dict) or claim.get("scheme", scheme) != scheme:
            continue
        sectors = claim.get("sector") or []
        places = claim.get("region") or []
        segments = claim.get("segment") or ["*"]
        if not any(s == "*" or path_is_ancestor_or_self(s, box.sector) for s in sectors):
            continue
        if not any(tree.is_ancestor_or_self(r, tree.resolve(box.region) or box.region) for r in places):
            continue
        if box.segment is not None and not any(s == "*" or path_is_ancestor_or_self(s, box.segment) for s in segments):
            continue
        if _meets(claim.get("period"), start, end):
            found.append((i, claim))
    return found


def _package_box(project: Record, package: dict[str, Any]) -> Box | None:
    return _box(package.get("market")) or _box(project.get("market"))


@rule("project-references", Severity.ERROR, "A project names members, agreements and packages that exist", PROJECTS)
def check_project_references(index: Index) -> Iterator[Finding]:
    """
    Every member a project names — `prime`, `brought_by`, `client.member`, each of `bidders` and
    each package's `assignee` — has a file in `members/`; every agreement in the project's or a
    package's `agreements` has one in `agreements/`; every id in a package's `depends_on` is
    another package of the same project.
    """
    for project in _projects(index):
        members: list[tuple[tuple[str | int, ...], Any]] = [
            (("prime",), project.get("prime")),
            (("brought_by",), project.get("brought_by")),
            (("client", "member"), (project.get("client") or {}).get("member")),
        ]
        members += [(("bidders", i), m) for i, m in enumerate(project.get("bidders") or [])]
        agreements: list[tuple[tuple[str | int, ...], Any]] = [
            (("agreements", i), a) for i, a in enumerate(project.get("agreements") or [])
        ]
        package_ids = {p.get("id") for _, p in _packages(project)}
        for i, package in _packages(project):
            members.append((("packages", i, "assignee"), package.get("assignee")))
            agreements += [(("packages", i, "agreements", j), a) for j, a in enumerate(package.get("agreements") or [])]
            for j, dep in enumerate(package.get("depends_on") or []):
                path: tuple[str | int, ...] = ("packages", i, "depends_on", j)
                if dep == package.get("id"):
                    message = msg("package {dep} cannot depend on itself", dep=repr(dep))
                elif dep not in package_ids:
                    message = msg("unknown package {dep}: depends_on names packages of this project", dep=repr(dep))
                else:
                    continue
                yield check_project_references.finding(*_at(project, *path), message, pointer=_pointer(*path))
        for where, member in members:
            if isinstance(member, str) and not index.is_known("member", member):
                message = _unknown("member", member, index.members)
                yield check_project_references.finding(*_at(project, *where), message, pointer=_pointer(*where))
        for where, agreement in agreements:
            if isinstance(agreement, str) and not index.is_known("agreement", agreement):
                message = _unknown("agreement", agreement, index.agreements)
                yield check_project_references.finding(*_at(project, *where), message, pointer=_pointer(*where))


def _unknown(kind: str, target: str, known: dict[str, Record]) -> Message:
    """ "unknown member 'x' (did you mean 'y'?)" for a reference to a record that does not exist."""
    hint = did_you_mean(target, known)
    if kind == "member":
        return msg("unknown member {target}{hint}", target=repr(target), hint=hint)
    if kind == "project":
        return msg("unknown project {target}{hint}", target=repr(target), hint=hint)
    return msg("unknown agreement {target}{hint}", target=repr(target), hint=hint)


@rule("project-values", Severity.ERROR, "Packages share out at most the project's value", PROJECTS)
def check_project_values(index: Index) -> Iterator[Finding]:
    """
    The packages' `value`s add up to at most the project's `value.amount`, and their `share`s to
    at most 100 percent: a project cannot hand out more work than it was paid for. The finding is
    at the package that goes over the total.
    """
    for project in _projects(index):
        total = (project.get("value") or {}).get("amount")
        currency = (project.get("value") or {}).get("currency", "")
        value_sum: float = 0
        share_sum: float = 0
        for i, package in _packages(project):
            if "value" in package:
                value_sum += package["value"]
                if isinstance(total, (int, float)) and value_sum > total:
                    yield check_project_values.finding(
                        *_at(project, "packages", i, "value"),
                        msg(
                            "packages up to {id} add up to {sum} {currency}, more than the project's value of "
                            "{total} {currency}",
                            id=repr(package.get("id")),
                            sum=f"{value_sum:g}",
                            currency=currency,
                            total=f"{total:g}",
                        ),
                        pointer=_pointer("packages", i, "value"),
                    )
                    total = None  # once is enough
            if "share" in package:
                share_sum += package["share"]
                if share_sum > 100 and share_sum - package["share"] <= 100:
                    yield check_project_values.finding(
                        *_at(project, "packages", i, "share"),
                        msg(
                            "packages up to {id} add up to {sum}% of the project, more than 100%",
                            id=repr(package.get("id")),
                            sum=f"{share_sum:g}",
                        ),
                        pointer=_pointer("packages", i, "share"),
                    )


@rule("project-dates", Severity.ERROR, "A project's and its packages' dates are in order", PROJECTS)
def check_project_dates(index: Index) -> Iterator[Finding]:
    """
    A project's `end` is not before its `start`; a package's `end` is not before its `start`,
    and no package starts or ends after the project's `end` (the last day of work) or starts
    before the project's `start`. Dates are last days included, as everywhere in qtgov.
    """
    for project in _projects(index):
        p_start, p_end = parse_date(project.get("start")), parse_date(project.get("end"))
        if p_start and p_end and p_end < p_start:
            yield check_project_dates.finding(
                *_at(project, "end"),
                msg("the project ends ({end}) before it starts ({start})", end=p_end, start=p_start),
                pointer="/end",
            )
        for i, package in _packages(project):
            start, end = parse_date(package.get("start")), parse_date(package.get("end"))
            name = package.get("id")
            if start and end and end < start:
                yield check_project_dates.finding(
                    *_at(project, "packages", i, "end"),
                    msg(
                        "package {name} ends ({end}) before it starts ({start})", name=repr(name), end=end, start=start
                    ),
                    pointer=_pointer("packages", i, "end"),
                )
            for key, day in (("start", start), ("end", end)):
                if day is not None and p_end is not None and day > p_end:
                    yield check_project_dates.finding(
                        *_at(project, "packages", i, key),
                        msg(
                            "package {name} starts on {day}, after the project's end ({end})"
                            if key == "start"
                            else "package {name} ends on {day}, after the project's end ({end})",
                            name=repr(name),
                            day=day,
                            end=p_end,
                        ),
                        pointer=_pointer("packages", i, key),
                    )
            if start is not None and p_start is not None and start < p_start:
                yield check_project_dates.finding(
                    *_at(project, "packages", i, "start"),
                    msg(
                        "package {name} starts on {start}, before the project's start ({p_start})",
                        name=repr(name),
                        start=start,
                        p_start=p_start,
                    ),
                    pointer=_pointer("packages", i, "start"),
                )


@rule("project-dependency-cycle", Severity.ERROR, "Package dependencies do not go round in a circle", PROJECTS)
def check_dependency_cycles(index: Index) -> Iterator[Finding]:
    """
    Packages that depend on each other in a circle (`a` needs `b`, `b` needs `a`) can never
    start. Each circle is reported once, at the `depends_on` of its first package in file order,
    with the whole circle spelled out.
    """
    for project in _projects(index):
        position: dict[str, int] = {str(p.get("id")): i for i, p in _packages(project)}
        needs: dict[str, list[str]] = {
            str(p.get("id")): [d for d in p.get("depends_on") or [] if d in position] for _, p in _packages(project)
        }
        reported: set[frozenset[str]] = set()
        for start in needs:
            # Depth-first search for a way back to `start`.
            stack: list[tuple[str, list[str]]] = [(start, [start])]
            seen: set[str] = set()
            while stack:
                node, trail = stack.pop()
                for dep in reversed(needs.get(node, [])):
                    if dep == start and len(trail) > 1:
                        circle = frozenset(trail)
                        if circle not in reported:
                            reported.add(circle)
                            first = min(trail, key=lambda t: position[t])
                            k = trail.index(first)
                            ordered = trail[k:] + trail[:k] + [first]
                            i = position[first]
                            yield check_dependency_cycles.finding(
                                *_at(project, "packages", i, "depends_on"),
                                msg("packages depend on each other in a circle: {circle}", circle=" → ".join(ordered)),
                                pointer=_pointer("packages", i, "depends_on"),
                            )
                    elif dep not in seen and dep != start:
                        seen.add(dep)
                        stack.append((dep, [*trail, dep]))


@rule("project-assignee-membership", Severity.ERROR, "A package's assignee is a member on its dates", PROJECTS)
def check_assignee_membership(index: Index) -> Iterator[Finding]:
    """
    Work packages go to members: the assignee has joined by the package's first day (`joined`)
    and has not left before its last day (`left`), and is not merely `prospective`. A package
    without dates takes the project's.
    """
    for project in _projects(index):
        for i, package in _packages(project):
            member = _assignee(index, package)
            if member is None:
                continue
            start, end = _span(project, package)
            joined, left = parse_date(member.get("joined")), parse_date(member.get("left"))
            name, who = package.get("id"), member.id
            problem = None
            if member.get("status") == "prospective":
                problem = msg("{who} is only a prospective member", who=who)
            elif joined is not None and start is not None and start < joined:
                problem = msg(
                    "{who} joins on {joined}, after the package starts ({start})", who=who, joined=joined, start=start
                )
            elif left is not None and end is not None and end > left:
                problem = msg("{who} leaves on {left}, before the package ends ({end})", who=who, left=left, end=end)
            if problem:
                yield check_assignee_membership.finding(
                    *_at(project, "packages", i, "assignee"),
                    msg("package {name} is given to a non-member: {problem}", name=repr(name), problem=problem),
                    pointer=_pointer("packages", i, "assignee"),
                )


@rule("project-departed-assignee", Severity.ERROR, "A departed member holds no open package", PROJECTS)
def check_departed_assignee(index: Index) -> Iterator[Finding]:
    """
    A member that has withdrawn (`status: withdrawn`, or a `left` date) cannot still be holding
    a package that is `planned` or `in-progress`: hand the package to another member or record
    how it ended (`delivered` or `cancelled`).
    """
    for project in _projects(index):
        for i, package in _packages(project):
            member = _assignee(index, package)
            if member is None or package.get("status") not in OPEN_PACKAGES:
                continue
            if member.get("status") == "withdrawn" or member.get("left"):
                yield check_departed_assignee.finding(
                    *_at(project, "packages", i, "status"),
                    msg(
                        "package {id} is still {status} but its assignee {member} has left the alliance: "
                        "reassign it or close it",
                        id=repr(package.get("id")),
                        status=package.get("status"),
                        member=member.id,
                    ),
                    pointer=_pointer("packages", i, "status"),
                )


def _claim_related(index: Index, member: Record, position: int, claim: dict[str, Any]) -> Related:
    mark = member.mark("claims", position)
    return Related(
        member.path,
        mark.line,
        mark.column,
        msg("{member}'s declared focus area {claim}", member=member.id, claim=repr(claim.get("id"))),
    )


def _others_claiming(
    index: Index, assignee: str, box: Box, start: dt.date | None, end: dt.date | None
) -> list[tuple[Record, int, dict[str, Any]]]:
    out = []
    for ident, member in sorted(index.members.items()):
        if ident == assignee or not member.valid or member.get("status") == "withdrawn":
            continue
        out += [(member, i, c) for i, c in _covering_claims(index, member, box, start, end)]
    return out


def _undeclared_packages(index: Index) -> Iterator[tuple[Record, int, dict[str, Any], Record, Any, Any, Any]]:
    """(project, position, package, assignee, box, start, end) for every package in a box that its
    assignee declares no focus area covering on the package's dates (the two market rules' case)."""
    for project in _projects(index):
        for i, package in _packages(project):
            member = _assignee(index, package)
            box = _package_box(project, package)
            if member is None or box is None:
                continue
            start, end = _span(project, package)
            if not _covering_claims(index, member, box, start, end):
                yield project, i, package, member, box, start, end


@rule("project-assignee-claim", Severity.WARNING, "A package's assignee declares a focus area covering it", PROJECTS)
def check_assignee_claim(index: Index) -> Iterator[Finding]:
    """
    A package sits in a market (`market` on the package, else the project's): the assignee
    should have a declared focus area (`claims`) or a capability (`capabilities`: what it can
    deliver without declaring it a focus area) covering that sector, region and segment on the
    package's dates, so that the alliance's picture of who does what stays true. Add the
    declared focus area or the capability, or give the package to a member that has one. When
    another member declares a focus area covering the box, `project-package-overlap` reports
    it instead.
    """
    for project, i, package, member, box, start, end in _undeclared_packages(index):
        if _covering_claims(index, member, box, start, end, field="capabilities"):
            continue
        if _others_claiming(index, member.id, box, start, end):
            continue
        yield check_assignee_claim.finding(
            *_at(project, "packages", i, "assignee"),
            msg(
                "package {id} is in {box}, which none of {member}'s declared focus areas covers on the package's dates",
                id=repr(package.get("id")),
                box=box.text(),
                member=member.id,
            ),
            pointer=_pointer("packages", i, "assignee"),
        )


@rule(
    "project-package-overlap",
    Severity.WARNING,
    "A package outside the assignee's focus areas is in another member's",
    PROJECTS,
)
def check_package_overlap(index: Index) -> Iterator[Finding]:
    """
    **What it shows.** A package in a box that the assignee does not declare while another
    member does: the hub (or the prime) handed work in that member's declared focus area to
    someone else. Like an overlap, this is an overlap to coordinate, not a verdict — members
    stay free to compete, and the prime may choose whom it works with — but it is exactly where
    members need to talk, and where a pattern of hand-outs could look like the alliance sharing
    out customers (see the rules page on antitrust flags).

    **What to do.** Tell the other member and record why this assignee fits the work (a
    capability, the client's choice). Decide on the merits of each package, never by a rule
    that members keep out of each other's areas.

    **An assignee with a capability.** A capability (`capabilities` in the member's record)
    covering the box says why the assignee fits, and the finding says so, with the capability
    as a related location — but it is still reported: the work still goes to a member that does
    not declare the box while another one does, so the other member still needs to hear of it,
    and a capability must not become a way to hand out work in someone else's declared area
    without anyone noticing. Capabilities never make overlaps or antitrust flags of their own.
    """
    for project, i, package, member, box, start, end in _undeclared_packages(index):
        others = _others_claiming(index, member.id, box, start, end)
        if not others:
            continue
        names = ", ".join(sorted({m.id for m, _, _ in others}))
        capable = _covering_claims(index, member, box, start, end, field="capabilities")
        if capable:
            position, capability = capable[0]
            mark = member.mark("capabilities", position)
            yield check_package_overlap.finding(
                *_at(project, "packages", i, "assignee"),
                msg(
                    "package {id} gives work in {box} to {member}, which records a capability covering it but "
                    "declares no focus area there, while a declared focus area of {names} covers it: an overlap "
                    "to coordinate with them, not a verdict",
                    id=repr(package.get("id")),
                    box=box.text(),
                    member=member.id,
                    names=names,
                ),
                pointer=_pointer("packages", i, "assignee"),
                related=[
                    Related(
                        member.path,
                        mark.line,
                        mark.column,
                        msg(
                            "{member}'s capability {capability}",
                            member=member.id,
                            capability=repr(capability.get("id")),
                        ),
                    ),
                    *[_claim_related(index, m, pos, c) for m, pos, c in others],
                ],
            )
            continue
        yield check_package_overlap.finding(
            *_at(project, "packages", i, "assignee"),
            msg(
                "package {id} gives work in {box} to {member}, outside its declared focus areas, while "
                "{names} declares a focus area covering it: an overlap to coordinate with them, not a verdict"
                if len({m.id for m, _, _ in others}) == 1
                else "package {id} gives work in {box} to {member}, outside its declared focus areas, while "
                "{names} declare a focus area covering it: an overlap to coordinate with them, not a verdict",
                id=repr(package.get("id")),
                box=box.text(),
                member=member.id,
                names=names,
            ),
            pointer=_pointer("packages", i, "assignee"),
            related=[_claim_related(index, m, pos, c) for m, pos, c in others],
        )


@rule("r10-bid-coordination", Severity.WARNING, "R10 Joint bid between members in the same market", ANTITRUST)
def check_bid_coordination(index: Index) -> Iterator[Finding]:
    """
    **What is flagged.** Every project whose `bidders` name two or more members that each
    declare a focus area (`claims`) covering the project's `market` on its dates: potential
    competitors for that work bidding together. **HIGH**, whatever the project's status (a lost
    bid was still a bid). The finding sits at `bidders`, with each member's declared focus area
    as related location.

    **Why.** A joint bid can replace the competition between separate bids, and agreeing who
    bids, at what price or who stays out is bid rigging, hardcore cartel conduct: PRC
    Anti-Monopoly Law Art. 17 (and the Bidding Law), Sherman Act §1 and TFEU Art. 101(1). A hub
    that puts such bids together can also be an organiser under PRC AML Art. 19 (see R2).

    **What to do.** Bid together only when none of you could bid alone (capacity,
    qualifications the client requires) and write down why in the project's `note`; tell the
    client the bid is joint; never exchange prices or bidding intentions outside the bid itself;
    have counsel review the arrangement before the bid goes in.

    Flags are heuristics that make risk visible so that people look at it: a flag is not a
    finding of illegality, and no flag is not clearance. qtgov records agreements; it is not
    legal advice.
    """
    for project in _projects(index):
        box = _box(project.get("market"))
        bidders = [b for b in project.get("bidders") or [] if b in index.members]
        if box is None or len(bidders) < 2:
            continue
        start, end = parse_date(project.get("start")), parse_date(project.get("end"))
        claiming = [(b, _covering_claims(index, index.members[b], box, start, end)) for b in bidders]
        claiming = [(b, c) for b, c in claiming if c]
        if len(claiming) < 2:
            continue
        names = joined(" and ", [b for b, _ in claiming])
        yield check_bid_coordination.finding(
            *_at(project, "bidders"),
            msg(
                "HIGH risk: {names} bid together for {project} while each declares a focus area covering {box}: "
                "a joint bid between potential competitors can be bid coordination; record in the note why none "
                "could bid alone, exchange no prices outside the bid, and have counsel review it",
                names=names,
                project=repr(project.id),
                box=box.text(),
            ),
            pointer="/bidders",
            related=[_claim_related(index, index.members[b], pos, c) for b, found in claiming for pos, c in found[:1]],
        )


@rule("retrospective-references", Severity.ERROR, "A retrospective names records that exist", PROJECTS)
def check_retrospective_references(index: Index) -> Iterator[Finding]:
    """
    A retrospective (复盘, `retrospectives/<id>.yaml`) looks back on projects and agreements: every
    id in `concerns.projects` has a file in `projects/`, every id in `concerns.agreements` one in
    `agreements/`, and every author is a member. Its `date` is not before the first day of a
    project it concerns (a retrospective of work not yet begun is a plan, not a look back).
    """
    for _, retro in sorted(index.retrospectives.items()):
        if not retro.valid:
            continue
        concerns = retro.get("concerns") or {}
        refs: list[tuple[tuple[str | int, ...], str, str, dict[str, Record]]] = [
            (("authors", i), "member", m, index.members) for i, m in enumerate(retro.get("authors") or [])
        ]
        refs += [
            (("concerns", "projects", i), "project", p, index.projects)
            for i, p in enumerate(concerns.get("projects") or [])
        ]
        refs += [
            (("concerns", "agreements", i), "agreement", a, index.agreements)
            for i, a in enumerate(concerns.get("agreements") or [])
        ]
        for path, kind, target, known in refs:
            if not index.is_known(kind, target):
                message = _unknown(kind, target, known)
                yield check_retrospective_references.finding(*_at(retro, *path), message, pointer=_pointer(*path))
        day = parse_date(retro.get("date"))
        for target in concerns.get("projects") or []:
            project = index.projects.get(target)
            start = parse_date(project.get("start")) if project is not None else None
            if day is not None and start is not None and day < start:
                yield check_retrospective_references.finding(
                    *_at(retro, "date"),
                    msg(
                        "written on {day}, before project {target} starts ({start})",
                        day=day,
                        target=repr(target),
                        start=start,
                    ),
                    pointer="/date",
                )
