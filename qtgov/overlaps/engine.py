"""The overlap analysis of docs/design/overlaps.md: find overlapping claims, cut each overlap into labelled pieces.

1. Claims are indexed by tree node (`pairs.related_pairs`), so only related boxes are compared.
2. The overlap of two claims is the union of the meets of their boxes, made disjoint.
3. Intra-group pairs are labelled whole for the days their control group is in force (the rest
   of the overlap is labelled as below). Otherwise the agreements both members are parties to
   are applied in order (executed/terminated by latest effective then id, drafts last); each
   allocation labels the part of the remaining pieces it covers and passes the rest on.
4. What no agreement covers is a conflict. Neighbouring pieces with equal (label, holder,
   agreement) are merged, and everything is sorted canonically.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import defaultdict
from collections.abc import Iterator, Sequence

from qtgov.overlaps.geometry import (
    NO_EXCEPT,
    ROOT_SET,
    Box,
    Chain,
    box_difference,
    box_intersect,
    box_union,
    disjoint_union,
)
from qtgov.overlaps.model import (
    ALWAYS,
    Agreement,
    Claim,
    Model,
    Periods,
    collector_paused,
    split_by_periods,
    tree_chain,
)
from qtgov.overlaps.pairs import cross_pairs, related_pairs
from qtgov.overlaps.report import Entry, OverlapReport, Piece
from qtgov.records.index import Index

Labelled = tuple[str, str | None, str | None, Box]

_MODELS: dict[int, tuple[weakref.ref[Index], Model]] = {}
_REPORTS: dict[int, OverlapReport] = {}


def model_for(index: Index) -> Model:
    """The compiled claims and agreements of an index (built once per index)."""
    key = id(index)
    hit = _MODELS.get(key)
    if hit is not None and hit[0]() is index:
        return hit[1]
    model = Model.build(index)

    def forget(_ref: object, key: int = key) -> None:
        _MODELS.pop(key, None)
        _REPORTS.pop(key, None)

    _MODELS[key] = (weakref.ref(index, forget), model)
    _REPORTS.pop(key, None)
    return model


def analyse(index: Index, as_of: dt.date | None = None, member: str | None = None) -> OverlapReport:
    """Every overlap between claims of different members, labelled (docs/design/overlaps.md). With `as_of`, only
    the pieces that contain that day; with `member`, only the overlaps that member is part of
    (computed for that member's claims alone). The whole report is computed once per index."""
    model = model_for(index)
    if member is not None:
        report = OverlapReport(compute(model, members=frozenset((member,))))
    else:
        report = _REPORTS.get(id(index)) or _REPORTS.setdefault(id(index), OverlapReport(compute(model)))
    return report.on(as_of) if as_of is not None else report


def compute(
    model: Model,
    *,
    members: frozenset[str] | None = None,
    pairs: frozenset[tuple[str, str]] | None = None,
    foreign: bool = False,
) -> list[Entry]:
    """The entries of an overlap report, sorted by (members, claim ids): all of them, or only
    those with a member in `members`, or only those of the member pairs `pairs` (each `(a, b)`
    with `a < b`), or (`foreign`) only those with a claim outside the alliance's sector scheme.
    A filter limits the work, not only the output: the claims of other members are never paired."""
    with collector_paused():
        return _compute(model, members, pairs, foreign)


def _select(
    members: frozenset[str] | None, pairs: frozenset[tuple[str, str]] | None
) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """(members whose claims may take part at all, members one of which each pair must have)."""
    if pairs is not None:
        return frozenset(m for pair in pairs for m in pair), None
    return None, members


def _compute(
    model: Model,
    members: frozenset[str] | None,
    pairs: frozenset[tuple[str, str]] | None,
    foreign: bool,
) -> list[Entry]:
    claims = model.claims
    region_chain = model.regions.chain
    alliance_scheme = model.settings.sector_scheme
    if foreign and all(c.scheme == alliance_scheme for c in claims):
        return []
    allowed, queried = _select(members, pairs)
    by_scheme: dict[str, list[tuple[int, Box]]] = defaultdict(list)
    for ci, claim in enumerate(claims):
        if allowed is not None and claim.member not in allowed:
            continue
        for box in claim.boxes:
            by_scheme[claim.scheme].append((ci, box))

    # claim pair (the claim of the member with the lower id first) -> meets of their boxes
    same: dict[tuple[int, int], list[Box]] = defaultdict(list)
    for scheme_name, items in by_scheme.items():
        if foreign and scheme_name == alliance_scheme:
            continue
        keys = [(tree_chain(b[0][0]), region_chain(b[1][0]), tree_chain(b[2][0])) for _, b in items]
        member = [claims[ci].member for ci, _ in items]
        for i, j in _related(keys, member, queried) if pairs is None else _within_pairs(keys, member, pairs):
            bi = items[i][1]
            bj = items[j][1]
            if member[i] == member[j] or bi[3] >= bj[4] or bj[3] >= bi[4]:
                continue
            if pairs is not None and _ordered(member[i], member[j]) not in pairs:
                continue
            # The dimensions are related (the index says so) and claims have no excepts, so the
            # meet is the deeper node of each dimension and the later start, the earlier end.
            ki, kj = keys[i], keys[j]
            meet = (
                bi[0] if len(ki[0]) >= len(kj[0]) else bj[0],
                bi[1] if len(ki[1]) >= len(kj[1]) else bj[1],
                bi[2] if len(ki[2]) >= len(kj[2]) else bj[2],
                bi[3] if bi[3] > bj[3] else bj[3],
                bi[4] if bi[4] < bj[4] else bj[4],
            )
            # Orient every pair by member id so entries never depend on record order.
            ci, cj = items[i][0], items[j][0]
            same[(ci, cj) if member[i] < member[j] else (cj, ci)].append(meet)

    # Entry order (members, claim ids) as one integer per entry: sorting stays cheap at scale.
    member_rank = {m: n for n, m in enumerate(sorted({c.member for c in claims}))}
    order = sorted(range(len(claims)), key=lambda n: (claims[n].id, claims[n].position))
    claim_rank = [0] * len(claims)
    for n, ci in enumerate(order):
        claim_rank[ci] = n
    nm, nc = len(member_rank) + 1, len(claims) + 1

    intra_periods = model.intra_periods
    by_pair = model.by_pair
    scheme = model.settings.sector_scheme
    keyed = []
    for (ci, cj), meets in same.items():
        a, b = claims[ci], claims[cj]
        ma, mb = a.member, b.member
        intra = intra_periods(ma, mb)
        whole = intra == ALWAYS
        agreements = by_pair.get((ma, mb)) if not whole and a.scheme == scheme else None
        if len(meets) == 1 and not agreements and (whole or not intra):
            pieces: tuple[Piece, ...] = (Piece("intra-group" if whole else "conflict", None, None, meets[0]),)
        else:
            pieces = tuple(_label(model, intra, agreements or [], meets))
        key = ((member_rank[ma] * nm + member_rank[mb]) * nc + claim_rank[ci]) * nc + claim_rank[cj]
        keyed.append((key, Entry((ma, mb), (a, b), pieces)))
    keyed.sort(key=lambda pair: pair[0])
    entries = [entry for _, entry in keyed]
    unknown = _unknown_entries(model, by_scheme)
    if queried is not None:
        unknown = [e for e in unknown if e.members[0] in queried or e.members[1] in queried]
    if pairs is not None:
        unknown = [e for e in unknown if e.members in pairs]
    if unknown:
        entries.extend(unknown)
        entries.sort(key=lambda e: e.sort_key)
    return entries


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _within_pairs(
    keys: Sequence[tuple[tuple[str, ...], ...]], member: Sequence[str], pairs: frozenset[tuple[str, str]]
) -> Iterator[tuple[int, int]]:
    """Related box pairs of the given member pairs only, box against box per pair: a member in
    many of the pairs never meets the others' claims (the hash index would pair them all)."""
    by_member: dict[str, list[int]] = defaultdict(list)
    for n, m in enumerate(member):
        by_member[m].append(n)
    for a, b in sorted(pairs):
        for i in by_member.get(a, ()):
            ki = keys[i]
            for j in by_member.get(b, ()):
                kj = keys[j]
                if all(
                    (x[len(y) - 1] == y[-1]) if len(x) >= len(y) else (y[len(x) - 1] == x[-1])
                    for x, y in zip(ki, kj, strict=True)
                ):
                    yield (i, j) if i < j else (j, i)


def _related(
    keys: Sequence[tuple[tuple[str, ...], ...]], member: Sequence[str], queried: frozenset[str] | None
) -> Iterator[tuple[int, int]]:
    """Related box pairs: all of them, or only those with a box of a `queried` member (the
    queried boxes are looked up in an index of all the others; a pair of two queried boxes
    is found from both sides and kept once)."""
    if queried is None:
        yield from related_pairs(keys)
        return
    mine = [n for n, m in enumerate(member) if m in queried]
    if not mine:
        return
    seen: set[tuple[int, int]] = set()
    for q, i in cross_pairs(keys, [keys[n] for n in mine]):
        j = mine[q]
        if i == j:
            continue
        pair = (i, j) if i < j else (j, i)
        if member[i] in queried:
            if pair in seen:
                continue
            seen.add(pair)
        yield pair


def label(model: Model, a: Claim, b: Claim, meets: Sequence[Box]) -> list[Piece]:
    """The labelled, merged and sorted pieces of the overlap of claims `a` and `b`, given the
    meets of their boxes (same sector scheme)."""
    intra = model.intra_periods(a.member, b.member)
    agreements = (
        model.pair_agreements(a.member, b.member)
        if intra != ALWAYS and a.scheme == model.settings.sector_scheme
        else []
    )
    return _label(model, intra, agreements, meets)


def _label(model: Model, intra: Periods, agreements: Sequence[Agreement], meets: Sequence[Box]) -> list[Piece]:
    """`intra`: the days on which the two members are in one control group (model.intra_periods)."""
    whole = intra == ALWAYS
    if len(meets) == 1 and not agreements and (whole or not intra):
        return [Piece("intra-group" if whole else "conflict", None, None, meets[0])]
    chains = model.chains
    boxes = sorted(set(meets))
    if len(boxes) > 1:
        boxes = disjoint_union(chains, boxes)
    labelled: list[Labelled]
    if whole:
        labelled = [("intra-group", None, None, box) for box in boxes]
    elif not agreements and not intra:
        labelled = [("conflict", None, None, box) for box in boxes]
    else:
        labelled = []
        remaining = boxes
        if intra:
            # One economic unit only while the control is in force: those days are intra-group,
            # the days before (or after) are labelled by the agreements like any other pair's.
            remaining = []
            for box in boxes:
                inside, outside = split_by_periods(box, intra)
                labelled.extend(("intra-group", None, None, part) for part in inside)
                remaining.extend(outside)
        for agreement in agreements:
            for allocation in agreement.allocations:
                for cover in allocation.boxes:
                    if not remaining:
                        break
                    rest: list[Box] = []
                    for box in remaining:
                        inter = box_intersect(chains, box, cover)
                        if inter is None:
                            rest.append(box)
                            continue
                        labelled.append((allocation.label, allocation.holder, agreement.id, inter))
                        rest.extend(box_difference(chains, box, cover))
                    remaining = rest
        labelled.extend(("conflict", None, None, box) for box in remaining)
    if len(labelled) > 1:
        labelled = merge(chains, labelled)
    pieces = [Piece(lab, holder, agreement, box) for lab, holder, agreement, box in labelled]
    pieces.sort(key=lambda p: p.sort_key)
    return pieces


def merge(chains: Sequence[Chain], labelled: Sequence[Labelled]) -> list[Labelled]:
    """Merge neighbouring pieces with equal (label, holder, agreement) until none merge."""
    groups: dict[tuple[str, str | None, str | None], list[Box]] = defaultdict(list)
    for lab, holder, agreement, box in labelled:
        groups[(lab, holder, agreement)].append(box)
    out: list[Labelled] = []
    for key in sorted(groups, key=lambda k: (k[0], k[1] or "", k[2] or "")):
        for box in _merge_boxes(chains, groups[key]):
            out.append((*key, box))
    return out


def _merge_boxes(chains: Sequence[Chain], boxes: list[Box]) -> list[Box]:
    boxes = sorted(boxes)
    if len(boxes) <= 8:
        return _merge_few(chains, boxes)
    changed = True
    while changed and len(boxes) > 1:
        changed = False
        for dim in range(4):
            # Only boxes equal in the other dimensions can merge: bucket by those.
            buckets: dict[tuple[object, ...], list[Box]] = defaultdict(list)
            for box in boxes:
                if dim == 3:
                    buckets[(box[0], box[1], box[2])].append(box)
                else:
                    buckets[(*box[:dim], *box[dim + 1 :])].append(box)
            merged: list[Box] = []
            for bucket in buckets.values():
                found = _merge_few(chains, bucket)
                changed = changed or len(found) < len(bucket)
                merged.extend(found)
            boxes = sorted(merged)
    return boxes


def _merge_few(chains: Sequence[Chain], boxes: list[Box]) -> list[Box]:
    """Pairwise merging until no two boxes merge (for a handful of boxes)."""
    boxes = list(boxes)
    again = True
    while again and len(boxes) > 1:
        again = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                union = box_union(chains, boxes[i], boxes[j])
                if union is not None:
                    boxes[i] = union
                    del boxes[j]
                    again = True
                    break
            if again:
                break
    return sorted(boxes)


def _unknown_entries(model: Model, by_scheme: dict[str, list[tuple[int, Box]]]) -> list[Entry]:
    """Claims in different sector schemes cannot be compared: where their other dimensions
    meet, the overlap is `unknown` (a crosswalk is needed), never a silent "no overlap"."""
    if len(by_scheme) < 2:
        return []
    claims = model.claims
    region_chain = model.regions.chain
    ordered = sorted(by_scheme, key=lambda s: (-len(by_scheme[s]), s))
    majority = ordered[0]
    everything = [item for scheme in ordered for item in by_scheme[scheme]]
    indexed = [(region_chain(b[1][0]), tree_chain(b[2][0])) for _, b in everything]
    queries = [item for scheme in ordered[1:] for item in by_scheme[scheme]]
    query_keys = [(region_chain(b[1][0]), tree_chain(b[2][0])) for _, b in queries]
    pairs: dict[tuple[int, int], list[tuple[Box, Box]]] = defaultdict(list)
    base = len(by_scheme[majority])  # queries are `everything` after the majority scheme
    for q, i in cross_pairs(indexed, query_keys):
        cq, bq = queries[q]
        ci, bi = everything[i]
        a, b = claims[cq], claims[ci]
        if a.scheme == b.scheme or a.member == b.member or bq[3] >= bi[4] or bi[3] >= bq[4]:
            continue
        # Pairs of two minority-scheme boxes are found from both sides: keep one.
        if b.scheme != majority and i < base + q:
            continue
        if a.member < b.member:
            pairs[(cq, ci)].append((bq, bi))
        else:
            pairs[(ci, cq)].append((bi, bq))
    entries = []
    chains = model.chains
    for (ca, cb), box_pairs in pairs.items():
        a, b = claims[ca], claims[cb]
        crossed = _crosswalked(model, a, b)
        if crossed is not None:
            if crossed:
                entries.append(Entry((a.member, b.member), (a, b), crossed))
            continue
        meets = []
        for ba, bb in box_pairs:
            m = box_intersect(chains, (ROOT_SET, ba[1], ba[2], ba[3], ba[4]), (ROOT_SET, bb[1], bb[2], bb[3], bb[4]))
            if m is not None:
                meets.append(m)
        if not meets:
            continue
        boxes = disjoint_union(chains, sorted(set(meets)))
        merged = _merge_boxes(chains, boxes)
        pieces = tuple(
            sorted(
                (Piece("unknown", None, None, box, (a.scheme, b.scheme)) for box in merged),
                key=lambda p: p.sort_key,
            )
        )
        entries.append(Entry((a.member, b.member), (a, b), pieces))
    return entries


def _translate(model: Model, claim: Claim, scheme: str) -> list[Box] | None:
    """A claim's boxes with each sector mapped into `scheme` through the `maps_to` crosswalk of
    its node or nearest mapped ancestor (a mapped ancestor over-approximates: conservative), or
    None when some sector has no mapping."""
    taxonomy = model.taxonomies.get(claim.scheme)
    target = model.taxonomies.get(scheme)
    if taxonomy is None:
        return None
    out: list[Box] = []
    for box in claim.boxes:
        nodes: list[str] = []
        for node in reversed(tree_chain(box[0][0])):
            nodes = [path for other, path in taxonomy.maps_to(node) if other == scheme]
            if nodes:
                break
        if not nodes:
            return None
        for node in nodes:
            canonical = (target.resolve(node) if target else None) or node
            out.append(((canonical, NO_EXCEPT), box[1], box[2], box[3], box[4]))
    return out


def _crosswalked(model: Model, a: Claim, b: Claim) -> tuple[Piece, ...] | None:
    """The labelled pieces of two claims in different schemes that a `maps_to` crosswalk makes
    comparable (one claim translated into the other's scheme); () when the crosswalk shows
    they do not meet; None when there is no crosswalk."""
    chains = model.chains
    for source, other in ((a, b), (b, a)):
        translated = _translate(model, source, other.scheme)
        if translated is None:
            continue
        meets = []
        for x in translated:
            for y in other.boxes:
                m = box_intersect(chains, x, y)
                if m is not None:
                    meets.append(m)
        if not meets:
            return ()
        intra = model.intra_periods(a.member, b.member)
        scheme_ok = other.scheme == model.settings.sector_scheme
        agreements = model.pair_agreements(a.member, b.member) if intra != ALWAYS and scheme_ok else []
        return tuple(_label(model, intra, agreements, meets))
    return None


__all__ = ["analyse", "compute", "label", "merge", "model_for"]
