"""Property tests of the overlap engine against a point-by-point oracle.

Small trees make it cheap to enumerate every "point" (sector node × region × segment × day): a
point lies in the overlap of two claims iff some box of each contains it, and its label is that
of the first allocation (in agreement order) whose coverage contains it. The engine must cut each
overlap into disjoint pieces that together hold exactly those points, each with the oracle's
label — whatever the order of the records.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qtgov.overlaps.engine import compute
from qtgov.overlaps.geometry import (
    NEG,
    POS,
    Box,
    box_difference,
    box_intersect,
    ns_contains_node,
)
from qtgov.overlaps.model import Agreement, Allocation, Claim, Location, Model, tree_chain
from qtgov.records.index import Settings
from qtgov.records.trees import regions

SECTORS = ("*", "a", "a/b", "a/c", "a/b/d", "e")
REGIONS = ("*", "CN", "CN-ZJ", "CN-SH", "HK", "FR", "FR-IDF", "FR-75C")
SEGMENTS = ("*", "s", "s/t", "u")
T0 = dt.date(2025, 1, 1).toordinal()
DAYS = tuple(range(T0 - 1, T0 + 12))
MEMBERS = ("m1", "m2", "m3")
REGION_TREE = regions(True)
CHAINS = (tree_chain, REGION_TREE.chain, tree_chain)
POINTS = tuple(itertools.product(SECTORS, REGIONS, SEGMENTS))


def contains(box: Box, point: tuple[str, str, str], day: int) -> bool:
    return (
        box[3] <= day < box[4]
        and ns_contains_node(tree_chain, box[0], point[0])
        and ns_contains_node(REGION_TREE.chain, box[1], point[1])
        and ns_contains_node(tree_chain, box[2], point[2])
    )


@st.composite
def periods(draw: st.DrawFn) -> tuple[int, int]:
    start = draw(st.one_of(st.just(NEG), st.integers(T0, T0 + 8)))
    low = max(start, T0 - 1) + 1
    end = draw(st.one_of(st.just(POS), st.integers(low, T0 + 10)))
    return start, end


@st.composite
def boxes(draw: st.DrawFn) -> list[Box]:
    """A claim or allocation scope: lists of nodes per dimension and one period."""
    sectors = draw(st.lists(st.sampled_from(SECTORS[1:]), min_size=1, max_size=2, unique=True))
    regs = draw(st.lists(st.sampled_from(REGIONS), min_size=1, max_size=2, unique=True))
    segs = draw(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=2, unique=True))
    start, end = draw(periods())
    return [((s, ()), (r, ()), (g, ()), start, end) for s in sectors for r in regs for g in segs]


@st.composite
def models(draw: st.DrawFn) -> Model:
    claims = []
    for member in MEMBERS:
        for n in range(draw(st.integers(0, 2))):
            claims.append(
                Claim(member, f"c{n}", n, "qt-markets", tuple(draw(boxes())), Location(f"{member}.yaml", 1, 1))
            )
    agreements = []
    for n in range(draw(st.integers(0, 4))):
        parties = draw(st.lists(st.sampled_from(MEMBERS), min_size=2, max_size=3, unique=True))
        executed = draw(st.booleans())
        review = draw(st.booleans())
        effective = draw(st.integers(T0, T0 + 6))
        end = draw(st.one_of(st.just(POS), st.integers(effective + 1, T0 + 11)))
        allocations = []
        for k in range(draw(st.integers(1, 2))):
            holder = draw(st.one_of(st.none(), st.sampled_from(parties)))
            label = (
                "pending"
                if not executed
                else "shared"
                if holder is None
                else "resolved"
                if review
                else "blocked-review"
            )
            scope = draw(boxes())
            covered = tuple(
                (s, r, g, max(a, effective), min(b, end)) for s, r, g, a, b in scope if max(a, effective) < min(b, end)
            )
            allocations.append(Allocation(f"ag{n}", k, holder, label, covered, tuple(scope), Location("x", 1, 1)))
        agreements.append(
            Agreement(
                f"ag{n}",
                "executed" if executed else "draft",
                executed,
                frozenset(parties),
                effective,
                (effective, end),
                review,
                tuple(allocations),
            )
        )
    group = {"m1": "m1", "m2": "m1"} if draw(st.booleans()) else {}
    model = Model(Settings(), REGION_TREE, {}, claims, agreements, group=group)
    model.index_agreements()
    return model


def oracle(
    model: Model, a: Claim, b: Claim, point: tuple[str, str, str], day: int
) -> tuple[str, str | None, str | None]:
    if model.same_group(a.member, b.member):
        return ("intra-group", None, None)
    for agreement in model.pair_agreements(a.member, b.member):
        for allocation in agreement.allocations:
            if any(contains(box, point, day) for box in allocation.boxes):
                return (allocation.label, allocation.holder, agreement.id)
    return ("conflict", None, None)


def in_overlap(a: Claim, b: Claim, point: tuple[str, str, str], day: int) -> bool:
    return any(contains(x, point, day) for x in a.boxes) and any(contains(y, point, day) for y in b.boxes)


def _well_formed(box: Box) -> bool:
    for dim, chain in ((0, tree_chain), (1, REGION_TREE.chain), (2, tree_chain)):
        node, excepts = box[dim]  # type: ignore[misc]
        cn = chain(node)
        for e in excepts:
            ce = chain(e)
            if not (len(ce) > len(cn) and ce[len(cn) - 1] == node):
                return False
        if list(excepts) != sorted(set(excepts)):
            return False
    return box[3] < box[4]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_pieces_are_disjoint_cover_the_overlap_and_carry_the_oracle_label(model: Model) -> None:
    entries = compute(model)
    by_pair = {(id(e.claims[0]), id(e.claims[1])): e for e in entries}
    for a, b in itertools.combinations(model.claims, 2):
        if a.member == b.member:
            continue
        if a.member > b.member:
            a, b = b, a
        entry = by_pair.get((id(a), id(b)))
        pieces = entry.pieces if entry else ()
        assert all(_well_formed(p.box) for p in pieces)
        for p, q in itertools.combinations(pieces, 2):
            assert box_intersect(CHAINS, p.box, q.box) is None, (p, q)
        overlapping = False
        for point in POINTS:
            for day in DAYS:
                holders = [p for p in pieces if contains(p.box, point, day)]
                if in_overlap(a, b, point, day):
                    overlapping = True
                    assert len(holders) == 1, (point, day, holders)
                    piece = holders[0]
                    assert (piece.label, piece.holder, piece.agreement) == oracle(model, a, b, point, day)
                else:
                    assert holders == [], (point, day, holders)
        assert (entry is not None) == overlapping


@settings(max_examples=100, deadline=None)
@given(models(), st.randoms(use_true_random=False))
def test_labelling_does_not_depend_on_record_order(model: Model, rnd: random.Random) -> None:
    expected = [e.to_json() for e in compute(model)]
    claims = [
        Claim(c.member, c.id, c.position, c.scheme, tuple(rnd.sample(c.boxes, len(c.boxes))), c.location)
        for c in model.claims
    ]
    rnd.shuffle(claims)
    agreements = list(model.agreements)
    rnd.shuffle(agreements)
    shuffled = Model(model.settings, model.regions, {}, claims, agreements, group=dict(model.group))
    shuffled.index_agreements()
    assert [e.to_json() for e in compute(shuffled)] == expected


def _points_of(boxes: Sequence[Box]) -> set[tuple[tuple[str, str, str], int]]:
    return {(p, d) for p in POINTS for d in DAYS if any(contains(b, p, d) for b in boxes)}


@settings(max_examples=200, deadline=None)
@given(boxes(), boxes(), boxes())
def test_box_difference_is_exact_and_disjoint(ps: list[Box], qs: list[Box], rs: list[Box]) -> None:
    p, q, r = ps[0], qs[0], rs[0]
    first = box_difference(CHAINS, p, q)  # introduces excepts
    second = [part for box in first for part in box_difference(CHAINS, box, r)]  # excepts of excepts
    for parts in (first, second):
        for x, y in itertools.combinations(parts, 2):
            assert box_intersect(CHAINS, x, y) is None
        assert all(_well_formed(x) for x in parts)
    assert _points_of(first) == _points_of([p]) - _points_of([q])
    assert _points_of(second) == _points_of([p]) - _points_of([q]) - _points_of([r])
    # Subtracting boxes that have excepts themselves (holes of the subtrahend stay in).
    for holed in box_difference(CHAINS, q, r):
        parts = box_difference(CHAINS, p, holed)
        for x, y in itertools.combinations(parts, 2):
            assert box_intersect(CHAINS, x, y) is None
        assert _points_of(parts) == _points_of([p]) - _points_of([holed])
