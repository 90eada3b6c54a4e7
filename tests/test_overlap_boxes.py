"""Contested boxes (qtgov/overlaps/boxes.py) against the pair engine and a point-by-point oracle.

On small random alliances (the trees of test_overlap_properties, claims with periods, agreements
of every status with allocations, legal reviews, control groups all the time or from a day on),
the set of (member pair, label) in a `conflict`, `pending` or `blocked-review` piece is the same
whether it comes from (a) the pair engine, (b) the contested boxes, each box piece expanded into
its pairs, or (c) a brute force over every point (node triple × day).
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_overlap_properties import DAYS, POINTS, REGION_TREE, T0, boxes, contains

from qtgov.overlaps.boxes import contested
from qtgov.overlaps.engine import compute
from qtgov.overlaps.geometry import POS
from qtgov.overlaps.model import Agreement, Allocation, Claim, Location, Model
from qtgov.overlaps.report import TO_COORDINATE
from qtgov.records.index import Settings

MEMBERS = ("m1", "m2", "m3", "m4")
Found = set[tuple[tuple[str, str], str]]


@st.composite
def alliances(draw: st.DrawFn) -> Model:
    claims = []
    for member in MEMBERS:
        for n in range(draw(st.integers(0, 2))):
            claims.append(
                Claim(member, f"c{n}", n, "qt-markets", tuple(draw(boxes())), Location(f"{member}.yaml", n + 1, 3))
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
            if not executed:
                label = "pending"
            elif holder is None:
                label = "shared"
            else:
                label = "resolved" if review else "blocked-review"
            scope = draw(boxes())
            covered = tuple(
                (s, r, g, max(a, effective), min(b, end)) for s, r, g, a, b in scope if max(a, effective) < min(b, end)
            )
            allocations.append(Allocation(f"ag{n}", k, holder, label, covered, tuple(scope), Location("x", 1, 1)))
        status = "executed" if executed else draw(st.sampled_from(("draft", "proposed")))
        agreements.append(
            Agreement(
                f"ag{n}", status, executed, frozenset(parties), effective, (effective, end), review, tuple(allocations)
            )
        )
    group = {"m1": "g0", "m2": "g0"} if draw(st.booleans()) else {}
    control: dict[str, tuple[tuple[int, int, str], ...]] = {}
    if draw(st.booleans()):
        # A group in force from a day on (and perhaps ending): m3 and m4 one economic unit then.
        start = draw(st.integers(T0, T0 + 8))
        end = draw(st.one_of(st.just(POS), st.integers(start + 1, T0 + 10)))
        stretches = ((start, end, "g1"),)
        control = {"m3": stretches, "m4": stretches}
    joined = {m: T0 - 1 + draw(st.integers(0, 3)) for m in MEMBERS}
    model = Model(Settings(), REGION_TREE, {}, claims, agreements, group=group, control=control, joined=joined)
    model.index_agreements()
    return model


def from_pairs(model: Model) -> Found:
    return {(e.members, p.label) for e in compute(model) for p in e.pieces if p.label in TO_COORDINATE}


def from_boxes(model: Model) -> Found:
    return {(pair, label) for c in contested(model) for pair, label, _ in c.pairs() if label in TO_COORDINATE}


def in_group(model: Model, a: str, b: str, day: int) -> bool:
    return any(start <= day < end for start, end in model.intra_periods(a, b))


def from_points(model: Model) -> Found:
    out: Found = set()
    for point in POINTS:
        for day in DAYS:
            present = sorted({c.member for c in model.claims if any(contains(box, point, day) for box in c.boxes)})
            for a, b in itertools.combinations(present, 2):
                if in_group(model, a, b, day):
                    continue
                label = "conflict"
                for agreement in model.pair_agreements(a, b):
                    hit = next(
                        (al for al in agreement.allocations if any(contains(x, point, day) for x in al.boxes)), None
                    )
                    if hit is not None:
                        label = hit.label
                        break
                if label in TO_COORDINATE:
                    out.add(((a, b), label))
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alliances())
def test_boxes_pairs_and_points_agree_on_every_pair_to_coordinate(model: Model) -> None:
    expected = from_points(model)
    assert from_pairs(model) == expected
    assert from_boxes(model) == expected


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alliances())
def test_box_pieces_are_disjoint_and_labelled_by_their_worst_pair(model: Model) -> None:
    by_cell: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for c in contested(model):
        spans = by_cell.setdefault(c.cell, [])
        assert all(c.end <= s or e <= c.start for s, e in spans)
        spans.append((c.start, c.end))
        assert len(c.claims) >= 2 and len(set(c.members)) == len(c.claims)
        labels = {label for _, label, _ in c.pairs()}
        assert c.label == next(lab for lab in ("conflict", "blocked-review", "pending") if lab in labels)
        # The claim shown first is the one that entered last.
        keys = [(model.joined[x.member], x.boxes[0][3]) for x in c.claims]
        assert keys[0] == max(keys)
