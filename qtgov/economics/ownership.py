"""Who owns and controls whom, as of a day (docs/design/ownership.md).

The one computation of holdings and control groups: `qtgov ownership`, the overlap labels
(`intra-group`), antitrust R1 ("outside one control group"), the approval quorum of
`qtgov review` and the handbook's ownership page all read it.

- A *holding* is one executed (or terminated) `shareholding` agreement, for the days it is in
  force (`[effective, end)` as every agreement: term, termination, amendment).
- *Direct stakes* add up the holdings of one holder in one issuer in force on the day.
- *Indirect stakes* multiply the equity fractions along every chain of holdings (A holds 50 %
  of B, B holds 40 % of C: A holds 20 % of C through B). A chain never passes a company twice,
  so cross-holdings (cycles) give finite figures; the cycles are reported on their own.
- A *control group* is a connected component of the holdings with `control: sole` in force on
  the day: a parent, its subsidiaries and sister companies are one economic unit. Its id is its
  smallest member id.
- Equity or voting rights of one issuer adding up to more than 100 % on a day cannot be true:
  the records are missing a termination or overstate a stake (rule `ownership-total`).

Arithmetic is exact (fractions of the percentages as written), so figures never drift.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from qtgov.messages import msg, render
from qtgov.records.agreements import IN_FORCE_STATUSES, in_force_interval
from qtgov.records.index import Index, Record

HUNDRED = Fraction(100)
#: How many chain steps indirect stakes may explore: an alliance's holdings are a few dozen
#: edges, but a hostile or generated repository could make the number of chains explode.
CHAIN_BUDGET = 200_000

Period = tuple[dt.date, dt.date | None]  # [start, end), end None = open


def _pct(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return Fraction(str(value))
    except (ValueError, OverflowError):
        return None


def pct_text(value: Fraction) -> str:
    """A percentage as people write it: `100`, `70`, `12.5`, `33.3333` (at most 4 decimals)."""
    rounded = round(value, 4)
    if rounded.denominator == 1:
        return str(rounded.numerator)
    return f"{float(rounded):.4f}".rstrip("0").rstrip(".")


def pct_number(value: Fraction) -> int | float:
    """A percentage for JSON: an integer when whole, else a number rounded to 4 decimals."""
    rounded = round(value, 4)
    return rounded.numerator if rounded.denominator == 1 else float(rounded)


@dataclass(frozen=True)
class Holding:
    """One shareholding agreement in force over `[start, end)`."""

    agreement: str
    path: str
    holder: str
    issuer: str
    equity: Fraction  # percentage points
    voting: Fraction  # percentage points (equity when not stated)
    control: str  # none | joint | sole
    board_seats: int
    start: dt.date
    end: dt.date | None
    visibility: str
    line: int = 1
    column: int = 1

    def in_force(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def sole(self) -> bool:
        return self.control == "sole"


def holding_from(record: Record, index: Index) -> Holding | None:
    """The holding a `shareholding` agreement records, or None when it is not one, was never
    in force, or its terms cannot be read (other rules report why)."""
    if record.get("type") != "shareholding" or record.get("status") not in IN_FORCE_STATUSES:
        return None
    terms = record.get("terms")
    if not isinstance(terms, dict):
        return None  # restricted records carry no terms: nothing to count
    holder, issuer = terms.get("holder"), terms.get("issuer")
    equity = _pct(terms.get("equity_pct"))
    if not isinstance(holder, str) or not isinstance(issuer, str) or holder == issuer or equity is None:
        return None
    interval = in_force_interval(record, index)
    if interval is None:
        return None
    voting = _pct(terms.get("voting_pct"))
    seats = terms.get("board_seats")
    mark = record.mark("terms", "equity_pct")
    return Holding(
        agreement=record.id,
        path=record.path,
        holder=holder,
        issuer=issuer,
        equity=equity,
        voting=equity if voting is None else voting,
        control=str(terms.get("control") or "none"),
        board_seats=seats if isinstance(seats, int) and not isinstance(seats, bool) else 0,
        start=interval.start,
        end=interval.end,
        visibility=str(record.get("visibility") or ""),
        line=mark.line,
        column=mark.column,
    )


def holdings(index: Index) -> list[Holding]:
    """Every holding of the index, by agreement id."""
    out = []
    for agreement_id in sorted(index.agreements):
        holding = holding_from(index.agreements[agreement_id], index)
        if holding is not None:
            out.append(holding)
    return out


# -- control groups over time -------------------------------------------------------------------


def _components(edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Member -> smallest member id of its connected component (members of some edge only)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {member: find(member) for member in list(parent)}


@dataclass(frozen=True)
class Segment:
    """Days `[start, end)` over which the holdings with sole control do not change."""

    start: dt.date
    end: dt.date | None
    group: dict[str, str]  # member -> group id, for members of a group of two or more

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


class ControlTimeline:
    """Control groups on every day: the days are cut where a holding with sole control starts
    or ends, and each stretch has its own groups."""

    def __init__(self, all_holdings: Sequence[Holding]) -> None:
        sole = [h for h in all_holdings if h.sole]
        cuts = sorted({h.start for h in sole} | {h.end for h in sole if h.end is not None})
        self.segments: list[Segment] = []
        for n, start in enumerate(cuts):
            end = cuts[n + 1] if n + 1 < len(cuts) else None
            edges = [(h.holder, h.issuer) for h in sole if h.in_force(start)]
            self.segments.append(Segment(start, end, _components(edges)))
        # member -> its (start, end, group id) stretches, in order
        self._stretches: dict[str, list[tuple[dt.date, dt.date | None, str]]] = defaultdict(list)
        for segment in self.segments:
            for member, gid in segment.group.items():
                self._stretches[member].append((segment.start, segment.end, gid))

    def groups_on(self, day: dt.date) -> dict[str, str]:
        """Member -> its control group's id on `day` (members in no group are absent)."""
        for segment in self.segments:
            if segment.contains(day):
                return dict(segment.group)
        return {}

    def group_of(self, member: str, day: dt.date) -> str:
        """The id of `member`'s control group on `day` (itself when in none)."""
        for start, end, gid in self._stretches.get(member, ()):
            if start <= day and (end is None or day < end):
                return gid
        return member

    def together(self, a: str, b: str) -> list[Period]:
        """The days on which `a` and `b` are in one control group, as merged periods."""
        if a == b:
            return [(dt.date.min, None)]
        sb = {(start, end): gid for start, end, gid in self._stretches.get(b, ())}
        out: list[Period] = []
        for start, end, gid in self._stretches.get(a, ()):
            if sb.get((start, end)) != gid:
                continue
            if out and out[-1][1] == start:
                out[-1] = (out[-1][0], end)
            else:
                out.append((start, end))
        return out

    def together_throughout(self, a: str, b: str, start: dt.date | None, end: dt.date | None) -> bool:
        """Whether `a` and `b` are in one control group on every day of `[start, end)` (open
        ends meaning all time before or after)."""
        for s, e in self.together(a, b):
            from_start = s == dt.date.min or (start is not None and s <= start)
            to_end = e is None or (end is not None and end <= e)
            if from_start and to_end:
                return True
        return False


