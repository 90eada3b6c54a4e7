"""Finding related boxes without comparing all pairs (SPEC §4 "Scale").

Two nodes of a tree are related iff one lies on the other's root chain. For every dimension a
pair is related either because the *other* node is an ancestor-or-self of the query node (look
the other up by its exact node while walking the query's chain) or because it lies strictly below
(index the other under each of its strict ancestors, look up the query's exact node). Each
combination of those cases is one hash index; every related pair is found exactly once, so the
cost is the number of boxes times the (small) chain lengths plus the number of related pairs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

Chains = tuple[tuple[str, ...], ...]  # one root-to-node chain per dimension


def related_pairs(items: Sequence[Chains]) -> Iterator[tuple[int, int]]:
    """Every unordered pair `(i, j)` of items related in all dimensions, each exactly once.

    The first dimension is handled by symmetry (the query only walks up its own chain); the
    others use one index per up/down combination.
    """
    if not items:
        return
    ndims = len(items[0])
    patterns = _patterns(ndims - 1)
    indexes: list[dict[tuple[str, ...], list[int]]] = [{} for _ in patterns]
    for i, chains in enumerate(items):
        first = chains[0][-1]
        for idx, pattern in zip(indexes, patterns, strict=True):
            for key in _index_keys(chains[1:], pattern):
                idx.setdefault((first, *key), []).append(i)
    live = [(idx, pattern) for idx, pattern in zip(indexes, patterns, strict=True) if idx]
    for i, chains in enumerate(items):
        first_chain = chains[0]
        own = first_chain[-1]
        rest = chains[1:]
        query_keys = [(idx, list(_query_keys(rest, pattern))) for idx, pattern in live]
        for up in first_chain:
            for idx, keys in query_keys:
                for key in keys:
                    found = idx.get((up, *key))
                    if not found:
                        continue
                    if up == own:
                        # Equal first nodes are seen from both sides: keep one.
                        for j in found:
                            if j < i:
                                yield (j, i)
                    else:
                        for j in found:
                            yield (j, i)


def cross_pairs(indexed: Sequence[Chains], queries: Sequence[Chains]) -> Iterator[tuple[int, int]]:
    """Every pair `(q, i)` of a query item and an indexed item related in all dimensions."""
    if not indexed or not queries:
        return
    ndims = len(indexed[0])
    patterns = _patterns(ndims)
    indexes: list[dict[tuple[str, ...], list[int]]] = [{} for _ in patterns]
    for i, chains in enumerate(indexed):
        for idx, pattern in zip(indexes, patterns, strict=True):
            for key in _index_keys(chains, pattern):
                idx.setdefault(key, []).append(i)
    live = [(idx, pattern) for idx, pattern in zip(indexes, patterns, strict=True) if idx]
    for q, chains in enumerate(queries):
        for idx, pattern in live:
            for key in _query_keys(chains, pattern):
                for i in idx.get(key, ()):
                    yield (q, i)


def _patterns(n: int) -> list[tuple[bool, ...]]:
    """All up/down combinations over n dimensions (True = the other is an ancestor-or-self)."""
    out: list[tuple[bool, ...]] = [()]
    for _ in range(n):
        out = [(*p, up) for p in out for up in (True, False)]
    return out


def _index_keys(chains: Chains, pattern: tuple[bool, ...]) -> Iterator[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = [()]
    for chain, up in zip(chains, pattern, strict=True):
        options = (chain[-1],) if up else chain[:-1]
        if not options:
            return
        keys = [(*k, o) for k in keys for o in options]
    yield from keys


def _query_keys(chains: Chains, pattern: tuple[bool, ...]) -> Iterator[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = [()]
    for chain, up in zip(chains, pattern, strict=True):
        options = chain if up else (chain[-1],)
        keys = [(*k, o) for k in keys for o in options]
    yield from keys
