"""Contested boxes: where the declared focus areas of two or more members meet and some pair of
them is not settled there (docs/design/overlaps.md "Contested boxes").

The `overlap` rule reports one finding per contested box instead of one per claim pair: the
number of boxes is bounded by the taxonomy, the number of pairs by the square of the members.
Nothing here enumerates member pairs, except the few an agreement or a control group settles.

1. **Cells.** Per dimension, the *used* nodes: those of the claims (alliance scheme) and of the
   allocations. A cell is a triple of used nodes; it stands for the part of its box that no
   finer cell takes (every node is also a point of its own: `cloud` beyond its listed children).
   A claim covers a cell when each of its nodes is ancestor-or-self of the cell's node, so the
   claims covering a cell are found by walking the used-node trees top-down, handing each
   node's covering claims down to its children.
2. **Pieces.** Per cell, the covering claims', allocations' and control stretches' periods are
   swept: a piece is a maximal interval with one set of active members, one set of covering
   allocations and one grouping; equal neighbours merge.
3. **Labels.** Per piece, a pair of members is labelled as the pair engine would: intra-group
   on the days their control group is in force, else by the first agreement (labelling order)
   both are parties to with an allocation covering the piece, else `conflict`. Only the pairs an
   agreement or a group settles are visited; the conflicts are `C(k, 2)` minus those.
4. **Redundancy.** A cell whose pieces equal those of a parent cell (one dimension replaced by
   its nearest used ancestor) is not reported: the coarser box says the same.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from qtgov.overlaps.geometry import NO_EXCEPT, Box
from qtgov.overlaps.model import Agreement, Allocation, Claim, Model, collector_paused, tree_chain

Cell = tuple[str, str, str]
#: Labels that settle a pair (no finding); the others are overlaps to coordinate.
SETTLED = ("resolved", "shared", "intra-group")
#: Worst first: the label a box gets from its pairs.
WORST = ("conflict", "blocked-review", "pending")
Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Cover:
    """An allocation covering a whole piece, with the agreement it belongs to."""

    agreement: Agreement
    allocation: Allocation


@dataclass(frozen=True, slots=True)
class Contest:
    """One piece of one cell where two or more members' declared focus areas meet."""

    cell: Cell
    start: int
    end: int
    #: the covering claims active in the piece, one per member (the latest to enter), sorted
    #: by entry: the last to enter first.
    claims: tuple[Claim, ...]
    #: the allocations covering the piece whose agreement binds two of its members, in labelling order
    covers: tuple[Cover, ...]
    #: the pairs an agreement labels (pairs of the same control group excluded): pair -> cover
    labelled: dict[Pair, Cover]
    #: the pairs of one control group in force on the piece
    intra: frozenset[Pair]

    @property
    def box(self) -> Box:
        s, r, g = self.cell
        return ((s, NO_EXCEPT), (r, NO_EXCEPT), (g, NO_EXCEPT), self.start, self.end)

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(sorted(c.member for c in self.claims))

    @property
    def pair_count(self) -> int:
        k = len(self.claims)
        return k * (k - 1) // 2

    def counts(self) -> dict[str, int]:
        """Member pairs by label (every pair of the piece counted once)."""
        out: dict[str, int] = defaultdict(int)
        for cover in self.labelled.values():
            out[cover.allocation.label] += 1
        if self.intra:
            out["intra-group"] = len(self.intra)
        out["conflict"] = self.pair_count - sum(out.values())
        return dict(out)

    @property
    def label(self) -> str | None:
        """The worst label of its pairs (conflict > blocked-review > pending), None when every
        pair is settled."""
        counts = self.counts()
        return next((lab for lab in WORST if counts.get(lab, 0) > 0), None)

    @property
    def open_pairs(self) -> int:
        """How many member pairs still have to coordinate (conflict, blocked-review, pending)."""
        counts = self.counts()
        return sum(counts.get(lab, 0) for lab in WORST)

    def pairs(self) -> Iterator[tuple[Pair, str, Cover | None]]:
        """Every member pair of the piece with its label (and the allocation that gives it).
        Quadratic in the members: for `qtgov overlaps`-sized questions and for tests."""
        members = self.members
        for n, a in enumerate(members):
            for b in members[n + 1 :]:
                pair = (a, b)
                if pair in self.intra:
                    yield pair, "intra-group", None
                elif pair in self.labelled:
                    cover = self.labelled[pair]
                    yield pair, cover.allocation.label, cover
                else:
                    yield pair, "conflict", None


def contested(model: Model, *, settled: bool = False) -> list[Contest]:
    """Every contested piece of every non-redundant cell, sorted by cell and start. With
    `settled`, the pieces whose pairs are all settled too (for tests and tools)."""
    with collector_paused():
        return _Boxes(model).run(settled)