# -- the graph as of a day -------------------------------------------------------------------


@dataclass
class Stake:
    """What `holder` holds of `issuer`: directly, through chains of other companies, and both."""

    holder: str
    issuer: str
    direct: Fraction = Fraction(0)
    voting: Fraction = Fraction(0)
    control: str = "none"  # the strongest control among the direct holdings
    agreements: list[str] = field(default_factory=list)
    indirect: Fraction = Fraction(0)
    chains: list[tuple[str, ...]] = field(default_factory=list)  # holder, …, issuer (≥ 3 long)

    @property
    def total(self) -> Fraction:
        return self.direct + self.indirect

    def as_dict(self) -> dict[str, Any]:
        return {
            "holder": self.holder,
            "issuer": self.issuer,
            "direct_pct": pct_number(self.direct),
            "voting_pct": pct_number(self.voting),
            "control": self.control,
            "agreements": self.agreements,
            "indirect_pct": pct_number(self.indirect),
            "total_pct": pct_number(self.total),
            "chains": [list(c) for c in self.chains],
        }


@dataclass(frozen=True)
class ControlGroup:
    """Companies under one control: `controllers` are those no other member controls solely."""

    id: str
    members: tuple[str, ...]
    controllers: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "members": list(self.members), "controllers": list(self.controllers)}


