"""The overlap engine's inputs, compiled once from the index: claims, allocations, control groups.

Everything here is resolved to canonical tree nodes (retired taxonomy paths followed, old region
codes mapped) and to day ordinals, so the engine only compares chains and integers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from qtgov.dates import ONE_DAY, end_exclusive, parse_date
from qtgov.economics import ownership
from qtgov.economics.ownership import ControlTimeline
from qtgov.overlaps.geometry import NEG, NO_EXCEPT, POS, Box, Chain, ordinal
from qtgov.records.agreements import IN_FORCE_STATUSES, effective_date, in_force_interval, term_end
from qtgov.records.index import Index, Record, Settings, party_ids
from qtgov.records.trees import ROOT, Regions, Taxonomy, minimal_nodes, path_chain, regions

REVIEW_APPROVED = ("approved", "approved_with_conditions")
Periods = tuple[tuple[int, int], ...]
ALWAYS: Periods = ((NEG, POS),)
INACTIVE_STATUSES = ("cancelled", "rejected")


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Compiling and analysing allocate hundreds of thousands of small tuples that all stay
    alive; the cyclic garbage collector would rescan them again and again (half the run time at
    100k claims) for cycles they cannot form. Pause it, and restore whatever state it had."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@functools.lru_cache(maxsize=65536)
def tree_chain(path: str) -> tuple[str, ...]:
    """Chain of a taxonomy path (sector or segment); shared by every scheme."""
    return path_chain(path)


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Claim:
    """One declared focus area of one member, clipped to the membership."""

    member: str
    id: str
    position: int  # index in the member's `claims`
    scheme: str
    boxes: tuple[Box, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class Allocation:
    """One allocation of a market-boundary agreement, with the boxes it covers."""

    agreement: str
    position: int  # index in `terms.allocations`
    holder: str | None  # None = shared
    label: str  # what it labels: shared | resolved | blocked-review | pending
    #: scope × ([effective, in-force end) ∩ scope.period); drafts use their stated dates.
    boxes: tuple[Box, ...]
    #: scope × scope.period, ignoring the agreement's own dates (for the self-overlap check).
    scope_boxes: tuple[Box, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class Agreement:
    """A market-boundary agreement that can label overlaps (not cancelled or rejected)."""

    id: str
    status: str
    executed: bool  # executed or terminated
    parties: frozenset[str]
    effective: int  # ordinal (NEG when unknown)
    interval: tuple[int, int] | None  # coverage dates (in force, or stated for drafts)
    review_approved: bool
    allocations: tuple[Allocation, ...]

    @property
    def order(self) -> tuple[int, int, str]:
        """Executed/terminated first (latest effective first, then id), then drafts likewise."""
        return (0 if self.executed else 1, -self.effective, self.id)


@dataclass
class Model:
    """Compiled inputs of one index."""

    settings: Settings
    regions: Regions
    taxonomies: dict[str, Taxonomy]
    claims: list[Claim] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)  # in labelling order
    by_member: dict[str, list[Agreement]] = field(default_factory=dict)
    by_pair: dict[tuple[str, str], list[Agreement]] = field(default_factory=dict)  # (a, b) with a < b
    #: member -> its control group's id on every day (an all-time grouping, for tests and tools)
    group: dict[str, str] = field(default_factory=dict)
    #: member -> its dated control-group stretches (start, end, group id) as day ordinals, from
    #: the ownership computation (docs/design/ownership.md): a group counts only while in force.
    control: dict[str, tuple[tuple[int, int, str], ...]] = field(default_factory=dict)
    #: member -> its `joined` day as an ordinal (NEG when not stated): who entered a box last.
    joined: dict[str, int] = field(default_factory=dict)

    @property
    def chains(self) -> tuple[Chain, Chain, Chain]:
        return (tree_chain, self.regions.chain, tree_chain)

    def same_group(self, a: str, b: str) -> bool:
        """Whether `a` and `b` are in one control group on every day."""
        return self.intra_periods(a, b) == ALWAYS

    def intra_periods(self, a: str, b: str) -> Periods:
        """The days `[start, end)` (ordinals) on which `a` and `b` are in one control group:
        `ALWAYS`, `()` (never) or the stretches in between."""
        ga = self.group.get(a)
        if ga is not None and ga == self.group.get(b):
            return ALWAYS
        sa, sb = self.control.get(a), self.control.get(b)
        if not sa or not sb:
            return ()
        theirs = {(start, end): gid for start, end, gid in sb}
        out: list[tuple[int, int]] = []
        for start, end, gid in sa:
            if theirs.get((start, end)) != gid:
                continue
            if out and out[-1][1] == start:
                out[-1] = (out[-1][0], end)
            else:
                out.append((start, end))
        return tuple(out)

    def pair_agreements(self, a: str, b: str) -> list[Agreement]:
        """Agreements both members are parties to, in labelling order."""
        return self.by_pair.get((a, b) if a < b else (b, a), [])

    @classmethod
    def build(cls, index: Index) -> Model:
        """Compile an index's claims, market-boundary agreements and control groups."""
        with collector_paused():
            return cls._build(index)

    @classmethod
    def _build(cls, index: Index) -> Model:
        settings = index.settings
        taxonomies = {scheme: Taxonomy.from_data(rec.data) for scheme, rec in index.taxonomies.items()}
        model = cls(settings, regions(settings.aliases_nested), taxonomies)
        for member_id in sorted(index.members):
            record = index.members[member_id]
            model.joined[member_id] = membership(record)[0]
            model.claims.extend(_member_claims(model, record))
        agreements = [
            compiled
            for agreement_id in sorted(index.agreements)
            if (compiled := _compile_agreement(model, index, index.agreements[agreement_id])) is not None
        ]
        model.agreements = agreements
        model.index_agreements()
        model.control = control_stretches(ownership.for_index(index).timeline)
        return model

    def index_agreements(self) -> None:
        """Put `agreements` in labelling order and index them by party."""
        self.agreements.sort(key=lambda ag: ag.order)
        by_member: dict[str, list[Agreement]] = defaultdict(list)
        by_pair: dict[tuple[str, str], list[Agreement]] = defaultdict(list)
        for ag in self.agreements:
            parties = sorted(ag.parties)
            for n, member in enumerate(parties):
                by_member[member].append(ag)
                for other in parties[n + 1 :]:
                    by_pair[(member, other)].append(ag)
        self.by_member = dict(by_member)
        self.by_pair = dict(by_pair)

    # -- node resolution ------------------------------------------------------------------

    def sector_node(self, scheme: str, path: str) -> str:
        """Canonical sector node; unknown paths stay as written (`taxonomy-path` reports them)
        so that a typo never silently hides an overlap."""
        taxonomy = self.taxonomies.get(scheme)
        if taxonomy is None:
            return path
        return taxonomy.resolve(path) or path

    def segment_node(self, path: str) -> str:
        return self.sector_node(self.settings.segment_scheme, path)

    def region_node(self, code: str) -> str:
        return self.regions.resolve(code) or code

    def boxes(self, scheme: str, scope: dict[str, Any], start: int, end: int) -> tuple[Box, ...]:
        """The boxes of a claim or allocation scope over [start, end)."""
        if start >= end:
            return ()
        taxonomy = self.taxonomies.get(scheme)
        sectors = minimal_nodes(
            (taxonomy.resolve(p) or p if taxonomy else p for p in _strings(scope.get("sector"))), tree_chain
        )
        resolve_region = self.regions.resolve
        region_list = minimal_nodes((resolve_region(c) or c for c in _strings(scope.get("region"))), self.regions.chain)
        segment_raw = scope.get("segment")
        segments = (
            minimal_nodes((self.segment_node(p) for p in _strings(segment_raw)), tree_chain)
            if segment_raw is not None
            else [ROOT]
        )
        return tuple(
            ((s, NO_EXCEPT), (r, NO_EXCEPT), (g, NO_EXCEPT), start, end)
            for s in sectors
            for r in region_list
            for g in segments
        )


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _period(value: Any) -> tuple[int, int]:
    """A `{start, end?}` period as ordinals [start, end + 1 day); absent = all time."""
    if not isinstance(value, dict):
        return NEG, POS
    return ordinal(parse_date(value.get("start")), NEG), ordinal(end_exclusive(value.get("end")), POS)