class _Boxes:
    def __init__(self, model: Model) -> None:
        self.model = model
        scheme = model.settings.sector_scheme
        chains = (tree_chain, model.regions.chain, tree_chain)
        # exact node triple -> (claim, start, end) of the claims' boxes on it
        self.exact: dict[Cell, list[tuple[Claim, int, int]]] = defaultdict(list)
        for claim in model.claims:
            if claim.scheme != scheme:
                continue  # compared pair by pair (engine.compute(..., foreign=True))
            for box in claim.boxes:
                self.exact[(box[0][0], box[1][0], box[2][0])].append((claim, box[3], box[4]))
        # exact node triple -> (labelling rank, agreement, allocation, start, end)
        self.allocs: dict[Cell, list[tuple[int, Agreement, Allocation, int, int]]] = defaultdict(list)
        for rank, agreement in enumerate(model.agreements):
            if len(agreement.parties) < 2:
                continue
            for allocation in agreement.allocations:
                for box in allocation.boxes:
                    cell = (box[0][0], box[1][0], box[2][0])
                    self.allocs[cell].append((rank, agreement, allocation, box[3], box[4]))
        used: list[set[str]] = [set(), set(), set()]
        alloc_used: list[set[str]] = [set(), set(), set()]
        for cell in self.exact:
            for d in range(3):
                used[d].add(cell[d])
        for cell in self.allocs:
            for d in range(3):
                used[d].add(cell[d])
                alloc_used[d].add(cell[d])
        #: per dimension: used node -> the used nodes on its chain, root first, itself last
        self.up: list[dict[str, tuple[str, ...]]] = []
        #: per dimension: used node (or None for the top) -> its used children, sorted
        self.children: list[dict[str | None, list[str]]] = []
        for d in range(3):
            ups = {node: tuple(n for n in chains[d](node) if n in used[d]) for node in used[d]}
            kids: dict[str | None, list[str]] = defaultdict(list)
            for node, chain in ups.items():
                kids[chain[-2] if len(chain) > 1 else None].append(node)
            for nodes in kids.values():
                nodes.sort()
            self.up.append(ups)
            self.children.append(kids)
        self.alloc_up = [
            {node: tuple(n for n in chain if n in alloc_used[d]) for node, chain in self.up[d].items()}
            for d in range(3)
        ]

    # -- the walk --------------------------------------------------------------------------

    def run(self, settled: bool) -> list[Contest]:
        by_sector: dict[str, list[Cell]] = defaultdict(list)
        for cell in self.exact:
            by_sector[cell[0]].append(cell)
        #: cell -> its pieces' content, for the redundancy test
        signatures: dict[Cell, tuple[object, ...]] = {}
        found: dict[Cell, list[Contest]] = {}

        def visit_cell(cell: Cell, keys: list[Cell]) -> None:
            entries = [e for key in keys for e in self.exact[key]]
            if len({e[0].member for e in entries}) < 2:
                return
            signature, pieces = self.pieces(cell, entries)
            if signature:
                signatures[cell] = signature
                found[cell] = pieces

        def walk_segments(s: str, r: str, keys: list[Cell]) -> None:
            by_segment: dict[str, list[Cell]] = defaultdict(list)
            for key in keys:
                by_segment[key[2]].append(key)
            self._walk(2, by_segment, lambda g, ks: visit_cell((s, r, g), ks))

        def walk_regions(s: str, keys: list[Cell]) -> None:
            by_region: dict[str, list[Cell]] = defaultdict(list)
            for key in keys:
                by_region[key[1]].append(key)
            self._walk(1, by_region, lambda r, ks: walk_segments(s, r, ks))

        self._walk(0, by_sector, walk_regions)

        out: list[Contest] = []
        for cell in sorted(found):
            if self._redundant(cell, signatures):
                continue
            out.extend(p for p in found[cell] if settled or p.label is not None)
        return out

    def _walk(self, dim: int, own: dict[str, list[Cell]], visit: object) -> None:
        """Visit every used node of `dim` that some key covers (is on its chain), top-down,
        with the keys covering it, when they hold at least two claims."""
        assert callable(visit)
        ups = self.up[dim]
        kids = self.children[dim]
        wanted: set[str] = set()
        for node in own:
            wanted.update(ups[node])
        exact = self.exact

        def descend(node: str, inherited: list[Cell]) -> None:
            keys = inherited + own[node] if node in own else inherited
            if keys and sum(len(exact[k]) for k in keys) >= 2:
                visit(node, keys)
            for child in kids.get(node, ()):
                if keys or child in wanted:
                    descend(child, keys)

        for top in kids.get(None, ()):
            if top in wanted:
                descend(top, [])

    def _redundant(self, cell: Cell, signatures: dict[Cell, tuple[object, ...]]) -> bool:
        signature = signatures[cell]
        for d in range(3):
            chain = self.up[d][cell[d]]
            if len(chain) < 2:
                continue
            parent = (*cell[:d], chain[-2], *cell[d + 1 :])
            if signatures.get(parent) == signature:  # type: ignore[arg-type]
                return True
        return False

    # -- one cell --------------------------------------------------------------------------

    def covers_of(self, cell: Cell) -> list[tuple[int, Agreement, Allocation, int, int]]:
        """The allocation boxes that cover the whole cell, in labelling order."""
        options = [self.alloc_up[d].get(cell[d], ()) for d in range(3)]
        if not all(options):
            return []
        out = []
        for s in options[0]:
            for r in options[1]:
                for g in options[2]:
                    found = self.allocs.get((s, r, g))
                    if found:
                        out.extend(found)
        out.sort(key=lambda item: (item[0], item[2].position, item[3]))
        return out

    def pieces(self, cell: Cell, entries: Sequence[tuple[Claim, int, int]]) -> tuple[tuple[object, ...], list[Contest]]:
        """The cell's pieces: (their content, for the redundancy test; the pieces)."""
        model = self.model
        members = {e[0].member for e in entries}
        covers = [c for c in self.covers_of(cell) if len(c[1].parties & members) >= 2]
        bounds = {b for e in entries for b in e[1:]}
        for c in covers:
            bounds.update(c[3:])
        for m in members:
            for start, end, _gid in model.control.get(m, ()):
                bounds.add(start)
                bounds.add(end)
        lo, hi = min(e[1] for e in entries), max(e[2] for e in entries)
        points = sorted(p for p in bounds if lo <= p <= hi)
        # Per elementary interval: the active members, covers and grouping; equal neighbours merge.
        merged: list[tuple[int, int, tuple[frozenset[str], tuple[int, ...], frozenset[Pair]]]] = []
        for start, end in itertools.pairwise(points):
            active = frozenset(e[0].member for e in entries if e[1] <= start < e[2])
            if len(active) < 2:
                continue
            keys = tuple(n for n, c in enumerate(covers) if c[3] <= start < c[4])
            content = (active, keys, self._intra(active, start))
            if merged and merged[-1][1] == start and merged[-1][2] == content:
                merged[-1] = (merged[-1][0], end, content)
            else:
                merged.append((start, end, content))
        # Covers by identity (not position in this cell's list), so that cells compare.
        signature = tuple(
            (start, end, active, tuple((covers[n][1].id, covers[n][2].position) for n in keys), intra)
            for start, end, (active, keys, intra) in merged
        )
        out = []
        for start, end, (active, keys, intra) in merged:
            latest: dict[str, tuple[tuple[int, int, str, str], Claim]] = {}
            for claim, c_start, c_end in entries:
                if c_start <= start < c_end:
                    key = (model.joined.get(claim.member, 0), c_start, claim.member, claim.id)
                    if claim.member not in latest or key > latest[claim.member][0]:
                        latest[claim.member] = (key, claim)
            claims = tuple(c for _, c in sorted(latest.values(), key=lambda kc: kc[0], reverse=True))
            labelled: dict[Pair, Cover] = {}
            shown: list[Cover] = []
            for n in keys:
                _rank, agreement, allocation, _s, _e = covers[n]
                cover = Cover(agreement, allocation)
                parties = sorted(agreement.parties & active)
                if len(parties) < 2:
                    continue
                shown.append(cover)
                # The first covering allocation (labelling order) of an agreement both members
                # are parties to labels the pair, as in engine._label; groups come first.
                for i, a in enumerate(parties):
                    for b in parties[i + 1 :]:
                        if (a, b) not in intra and (a, b) not in labelled:
                            labelled[(a, b)] = cover
            out.append(Contest(cell, start, end, claims, tuple(shown), labelled, intra))
        return signature, out

    def _intra(self, members: frozenset[str], day: int) -> frozenset[Pair]:
        """The pairs among `members` that are one control group on `day` (model.intra_periods)."""
        model = self.model
        groups: dict[tuple[int, str], list[str]] = defaultdict(list)
        for m in members:
            gid = model.group.get(m)
            if gid is not None:
                groups[(0, gid)].append(m)
            for start, end, stretch_gid in model.control.get(m, ()):
                if start <= day < end:
                    groups[(1, f"{start}:{end}:{stretch_gid}")].append(m)
                    break
        pairs: set[Pair] = set()
        for group in groups.values():
            if len(group) < 2:
                continue
            group.sort()
            for n, a in enumerate(group):
                for b in group[n + 1 :]:
                    pairs.add((a, b))
        return frozenset(pairs)
