"""Boxes over sector × region × segment × period, and the set algebra the overlap engine needs.

A dimension value is a *node set* `(node, excepts)`: the subtree under `node` minus the subtrees
under each of `excepts` (an antichain strictly below `node`, sorted). Claims and allocations only
ever produce plain nodes; `except` appears when a covered part is cut out of a piece, so that
residuals read naturally (`CN except CN-ZJ`). A period is a half-open range of day ordinals
`[start, end)`, with `NEG`/`POS` for open ends.

Differences split in the canonical order (docs/design/overlaps.md): period, sector, region, segment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

NodeSet = tuple[str, tuple[str, ...]]
#: (sector, region, segment, start, end) — `end` is exclusive.
Box = tuple[NodeSet, NodeSet, NodeSet, int, int]
Chain = Callable[[str], tuple[str, ...]]

NEG = 0  # before date.min (ordinal 1): an unbounded start
POS = 10**8  # after date.max: an open end
NO_EXCEPT: tuple[str, ...] = ()
ROOT_SET: NodeSet = ("*", NO_EXCEPT)


def day(ordinal: int) -> dt.date | None:
    """A day ordinal back to a date (None for the open ends)."""
    return None if ordinal in (NEG, POS) else dt.date.fromordinal(ordinal)


def ordinal(date: dt.date | None, default: int) -> int:
    return date.toordinal() if date is not None else default


def _under(c_anc: tuple[str, ...], c: tuple[str, ...]) -> bool:
    """Whether the node with chain `c_anc` is an ancestor-or-self of the node with chain `c`."""
    n = len(c_anc)
    return n <= len(c) and c[n - 1] == c_anc[-1]


def related(chain: Chain, a: str, b: str) -> bool:
    ca, cb = chain(a), chain(b)
    return _under(ca, cb) or _under(cb, ca)


def _antichain(chain: Chain, nodes: Sequence[str]) -> tuple[str, ...]:
    """Keep only the topmost of `nodes` (their union as excepts), sorted."""
    if len(nodes) < 2:
        return tuple(nodes)
    unique = sorted(set(nodes), key=lambda n: len(chain(n)))
    kept: list[str] = []
    kept_chains: list[tuple[str, ...]] = []
    for node in unique:
        c = chain(node)
        if not any(_under(k, c) for k in kept_chains):
            kept.append(node)
            kept_chains.append(c)
    return tuple(sorted(kept))


def ns_intersect(chain: Chain, a: NodeSet, b: NodeSet) -> NodeSet | None:
    """Intersection of two node sets, or None when empty."""
    an, ax = a
    bn, bx = b
    if an == bn:
        m = an
        cm = chain(m)
    else:
        ca, cb = chain(an), chain(bn)
        if _under(ca, cb):
            m, cm = bn, cb
        elif _under(cb, ca):
            m, cm = an, ca
        else:
            return None
    if not ax and not bx:
        return (m, NO_EXCEPT)
    keep: list[str] = []
    for e in (*ax, *bx):
        ce = chain(e)
        if _under(ce, cm):
            return None  # m lies inside an excluded subtree
        if _under(cm, ce):
            keep.append(e)
    return (m, _antichain(chain, keep))


def ns_contains_node(chain: Chain, s: NodeSet, node: str) -> bool:
    """Whether a single node lies in the node set (used by tests and filters)."""
    cn = chain(node)
    if not _under(chain(s[0]), cn):
        return False
    return not any(_under(chain(e), cn) for e in s[1])


def ns_difference(chain: Chain, a: NodeSet, b: NodeSet) -> list[NodeSet]:
    """`a` minus `b` as disjoint node sets (the part beside `b`'s node first, then the holes of
    `b` that lie in `a`)."""
    inter = ns_intersect(chain, a, b)
    if inter is None:
        return [a]
    an, ax = a
    m, mx = inter
    out: list[NodeSet] = []
    if m != an:
        cm = chain(m)
        rest = [e for e in ax if not _under(cm, chain(e))]
        out.append((an, _antichain(chain, [*rest, m])))
    # Holes of `b` inside the intersection are still part of `a` (unless `a` excludes them too).
    ax_set = set(ax)
    for e in mx:
        if e in ax_set:
            continue
        ce = chain(e)
        sub = [x for x in ax if _under(ce, chain(x)) and x != e]
        out.append((e, _antichain(chain, sub)))
    return out


def ns_union(chain: Chain, a: NodeSet, b: NodeSet) -> NodeSet | None:
    """The union of two disjoint node sets when it is one node set (one fills a hole of the
    other), else None."""
    if b[0] in a[1]:
        return (a[0], _antichain(chain, [*(e for e in a[1] if e != b[0]), *b[1]]))
    if a[0] in b[1]:
        return (b[0], _antichain(chain, [*(e for e in b[1] if e != a[0]), *a[1]]))
    return None


def box_intersect(chains: Sequence[Chain], p: Box, q: Box) -> Box | None:
    start = p[3] if p[3] > q[3] else q[3]
    end = p[4] if p[4] < q[4] else q[4]
    if start >= end:
        return None
    s = ns_intersect(chains[0], p[0], q[0])
    if s is None:
        return None
    r = ns_intersect(chains[1], p[1], q[1])
    if r is None:
        return None
    g = ns_intersect(chains[2], p[2], q[2])
    if g is None:
        return None
    return (s, r, g, start, end)


def box_difference(chains: Sequence[Chain], p: Box, q: Box) -> list[Box]:
    """`p` minus `q` as disjoint boxes, split in the order period, sector, region, segment."""
    inter = box_intersect(chains, p, q)
    if inter is None:
        return [p]
    ps, pr, pg, p_start, p_end = p
    si, ri, _gi, start, end = inter
    out: list[Box] = []
    if p_start < start:
        out.append((ps, pr, pg, p_start, start))
    if end < p_end:
        out.append((ps, pr, pg, end, p_end))
    for s in ns_difference(chains[0], ps, q[0]):
        out.append((s, pr, pg, start, end))
    for r in ns_difference(chains[1], pr, q[1]):
        out.append((si, r, pg, start, end))
    for g in ns_difference(chains[2], pg, q[2]):
        out.append((si, ri, g, start, end))
    return out


def disjoint_union(chains: Sequence[Chain], boxes: Sequence[Box]) -> list[Box]:
    """The union of possibly overlapping boxes as disjoint boxes (earlier boxes kept whole)."""
    result: list[Box] = []
    for box in boxes:
        parts = [box]
        for done in result:
            if not parts:
                break
            nxt: list[Box] = []
            for part in parts:
                nxt.extend(box_difference(chains, part, done))
            parts = nxt
        result.extend(parts)
    return result


def box_union(chains: Sequence[Chain], p: Box, q: Box) -> Box | None:
    """Two disjoint neighbouring boxes as one, when they differ in one dimension only and their
    union there is a single node set or range."""
    same = [p[0] == q[0], p[1] == q[1], p[2] == q[2], p[3] == q[3] and p[4] == q[4]]
    if sum(same) != 3:
        return None
    if not same[3]:
        if p[4] == q[3]:
            return (p[0], p[1], p[2], p[3], q[4])
        if q[4] == p[3]:
            return (p[0], p[1], p[2], q[3], p[4])
        return None
    dim = same.index(False)
    merged = ns_union(chains[dim], p[dim], q[dim])  # type: ignore[arg-type]
    if merged is None:
        return None
    parts: list[object] = list(p)
    parts[dim] = merged
    return tuple(parts)  # type: ignore[return-value]


def ns_text(s: NodeSet) -> str:
    node, excepts = s
    return f"{node} except {', '.join(excepts)}" if excepts else node


def period_text(start: int, end: int) -> str:
    """`2025-01-01…`, `2025-01-01…2025-06-30` (last day), `…2025-06-30`, `…`."""
    first = day(start)
    last = day(end - 1) if end != POS else None
    return f"{first.isoformat() if first else ''}…{last.isoformat() if last else ''}"


def box_text(box: Box, sector: str | None = None) -> str:
    """`cloud/database × CN except CN-ZJ × * × 2025-01-01…`."""
    s = sector if sector is not None else ns_text(box[0])
    return f"{s} × {ns_text(box[1])} × {ns_text(box[2])} × {period_text(box[3], box[4])}"