@dataclass(frozen=True)
class OverTotal:
    """An issuer whose holdings in force add up to more than 100 % of its equity or votes."""

    issuer: str
    equity: Fraction
    voting: Fraction
    agreements: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "equity_pct": pct_number(self.equity),
            "voting_pct": pct_number(self.voting),
            "agreements": list(self.agreements),
        }


@dataclass
class Ownership:
    """The holdings graph on one day."""

    day: dt.date
    holdings: list[Holding]
    stakes: list[Stake]  # by (holder, issuer); direct or indirect
    groups: list[ControlGroup]
    cycles: list[tuple[str, ...]]  # companies holding each other in a ring, sorted
    over: list[OverTotal]
    partial: bool = False  # the chain budget ran out: indirect figures are incomplete

    @property
    def companies(self) -> list[str]:
        return sorted({h.holder for h in self.holdings} | {h.issuer for h in self.holdings})

    def group_of(self, member: str) -> str:
        for group in self.groups:
            if member in group.members:
                return group.id
        return member

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.day.isoformat(),
            "holdings": [
                {
                    "agreement": h.agreement,
                    "holder": h.holder,
                    "issuer": h.issuer,
                    "equity_pct": pct_number(h.equity),
                    "voting_pct": pct_number(h.voting),
                    "control": h.control,
                    "board_seats": h.board_seats,
                    "effective": h.start.isoformat(),
                    "ends": h.end.isoformat() if h.end else None,
                }
                for h in self.holdings
            ],
            "stakes": [s.as_dict() for s in self.stakes],
            "control_groups": [g.as_dict() for g in self.groups],
            "cycles": [list(c) for c in self.cycles],
            "over_100": [o.as_dict() for o in self.over],
            "partial": self.partial,
        }


_CONTROL_RANK = {"none": 0, "joint": 1, "sole": 2}


def ownership_on(all_holdings: Sequence[Holding], day: dt.date) -> Ownership:
    """The holdings graph on `day` from holdings (as `holdings(index)` returns them)."""
    live = [h for h in all_holdings if h.in_force(day)]
    direct: dict[tuple[str, str], Stake] = {}
    for h in live:
        stake = direct.setdefault((h.holder, h.issuer), Stake(h.holder, h.issuer))
        stake.direct += h.equity
        stake.voting += h.voting
        stake.agreements.append(h.agreement)
        if _CONTROL_RANK.get(h.control, 0) > _CONTROL_RANK.get(stake.control, 0):
            stake.control = h.control
    stakes = dict(direct)
    out_edges: dict[str, list[tuple[str, Fraction]]] = defaultdict(list)
    for (holder, issuer), stake in sorted(direct.items()):
        out_edges[holder].append((issuer, stake.direct / HUNDRED))

    budget = CHAIN_BUDGET
    partial = False
    for origin in sorted(out_edges):
        # Depth-first over simple chains from `origin`; each chain of 2+ holdings adds its product.
        stack: list[tuple[str, Fraction, tuple[str, ...]]] = [(origin, Fraction(1), (origin,))]
        while stack:
            node, share, chain = stack.pop()
            for issuer, fraction in reversed(out_edges.get(node, ())):
                if issuer in chain:
                    continue  # a cycle: reported separately, never multiplied round
                budget -= 1
                if budget < 0:
                    partial = True
                    stack.clear()
                    break
                product, longer = share * fraction, (*chain, issuer)
                if len(longer) > 2:
                    stake = stakes.setdefault((origin, issuer), Stake(origin, issuer))
                    stake.indirect += product * HUNDRED
                    stake.chains.append(longer)
                stack.append((issuer, product, longer))
        if partial:
            break
    for stake in stakes.values():
        stake.chains.sort()

    sole_edges = [(h.holder, h.issuer) for h in live if h.sole]
    component = _components(sole_edges)
    members_of: dict[str, list[str]] = defaultdict(list)
    for member, gid in component.items():
        members_of[gid].append(member)
    controlled = {issuer for _, issuer in sole_edges}
    groups = [
        ControlGroup(gid, tuple(sorted(ms)), tuple(sorted(m for m in ms if m not in controlled)))
        for gid, ms in sorted(members_of.items())
    ]

    totals: dict[str, tuple[Fraction, Fraction, list[str]]] = {}
    for h in live:
        equity, voting, ids = totals.get(h.issuer, (Fraction(0), Fraction(0), []))
        totals[h.issuer] = (equity + h.equity, voting + h.voting, [*ids, h.agreement])
    over = [
        OverTotal(issuer, equity, voting, tuple(sorted(ids)))
        for issuer, (equity, voting, ids) in sorted(totals.items())
        if equity > HUNDRED or voting > HUNDRED
    ]
    return Ownership(
        day=day,
        holdings=sorted(live, key=lambda h: (h.holder, h.issuer, h.agreement)),
        stakes=[stakes[k] for k in sorted(stakes)],
        groups=groups,
        cycles=_cycles(out_edges),
        over=over,
        partial=partial,
    )


