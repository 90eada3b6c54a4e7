"""Finding related boxes without comparing all pairs (docs/design/overlaps.md "Scale").

Two nodes of a tree are related iff one lies on the other's root chain. For every dimension a
pair is related either because the *other* node is an ancestor-or-self of the query node (look
the other up by its exact node while walking the query's chain) or because it lies strictly below
(index the other under each of its strict ancestors, look up the query's exact node). Each
combination of those cases is one hash index; every related pair is found exactly once, so the
cost is the number of boxes times the (small) chain lengths plus the number of related pairs.
Chain nodes that no indexed item uses are skipped before any lookup.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence

Chains = tuple[tuple[str, ...], ...]  # one root-to-node chain per dimension
Key = tuple[str, ...]


class _Index:
    """One hash index per up/down pattern over all dimensions of the items (for cross joins)."""

    def __init__(self, items: Sequence[Chains]) -> None:
        ndims = len(items[0]) if items else 0
        self.patterns = _patterns(ndims)
        self.maps: list[dict[Key, list[int]]] = [defaultdict(list) for _ in self.patterns]
        # Per dimension: nodes items sit on (exact) and nodes items sit strictly below (below).
        self.exact: list[set[str]] = [set() for _ in range(ndims)]
        self.below: list[set[str]] = [set() for _ in range(ndims)]
        for i, chains in enumerate(items):
            for d, chain in enumerate(chains):
                self.exact[d].add(chain[-1])
                self.below[d].update(chain[:-1])
            for idx, pattern in zip(self.maps, self.patterns, strict=True):
                options = [(c[-1],) if up else c[:-1] for c, up in zip(chains, pattern, strict=True)]
                for key in itertools.product(*options):
                    idx[key].append(i)
        self.maps = [dict(m) for m in self.maps]
        self._ups: list[dict[str, tuple[str, ...]]] = [{} for _ in range(ndims)]

    def lookups(self, chains: Chains) -> Iterator[list[int]]:
        """The lists of indexed items related to `chains` in every dimension."""
        ups = []
        for d, chain in enumerate(chains):
            cache = self._ups[d]
            found = cache.get(chain[-1])
            if found is None:
                exact = self.exact[d]
                found = cache[chain[-1]] = tuple(n for n in chain if n in exact)
            ups.append(found)
        downs = [(c[-1],) if c[-1] in below else () for c, below in zip(chains, self.below, strict=True)]
        for idx, pattern in zip(self.maps, self.patterns, strict=True):
            if not idx:
                continue
            options = [ups[d] if up else downs[d] for d, up in enumerate(pattern)]
            if not all(options):
                continue
            for key in itertools.product(*options):
                found_items = idx.get(key)
                if found_items:
                    yield found_items


def related_pairs(items: Sequence[Chains]) -> Iterator[tuple[int, int]]:
    """Every unordered pair `(j, i)` of items related in all three dimensions (sector, region,
    segment chains), each exactly once.

    The first dimension is handled by symmetry: a query only walks up its own chain, and pairs
    on the same first node are kept from one side only. The other two use the four up/down
    indexes. This is the hot loop of the analysis, hence written out rather than generic.
    """
    if not items:
        return
    if len(items[0]) != 3:
        raise ValueError("related_pairs expects sector, region and segment chains")
    aa: defaultdict[Key, list[int]] = defaultdict(list)
    ad: defaultdict[Key, list[int]] = defaultdict(list)
    da: defaultdict[Key, list[int]] = defaultdict(list)
    dd: defaultdict[Key, list[int]] = defaultdict(list)
    exact: tuple[set[str], set[str], set[str]] = (set(), set(), set())
    below: tuple[set[str], set[str]] = (set(), set())
    for i, (cs, cr, cg) in enumerate(items):
        s, r, g = cs[-1], cr[-1], cg[-1]
        exact[0].add(s)
        exact[1].add(r)
        exact[2].add(g)
        rb, gb = cr[:-1], cg[:-1]
        below[0].update(rb)
        below[1].update(gb)
        aa[(s, r, g)].append(i)
        for ga in gb:
            ad[(s, r, ga)].append(i)
        for ra in rb:
            da[(s, ra, g)].append(i)
            for ga in gb:
                dd[(s, ra, ga)].append(i)
    # Chain nodes nobody sits on are never looked up; cache the filtered chains per node.
    ups: tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]] = ({}, {}, {})

    def up_nodes(dim: int, chain: tuple[str, ...]) -> tuple[str, ...]:
        node = chain[-1]
        found = ups[dim].get(node)
        if found is None:
            found = ups[dim][node] = tuple(n for n in chain if n in exact[dim])
        return found

    for i, (cs, cr, cg) in enumerate(items):
        own, r, g = cs[-1], cr[-1], cg[-1]
        ups_r = up_nodes(1, cr)
        ups_g = up_nodes(2, cg)
        r_down = r in below[0]
        g_down = g in below[1]
        for up in up_nodes(0, cs):
            lists = []
            for ra in ups_r:
                for ga in ups_g:
                    found = aa.get((up, ra, ga))
                    if found:
                        lists.append(found)
                if g_down:
                    found = ad.get((up, ra, g))
                    if found:
                        lists.append(found)
            if r_down:
                for ga in ups_g:
                    found = da.get((up, r, ga))
                    if found:
                        lists.append(found)
                if g_down:
                    found = dd.get((up, r, g))
                    if found:
                        lists.append(found)
            if up == own:
                # Equal first nodes are seen from both sides: keep one.
                for found in lists:
                    for j in found:
                        if j < i:
                            yield (j, i)
            else:
                for found in lists:
                    for j in found:
                        yield (j, i)


def cross_pairs(indexed: Sequence[Chains], queries: Sequence[Chains]) -> Iterator[tuple[int, int]]:
    """Every pair `(q, i)` of a query item and an indexed item related in all dimensions, each
    exactly once. Index the smaller side: queries cost only lookups of nodes the index holds."""
    if not indexed or not queries:
        return
    index = _Index(indexed)
    for q, chains in enumerate(queries):
        for found in index.lookups(chains):
            for i in found:
                yield (q, i)


def _patterns(n: int) -> list[tuple[bool, ...]]:
    """All up/down combinations over n dimensions (True = the other is an ancestor-or-self)."""
    out: list[tuple[bool, ...]] = [()]
    for _ in range(n):
        out = [(*p, up) for p in out for up in (True, False)]
    return out
