"""Contested boxes: where the declared focus areas of two or more members meet and some pair of
them is not settled there (docs/design/overlaps.md, "The `overlap` finding").

The `overlap` rule reports one finding per contested box instead of one per claim pair: the
number of boxes is bounded by the taxonomy, the number of pairs by the square of the members.
Nothing here enumerates member pairs, except the few an agreement or a control group settles.

1. **Cells.** Per dimension, the *used* nodes: those of the claims (alliance scheme) and of the
   allocations. A cell is a triple of used nodes; it stands for the part of its box that no
   finer cell takes (every node is also a point of its own: `cloud` beyond its listed children).
   A claim covers a cell when each of its nodes is ancestor-or-self of the cell's node, so the
   claims covering a cell are found by walking the used-node trees top-down, handing each
   node's covering claims down to its children.
2. **Labels.** Per cell, one sweep over the days the covering claims, allocations and control
   stretches start or end. On each day a pair of present members is labelled as the pair engine
   would: intra-group while their control group is in force, else by the first covering
   allocation (labelling order) of an agreement both are parties to, else `conflict`. Only the
   pairs an agreement or a group settles are visited; the conflicts are `C(k, 2)` minus those.
3. **Pieces.** Consecutive days whose worst label is one to coordinate merge into one piece
   while that label, the covering allocations and the groups stay the same (members coming and
   going do not cut a piece: the piece lists who is present on some day of it).
4. **Redundancy.** A parent cell replaces one dimension by its nearest used ancestor. On a day
   when no claim or allocation on this cell's own node in that dimension is present, the parent
   holds the same members and allocations: the coarser box says it, this one does not repeat it.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from qtgov.overlaps.geometry import NO_EXCEPT, Box
from qtgov.overlaps.model import Agreement, Allocation, Claim, Model, collector_paused, tree_chain

Cell = tuple[str, str, str]
#: Worst first: the label a box gets from its pairs.
WORST = ("conflict", "blocked-review", "pending")
Pair = tuple[str, str]
#: (labelling rank of the agreement, agreement, allocation, start, end, its node triple) of one
#: allocation box
AllocationBox = tuple[int, Agreement, Allocation, int, int, Cell]
NO_PAIRS: frozenset[Pair] = frozenset()


@dataclass(frozen=True, slots=True)
class Cover:
    """An allocation covering a whole piece, with the agreement it belongs to."""

    agreement: Agreement
    allocation: Allocation


@dataclass(frozen=True, slots=True)
class Contest:
    """One contested piece of one cell: a period in which the declared focus areas of two or
    more members meet there, the same allocations cover it, the same control groups are in
    force, and its worst pair label stays one of `WORST`."""

    cell: Cell
    start: int
    end: int
    label: str
    #: one covering claim per member present in the piece (its latest to enter), the last
    #: member to enter first: (member joined, claim start, member id, claim id), descending.
    claims: tuple[Claim, ...]
    #: the allocations covering the piece whose agreement binds two of its members, in labelling order
    covers: tuple[Cover, ...]
    #: the pairs an agreement labels (pairs of one control group excluded): pair -> cover
    labelled: dict[Pair, Cover]
    #: the pairs of one control group in force on the piece
    intra: frozenset[Pair]
    #: (member, start, end) of every covering claim: who is present when
    spans: tuple[tuple[str, int, int], ...]

    @property
    def box(self) -> Box:
        s, r, g = self.cell
        return ((s, NO_EXCEPT), (r, NO_EXCEPT), (g, NO_EXCEPT), self.start, self.end)

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(sorted(c.member for c in self.claims))

    def pairs(self) -> Iterator[tuple[Pair, str, Cover | None]]:
        """Every pair of members present together on some day of the piece, with its label (and
        the allocation that gives it). Quadratic in the members: for tools and tests."""
        lo, hi = self.start, self.end
        present: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for member, start, end in self.spans:
            if start < hi and lo < end:
                present[member].append((max(start, lo), min(end, hi)))
        members = sorted(present)
        for n, a in enumerate(members):
            for b in members[n + 1 :]:
                if not any(s1 < e2 and s2 < e1 for s1, e1 in present[a] for s2, e2 in present[b]):
                    continue
                pair = (a, b)
                if pair in self.intra:
                    yield pair, "intra-group", None
                elif pair in self.labelled:
                    cover = self.labelled[pair]
                    yield pair, cover.allocation.label, cover
                else:
                    yield pair, "conflict", None


def contested(model: Model) -> list[Contest]:
    """Every contested piece of every non-redundant cell, sorted by cell and start."""
    with collector_paused():
        return _Boxes(model).run()


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
        self.allocs: dict[Cell, list[AllocationBox]] = defaultdict(list)
        for rank, agreement in enumerate(model.agreements):
            if len(agreement.parties) < 2:
                continue
            for allocation in agreement.allocations:
                for box in allocation.boxes:
                    cell = (box[0][0], box[1][0], box[2][0])
                    self.allocs[cell].append((rank, agreement, allocation, box[3], box[4], cell))
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

    def run(self) -> list[Contest]:
        by_sector: dict[str, list[Cell]] = defaultdict(list)
        for cell in self.exact:
            by_sector[cell[0]].append(cell)
        found: dict[Cell, tuple[list[tuple[Claim, int, int, int]], set[str], list[AllocationBox]]] = {}
        exact = self.exact
        up = self.up

        def visit_cell(cell: Cell, keys: list[Cell]) -> None:
            # Each claim with the dimensions in which it sits on the cell's own node (bits):
            # in those it covers this cell but not the parent cell.
            masks = [sum(1 << d for d in range(3) if key[d] == cell[d]) for key in keys]
            entries = [(e[0], e[1], e[2], mask) for key, mask in zip(keys, masks, strict=True) for e in exact[key]]
            everyone = {e[0].member for e in entries}
            if len(everyone) < 2:
                return
            covers = self.covers_of(cell)
            for d in range(3):
                if (
                    len(up[d][cell[d]]) > 1
                    and not any(m >> d & 1 for m in masks)
                    and not any(c[5][d] == cell[d] for c in covers)
                ):
                    return  # a parent cell has the same claims and allocations: it says it all
            found[cell] = (entries, everyone, covers)

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
            out.extend(self.pieces(cell, *found[cell]))
        return out

    def _walk(self, dim: int, own: dict[str, list[Cell]], visit: Callable[[str, list[Cell]], None]) -> None:
        """Visit every used node of `dim` that some key covers (is on its chain), top-down,
        with the keys covering it, when they hold at least two claims."""
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

    # -- one cell --------------------------------------------------------------------------

    def covers_of(self, cell: Cell) -> list[AllocationBox]:
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

    def pieces(
        self,
        cell: Cell,
        entries: Sequence[tuple[Claim, int, int, int]],
        everyone: set[str],
        covering: Sequence[AllocationBox],
    ) -> list[Contest]:
        """The contested pieces of a cell, by a sweep over the days its claims, covering
        allocations and control groups start or end. Days on which a parent cell holds the same
        members and allocations (nothing on this cell's own node in that dimension is there)
        belong to the parent's pieces, not to this cell's."""
        model = self.model
        covers = [c for c in covering if len(c[1].parties & everyone) >= 2]
        cover_masks = [sum(1 << d for d in range(3) if c[5][d] == cell[d]) for c in covers]
        parents = [d for d in range(3) if len(self.up[d][cell[d]]) > 1]
        pmask = sum(1 << d for d in parents)
        grouped = frozenset(m for m in everyone if m in model.group or m in model.control)
        starts: dict[int, list[tuple[str, int]]] = defaultdict(list)
        ends: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for claim, start, end, mask in entries:
            starts[start].append((claim.member, mask & pmask))
            ends[end].append((claim.member, mask & pmask))
        bounds = set(starts) | set(ends)
        for c in covers:
            bounds.update((c[3], c[4]))
        for m in grouped:
            for start, end, _gid in model.control.get(m, ()):
                bounds.update((start, end))
        points = sorted(bounds)
        present: dict[str, int] = {}
        own = [0, 0, 0]  # claims present on the cell's own node, per dimension with a parent
        missing = len(parents)  # dimensions with a parent and no such claim present
        runs: list[tuple[int, int, str, tuple[int, ...], frozenset[Pair]]] = []
        plain = not covers and not grouped  # the common case: every pair is a conflict
        for start, end in itertools.pairwise(points):
            for m, mask in ends.get(start, ()):
                if present[m] == 1:
                    del present[m]
                else:
                    present[m] -= 1
                if mask:
                    for d in parents:
                        if mask >> d & 1:
                            own[d] -= 1
                            missing += own[d] == 0
            for m, mask in starts.get(start, ()):
                present[m] = present.get(m, 0) + 1
                if mask:
                    for d in parents:
                        if mask >> d & 1:
                            missing -= own[d] == 0
                            own[d] += 1
            if len(present) < 2:
                continue
            if missing:
                on_node = 0
                for n, c in enumerate(covers):
                    if c[3] <= start < c[4]:
                        on_node |= cover_masks[n]
                if not all(own[d] or on_node >> d & 1 for d in parents):
                    continue  # said by a parent cell on this day
            if plain:
                if runs and runs[-1][1] == start:
                    runs[-1] = (runs[-1][0], end, "conflict", (), NO_PAIRS)
                else:
                    runs.append((start, end, "conflict", (), NO_PAIRS))
                continue
            k = len(present)
            active = tuple(n for n, c in enumerate(covers) if c[3] <= start < c[4])
            intra = self._intra(grouped.intersection(present), start) if grouped else NO_PAIRS
            label = self._label(k, [covers[n] for n in active], present, intra)
            if label is None:
                continue
            if runs and runs[-1][1] == start and runs[-1][2:] == (label, active, intra):
                runs[-1] = (runs[-1][0], end, label, active, intra)
            else:
                runs.append((start, end, label, active, intra))
        spans = tuple((claim.member, start, end) for claim, start, end, _ in entries)
        return [self._contest(cell, entries, spans, covers, run) for run in runs]

    @staticmethod
    def _label(
        k: int,
        covers: Sequence[AllocationBox],
        present: dict[str, int],
        intra: frozenset[Pair],
    ) -> str | None:
        """The worst label of the pairs among `k` present members: the conflicts are what the
        covering allocations (labelling order: the first binding a pair labels it) and the
        control groups leave."""
        if not covers and not intra:
            return "conflict"
        labelled: dict[Pair, str] = {}
        for _rank, agreement, allocation, _s, _e, _cell in covers:
            parties = sorted(m for m in agreement.parties if m in present)
            for n, a in enumerate(parties):
                for b in parties[n + 1 :]:
                    if (a, b) not in intra and (a, b) not in labelled:
                        labelled[(a, b)] = allocation.label
        if k * (k - 1) // 2 > len(labelled) + len(intra):
            return "conflict"
        labels = set(labelled.values())
        return next((lab for lab in WORST if lab in labels), None)

    def _contest(
        self,
        cell: Cell,
        entries: Sequence[tuple[Claim, int, int, int]],
        spans: tuple[tuple[str, int, int], ...],
        covers: Sequence[AllocationBox],
        run: tuple[int, int, str, tuple[int, ...], frozenset[Pair]],
    ) -> Contest:
        start, end, label, active, intra = run
        joined = self.model.joined
        latest: dict[str, tuple[tuple[int, int, str, str], Claim]] = {}
        for claim, c_start, c_end, _ in entries:
            if c_start < end and start < c_end:
                key = (joined.get(claim.member, 0), c_start, claim.member, claim.id)
                if claim.member not in latest or key > latest[claim.member][0]:
                    latest[claim.member] = (key, claim)
        claims = tuple(c for _, c in sorted(latest.values(), key=lambda kc: kc[0], reverse=True))
        labelled: dict[Pair, Cover] = {}
        shown: list[Cover] = []
        for n in active:
            _rank, agreement, allocation, _s, _e, _cell = covers[n]
            parties = sorted(m for m in agreement.parties if m in latest)
            if len(parties) < 2:
                continue
            cover = Cover(agreement, allocation)
            shown.append(cover)
            # The first covering allocation (labelling order) of an agreement both members are
            # parties to labels the pair, as in engine._label; control groups come first.
            for i, a in enumerate(parties):
                for b in parties[i + 1 :]:
                    if (a, b) not in intra and (a, b) not in labelled:
                        labelled[(a, b)] = cover
        return Contest(cell, start, end, label, claims, tuple(shown), labelled, intra, spans)

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