def _cycles(out_edges: dict[str, list[tuple[str, Fraction]]]) -> list[tuple[str, ...]]:
    """Strongly connected components of two or more companies (Tarjan, iterative): each is a
    ring of cross-holdings."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[tuple[str, ...]] = []
    counter = 0
    nodes = sorted(set(out_edges) | {i for edges in out_edges.values() for i, _ in edges})
    for root in nodes:
        if root in index_of:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index_of[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            edges = out_edges.get(node, [])
            if child < len(edges):
                work.append((node, child + 1))
                target = edges[child][0]
                if target not in index_of:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index_of[target])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index_of[node]:
                ring = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    ring.append(member)
                    if member == node:
                        break
                if len(ring) > 1:
                    found.append(tuple(sorted(ring)))
    return sorted(found)


# -- per index, computed once ----------------------------------------------------------------


@dataclass
class OwnershipRecords:
    """The holdings of one index and their control timeline (computed once per index)."""

    holdings: list[Holding]
    timeline: ControlTimeline

    def on(self, day: dt.date) -> Ownership:
        return ownership_on(self.holdings, day)


_CACHE: dict[int, tuple[Index, OwnershipRecords]] = {}


def for_index(index: Index) -> OwnershipRecords:
    """The holdings and control timeline of `index` (cached while the index lives)."""
    hit = _CACHE.get(id(index))
    if hit is not None and hit[0] is index:
        return hit[1]
    found = holdings(index)
    records = OwnershipRecords(found, ControlTimeline(found))
    _CACHE.clear()  # one index at a time is all any command uses
    _CACHE[id(index)] = (index, records)
    return records


def over_total_periods(all_holdings: Sequence[Holding]) -> list[tuple[dt.date, dt.date | None, OverTotal]]:
    """Each stretch of days on which one issuer's holdings add up to more than 100 %, with the
    holdings in force then (a new stretch starts whenever the set of holdings changes)."""
    by_issuer: dict[str, list[Holding]] = defaultdict(list)
    for h in all_holdings:
        by_issuer[h.issuer].append(h)
    out: list[tuple[dt.date, dt.date | None, OverTotal]] = []
    for issuer, items in sorted(by_issuer.items()):
        cuts = sorted({h.start for h in items} | {h.end for h in items if h.end is not None})
        for n, start in enumerate(cuts):
            end = cuts[n + 1] if n + 1 < len(cuts) else None
            live = [h for h in items if h.in_force(start)]
            equity = sum((h.equity for h in live), Fraction(0))
            voting = sum((h.voting for h in live), Fraction(0))
            if equity > HUNDRED or voting > HUNDRED:
                ids = tuple(sorted(h.agreement for h in live))
                if out and out[-1][2].issuer == issuer and out[-1][2].agreements == ids and out[-1][1] == start:
                    out[-1] = (out[-1][0], end, out[-1][2])
                else:
                    out.append((start, end, OverTotal(issuer, equity, voting, ids)))
    return out


# -- text ----------------------------------------------------------------------------------------


def _until(end: dt.date | None) -> str:
    return msg("until {day}", day=(end - dt.timedelta(days=1)).isoformat()) if end else msg("open-ended")


def render_text(graph: Ownership, unreadable: Sequence[str] = (), lang: str = "en") -> str:
    """The holdings graph of one day in words (the report `qtgov ownership` prints), in `lang`."""

    def say(text: str) -> str:
        return render(text, lang)

    n = len(graph.holdings)
    lines = [say(msg("Ownership as of {day}: {n} holding(s) in force", day=graph.day.isoformat(), n=n)), ""]
    if unreadable:
        files = ", ".join(unreadable)
        lines += [
            say(msg("Incomplete: {n} agreement file(s) could not be read: {files}", n=len(unreadable), files=files)),
            "",
        ]
    if not graph.holdings:
        lines.append(say(msg("No shareholding is in force on this day.")))
        return "\n".join(lines) + "\n"
    lines.append(say(msg("Holdings")))
    for h in graph.holdings:
        until = say(_until(h.end))
        line = msg(
            "{holder} → {issuer}: {equity}% equity, {voting}% votes, control {control} "
            "({agreement}, from {start}, {until})",
            holder=h.holder,
            issuer=h.issuer,
            equity=pct_text(h.equity),
            voting=pct_text(h.voting),
            control=_CONTROL.get(h.control, h.control),
            agreement=h.agreement,
            start=h.start.isoformat(),
            until=until,
        )
        lines.append("  " + say(line))
    lines += ["", say(msg("Stakes (direct + through chains = total)"))]
    for stake in graph.stakes:
        line = msg(
            "{holder} in {issuer}: {direct}% + {indirect}% = {total}%",
            holder=stake.holder,
            issuer=stake.issuer,
            direct=pct_text(stake.direct),
            indirect=pct_text(stake.indirect),
            total=pct_text(stake.total),
        )
        text = "  " + say(line)
        if stake.chains:
            chains = "; ".join(" → ".join(c) for c in stake.chains)
            text += " " + say(msg("(through {chains})", chains=chains))
        lines.append(text)
    if graph.partial:
        lines.append(
            "  " + say(msg("Incomplete: more than {n} chain steps; indirect stakes are a lower bound", n=CHAIN_BUDGET))
        )
    lines += ["", say(msg("Control groups (sole control: one economic unit)"))]
    if graph.groups:
        for group in graph.groups:
            members, controllers = ", ".join(group.members), ", ".join(group.controllers)
            line = msg(
                "{id}: {members} (controlled by {controllers})", id=group.id, members=members, controllers=controllers
            )
            lines.append("  " + say(line))
    else:
        lines.append("  " + say(msg("none")))
    if graph.cycles:
        lines += ["", say(msg("Cross-holdings (companies that hold each other through a ring of holdings)"))]
        lines += [f"  {', '.join(cycle)}" for cycle in graph.cycles]
    if graph.over:
        lines += ["", say(msg("Totals over 100% (a missing termination or an overstated stake)"))]
        for o in graph.over:
            line = msg(
                "{issuer}: {equity}% of its equity and {voting}% of its votes ({agreements})",
                issuer=o.issuer,
                equity=pct_text(o.equity),
                voting=pct_text(o.voting),
                agreements=", ".join(o.agreements),
            )
            lines.append("  " + say(line))
    return "\n".join(lines) + "\n"


# The control a holding gives, in the report's language ("control sole").
_CONTROL = {"none": msg("none"), "joint": msg("joint"), "sole": msg("sole")}


__all__ = [
    "ControlGroup",
    "ControlTimeline",
    "Holding",
    "Ownership",
    "OwnershipRecords",
    "Stake",
    "for_index",
    "holding_from",
    "holdings",
    "over_total_periods",
    "ownership_on",
    "pct_text",
    "render_text",
]