def membership(member: Record) -> tuple[int, int]:
    """[joined, left] as ordinals, half-open; a missing `joined` leaves the start open."""
    return (
        ordinal(parse_date(member.get("joined")), NEG),
        ordinal(end_exclusive(member.get("left")), POS),
    )


def claim_location(member: Record, position: int) -> Location:
    mark = member.key_mark("claims", position, "sector")
    return Location(member.path, mark.line, mark.column)


def _member_claims(model: Model, member: Record) -> list[Claim]:
    joined, left = membership(member)
    out = []
    for position, raw in enumerate(member.get("claims") or []):
        if not isinstance(raw, dict):
            continue
        start, end = _period(raw.get("period"))
        start, end = max(start, joined), min(end, left)
        scheme = raw.get("scheme") or model.settings.sector_scheme
        boxes = model.boxes(scheme, raw, start, end)
        raw_id = raw.get("id")
        claim_id = raw_id if isinstance(raw_id, str) else f"#{position + 1}"
        out.append(Claim(member.id, claim_id, position, scheme, boxes, claim_location(member, position)))
    return out


def coverage_interval(agreement: Record, index: Index) -> tuple[int, int] | None:
    """When an agreement's allocations apply: in force for executed/terminated ones; the stated
    dates for drafts (open where they state none)."""
    if agreement.get("status") in IN_FORCE_STATUSES:
        interval = in_force_interval(agreement, index)
        if interval is None:
            return None
        return interval.start.toordinal(), ordinal(interval.end, POS)
    start = effective_date(agreement)
    # Without a start (an unsigned `on-execution` draft) a duration cannot be placed.
    end = term_end(agreement, start) if start else end_exclusive((agreement.get("term") or {}).get("end"))
    termination = parse_date((agreement.get("termination") or {}).get("date"))
    if termination and (end is None or termination < end):
        end = termination
    s, e = ordinal(start, NEG), ordinal(end, POS)
    return (s, e) if s < e else None


def allocation_location(agreement: Record, position: int) -> Location:
    mark = agreement.mark("terms", "allocations", position)
    return Location(agreement.path, mark.line, mark.column)


def _compile_agreement(model: Model, index: Index, record: Record) -> Agreement | None:
    if record.get("type") != "market-boundary" or record.get("status") in INACTIVE_STATUSES:
        return None
    status = str(record.get("status"))
    executed = status in IN_FORCE_STATUSES
    interval = coverage_interval(record, index)
    review = (record.get("legal_review") or {}).get("status")
    review_approved = review in REVIEW_APPROVED
    scheme = model.settings.sector_scheme
    allocations = []
    terms = record.get("terms") or {}
    for position, raw in enumerate(terms.get("allocations") or [] if isinstance(terms, dict) else []):
        if not isinstance(raw, dict) or not isinstance(raw.get("scope"), dict):
            continue
        scope = raw["scope"]
        holder_raw = raw.get("holder")
        holder = None if holder_raw == "shared" or not isinstance(holder_raw, str) else holder_raw
        if not executed:
            label = "pending"
        elif holder is None:
            label = "shared"
        else:
            label = "resolved" if review_approved else "blocked-review"
        s_start, s_end = _period(scope.get("period"))
        scope_boxes = model.boxes(scheme, scope, s_start, s_end)
        if interval is None:
            boxes: tuple[Box, ...] = ()
        else:
            boxes = model.boxes(scheme, scope, max(s_start, interval[0]), min(s_end, interval[1]))
        allocations.append(
            Allocation(record.id, position, holder, label, boxes, scope_boxes, allocation_location(record, position))
        )
    effective = effective_date(record)
    return Agreement(
        record.id,
        status,
        executed,
        frozenset(party_ids(record)),
        ordinal(effective, NEG),
        interval,
        review_approved,
        tuple(allocations),
    )


def control_stretches(timeline: ControlTimeline) -> dict[str, tuple[tuple[int, int, str], ...]]:
    """The control timeline as day ordinals, per member (the shape the engine compares)."""
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for segment in timeline.segments:
        start, end = segment.start.toordinal(), ordinal(segment.end, POS)
        for member, gid in segment.group.items():
            out[member].append((start, end, gid))
    return {member: tuple(stretches) for member, stretches in out.items()}


def split_by_periods(box: Box, periods: Periods) -> tuple[list[Box], list[Box]]:
    """A box cut by sorted, disjoint day periods: (the parts inside them, the parts outside)."""
    inside: list[Box] = []
    outside: list[Box] = []
    cursor, stop = box[3], box[4]
    for start, end in periods:
        lo, hi = max(cursor, start), min(stop, end)
        if lo >= hi:
            continue
        if cursor < lo:
            outside.append((box[0], box[1], box[2], cursor, lo))
        inside.append((box[0], box[1], box[2], lo, hi))
        cursor = hi
    if cursor < stop:
        outside.append((box[0], box[1], box[2], cursor, stop))
    return inside, outside


def day_ordinal(day: dt.date) -> int:
    return day.toordinal()


def last_day(end: int) -> dt.date | None:
    return None if end == POS else dt.date.fromordinal(end) - ONE_DAY


def boxes_chains(model: Model, boxes: Sequence[Box]) -> list[tuple[tuple[str, ...], ...]]:
    region = model.regions.chain
    return [(tree_chain(b[0][0]), region(b[1][0]), tree_chain(b[2][0])) for b in boxes]
