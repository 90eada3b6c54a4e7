"""Overlaps between members' declared focus areas (docs/design/overlaps.md), and the consistency of allocations."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence

from qtgov.findings import Finding, Related, Severity
from qtgov.messages import joined, msg
from qtgov.overlaps import TO_COORDINATE, model_for
from qtgov.overlaps.boxes import Contest, contested
from qtgov.overlaps.engine import compute
from qtgov.overlaps.geometry import Box, box_intersect, box_text, period_text
from qtgov.overlaps.model import Agreement, Allocation, Claim, Location, Model, boxes_chains, collector_paused
from qtgov.overlaps.pairs import cross_pairs, related_pairs
from qtgov.records.index import Index
from qtgov.rules import rule

OVERLAPS = "overlaps"
MAX_LISTED = 3
#: Other members named in an `overlap` finding, and declared focus areas it points at.
MAX_NAMED = 5
MAX_RELATED = 5


def _pointer_claim(claim: Claim) -> str:
    return f"/claims/{claim.position}/sector"


def _pointer_allocation(allocation: Allocation) -> str:
    return f"/terms/allocations/{allocation.position}"


def _related(location: Location, message: str) -> Related:
    return Related(location.path, location.line, location.column, message)


def _severity(index: Index) -> Severity:
    try:
        return Severity.parse(index.settings.overlaps_severity)
    except KeyError:
        return Severity.WARNING


def _listed(texts: Sequence[str]) -> str:
    shown = joined("; ", texts[:MAX_LISTED])
    more = len(texts) - MAX_LISTED
    return msg("{shown}; and {more} more", shown=shown, more=more) if more > 0 else shown


def _allocation_note(position: int, agreement: str) -> str:
    """`allocation 2 of 'ag-x'` (1-based, as a reader counts the list)."""
    return msg("allocation {n} of {agreement}", n=position + 1, agreement=repr(agreement))


def _entered(model: Model, claim: Claim) -> tuple[int, int, str, str]:
    """Who entered a box last: latest member `joined`, then latest claim start, member, claim id."""
    start = min((box[3] for box in claim.boxes), default=0)
    return (model.joined.get(claim.member, 0), start, claim.member, claim.id)


def _claim_related(claim: Claim) -> Related:
    text = msg("{member}'s declared focus area {claim}", member=claim.member, claim=repr(claim.id))
    return _related(claim.location, text)


def _pair_why(label: str, agreement: str | None, holder: str | None) -> str:
    if label == "conflict":
        return msg("an overlap to coordinate that no agreement between them covers yet")
    if label == "pending":
        return msg("covered only by agreement {agreement}, which is not executed yet", agreement=repr(agreement))
    return msg(
        "allocated to {holder} by agreement {agreement}, which resolves nothing "
        "until counsel approves its legal_review",
        holder=holder,
        agreement=repr(agreement),
    )


def _pair_message(mine: Claim, other: Claim, where: str, why: str, label: str) -> str:
    return msg(
        "declared focus area {id} of {member} overlaps {member2}'s {id2} on {where}: {why} ({label})",
        id=repr(mine.id),
        member=mine.member,
        member2=other.member,
        id2=repr(other.id),
        where=where,
        why=why,
        label=label,
    )


def _names(members: Sequence[str]) -> str:
    shown = ", ".join(members[:MAX_NAMED])
    more = len(members) - MAX_NAMED
    return msg("{names} and {count} more", names=shown, count=more) if more > 0 else shown


def _box_finding(contest: Contest, severity: Severity) -> Finding:
    mine, others = contest.claims[0], contest.claims[1:]
    where = box_text(contest.box)
    if len(others) == 1:
        ((_, label, cover),) = contest.pairs()
        why = _pair_why(
            label,
            cover.agreement.id if cover else None,
            cover.allocation.holder if cover else None,
        )
        message = _pair_message(mine, others[0], where, why, label)
    else:
        if contest.covers:
            listed = ", ".join(f"{c.agreement.id!r} ({c.allocation.label})" for c in contest.covers)
            reasons = [msg("agreements cover it only for some pairs of them: {listed}", listed=listed)]
        else:
            reasons = [msg("no agreement between them covers it yet")]
        if contest.intra:
            reasons.append(msg("pairs within one control group need nothing"))
        message = msg(
            "declared focus area {id} of {member} meets those of {count} other members on {where} ({names}): "
            "{why} ({label}); `qtgov overlaps --member {member}` lists every pair",
            id=repr(mine.id),
            member=mine.member,
            count=len(others),
            where=where,
            names=_names([c.member for c in others]),
            why=joined("; ", reasons),
            label=contest.label,
        )
    return check_overlap.finding(
        mine.location.path,
        mine.location.line,
        mine.location.column,
        message,
        pointer=_pointer_claim(mine),
        related=[_claim_related(c) for c in others[:MAX_RELATED]],
        severity=severity,
    )


def _collected(check: Callable[[Index], Iterator[Finding]]) -> Callable[[Index], Iterator[Finding]]:
    """Run a rule to its end with the cyclic collector paused, then hand its findings on. These
    rules allocate many small objects on top of a large index; with the collector running, a
    full collection over the index lands in whichever rule allocates at the wrong moment (at
    10,000 members one rule took 0.45 s in one run and 3.2 s in the next)."""

    @functools.wraps(check)
    def run(index: Index) -> Iterator[Finding]:
        with collector_paused():
            found = list(check(index))
        yield from found

    return run


@rule("overlap", Severity.WARNING, "Overlaps to coordinate between declared focus areas", OVERLAPS)
@_collected
def check_overlap(index: Index) -> Iterator[Finding]:
    """
    **What it shows.** Members list their declared focus areas (`claims` in their member
    file): sectors × regions × customer segments × a period. Where the declared focus areas of
    two or more members meet — one sector is the other or contains it, likewise the regions and
    the segments, and the periods share a day — they have overlaps to coordinate. That is not a
    verdict and not a breach of anything: it tells the members where to talk.

    Each pair of members in such a box gets a label from the agreements both are parties to
    (executed ones first, latest effective first; drafts last):

    - `conflict` — no agreement covers it yet;
    - `pending` — only a draft or proposed agreement covers it (the finding names it);
    - `blocked-review` — an executed allocation gives it to one member, but counsel has not
      approved the agreement's `legal_review`, so it resolves nothing yet.

    Pairs labelled `resolved`, `shared` or `intra-group` need nothing. There is **one finding
    per box** (a sector, a region and a segment of the taxonomy, over a period in which the
    same members are there and the same agreements apply) where some pair still has to
    coordinate; the box takes the worst label of its pairs (`conflict`, then `blocked-review`,
    then `pending`). The finding sits on the declared focus area of the member that entered the
    box last (the latest to join, then the latest claim), so the change that creates an
    overlap shows it on its own file; it names the other members and points at up to five of
    their declared focus areas. A box that says no more than a coarser one is left to the
    coarser one. Its severity is `overlaps.severity` in `charter/alliance.yaml` (a warning
    unless the alliance chose error).

    **What to do.** Talk to the other members. Often all can operate: record a
    `market-boundary` agreement with `holder: shared` and a `cooperation` note. Or narrow a
    declared focus area (a segment, a region, a period). An allocation to one member is a
    restraint between potential competitors: read R1 first and have counsel review it.
    `qtgov overlaps --member ID` prints every pair of that member with its pieces, the table to
    hand to the members concerned.
    """
    severity = _severity(index)
    model = model_for(index)
    for contest in contested(model):
        yield _box_finding(contest, severity)
    # Declared focus areas outside the alliance's sector scheme are compared pair by pair
    # (rare; a crosswalk or a scheme of their own), and reported the same way for two members.
    for entry in compute(model, foreign=True):
        mine, other = sorted(entry.claims, key=lambda c: _entered(model, c), reverse=True)
        for piece in entry.pieces:
            if piece.label not in TO_COORDINATE:
                continue
            why = _pair_why(piece.label, piece.agreement, piece.holder)
            yield check_overlap.finding(
                mine.location.path,
                mine.location.line,
                mine.location.column,
                _pair_message(mine, other, piece.text(), why, piece.label),
                pointer=_pointer_claim(mine),
                related=[_claim_related(other)],
                severity=severity,
            )


@rule("overlap-unknown", Severity.WARNING, "Declared focus areas in different sector schemes", OVERLAPS)
@_collected
def check_overlap_unknown(index: Index) -> Iterator[Finding]:
    """
    **What it shows.** Two members have declared focus areas that meet in region, segment and
    period, but in different sector schemes (say one uses the national industry classification
    and the other the alliance's own tree). qtgov cannot tell whether the sectors meet, so the
    sector of the overlap is *unknown*: it never pretends there are no overlaps to coordinate.

    **What to do.** Declare the focus area in the alliance's sector scheme, or have the
    secretariat add `maps_to` crosswalk entries to the taxonomy nodes concerned so the two
    schemes can be compared.
    """
    for entry in compute(model_for(index), foreign=True):
        if not entry.unknown:
            continue
        where = _listed([p.text() for p in entry.pieces])
        for side in (0, 1):
            mine, other = entry.claims[side], entry.claims[1 - side]
            yield check_overlap_unknown.finding(
                mine.location.path,
                mine.location.line,
                mine.location.column,
                msg(
                    "declared focus area {id} (scheme {scheme}) and {member}'s {id2} (scheme {scheme2}) meet in "
                    "region, segment and period ({where}) but their sectors cannot be compared: use one scheme or "
                    "add a maps_to crosswalk",
                    id=repr(mine.id),
                    scheme=repr(mine.scheme),
                    member=other.member,
                    id2=repr(other.id),
                    scheme2=repr(other.scheme),
                    where=where,
                ),
                pointer=_pointer_claim(mine),
                related=[_claim_related(other)],
            )


# ------------------------------------------------------------------------ allocations


def _in_force(model: Model) -> list[Agreement]:
    return [ag for ag in model.agreements if ag.executed and ag.interval is not None]


def _allocation_boxes(agreements: Sequence[Agreement]) -> list[tuple[Agreement, Allocation, Box]]:
    return [(ag, al, box) for ag in agreements for al in ag.allocations for box in al.boxes]


def _holder_text(allocation: Allocation) -> str:
    return "shared" if allocation.holder is None else allocation.holder


@rule(
    "claim-allocated-elsewhere",
    Severity.WARNING,
    "A declared focus area includes a box allocated to another member",
    OVERLAPS,
)
@_collected
def check_claim_allocated_elsewhere(index: Index) -> Iterator[Finding]:
    """
    **What it shows.** A member is party to an executed agreement that allocates a box (sector ×
    region × segment × period) to another member, yet one of its own declared focus areas still
    includes that box while the agreement is in force. The records then say two different
    things about the same market.

    **What to do.** Narrow the declared focus area (another segment, fewer regions, a period that
    ends when the allocation starts), or, if both really operate there, amend the agreement to
    `holder: shared`.
    """
    model = model_for(index)
    items = _allocation_boxes(_in_force(model))
    items = [item for item in items if item[1].holder is not None]
    # Only members bound by an allocation to someone else can have a claim to report.
    bound = {
        member for agreement, allocation, _ in items for member in agreement.parties if member != allocation.holder
    }
    scheme = model.settings.sector_scheme
    claim_boxes = [
        (claim, box)
        for claim in model.claims
        if claim.member in bound and claim.scheme == scheme
        for box in claim.boxes
    ]
    hits: dict[tuple[int, str, int], list[str]] = defaultdict(list)
    subjects: dict[tuple[int, str, int], tuple[Claim, Agreement, Allocation]] = {}
    claim_pos = {id(claim): n for n, claim in enumerate(model.claims)}
    allocation_chains = boxes_chains(model, [b for *_, b in items])
    for q, i in cross_pairs(allocation_chains, boxes_chains(model, [b for _, b in claim_boxes])):
        agreement, allocation, cover = items[i]
        claim, box = claim_boxes[q]
        if claim.member == allocation.holder or claim.member not in agreement.parties:
            continue
        meet = box_intersect(model.chains, box, cover)
        if meet is None:
            continue
        key = (claim_pos[id(claim)], agreement.id, allocation.position)
        hits[key].append(box_text(meet))
        subjects[key] = (claim, agreement, allocation)
    for key in sorted(hits):
        claim, agreement, allocation = subjects[key]
        assert allocation.holder is not None
        interval = agreement.interval or (0, 0)
        yield check_claim_allocated_elsewhere.finding(
            claim.location.path,
            claim.location.line,
            claim.location.column,
            msg(
                "declared focus area {id} of {member} still includes {listed}, allocated to {holder} by agreement "
                "{id2} (in force {period_text}); narrow the focus area or record why both operate there",
                id=repr(claim.id),
                member=claim.member,
                listed=_listed(sorted(set(hits[key]))),
                holder=allocation.holder,
                id2=repr(agreement.id),
                period_text=period_text(*interval),
            ),
            pointer=_pointer_claim(claim),
            related=[
                _related(
                    allocation.location,
                    msg(
                        "the allocation to {holder} in {agreement}",
                        holder=allocation.holder,
                        agreement=repr(agreement.id),
                    ),
                )
            ],
        )


@rule("allocation-self-overlap", Severity.ERROR, "Allocations inside one agreement overlap", OVERLAPS)
@_collected
def check_allocation_self_overlap(index: Index) -> Iterator[Finding]:
    """
    **What it shows.** Two allocations of one `market-boundary` agreement cover a common box
    (sector × region × segment × period). The agreement then does not say unambiguously who
    holds that box, and the order of the list would silently decide it.

    **What to do.** Make the allocations disjoint: narrow one of them (another segment, other
    regions, other dates) so that every box has one holder.
    """
    model = model_for(index)
    chains = model.chains
    for agreement in model.agreements:
        items = [(al, box) for al in agreement.allocations for box in al.scope_boxes]
        if len(agreement.allocations) < 2:
            continue
        found: dict[tuple[int, int], list[str]] = defaultdict(list)
        for i, j in related_pairs(boxes_chains(model, [b for _, b in items])):
            (a, ba), (b, bb) = items[i], items[j]
            if a.position == b.position:
                continue
            meet = box_intersect(chains, ba, bb)
            if meet is not None:
                first, second = (a, b) if a.position < b.position else (b, a)
                found[(first.position, second.position)].append(box_text(meet))
        by_position = {al.position: al for al in agreement.allocations}
        for (p1, p2), texts in sorted(found.items()):
            first, second = by_position[p1], by_position[p2]
            yield check_allocation_self_overlap.finding(
                second.location.path,
                second.location.line,
                second.location.column,
                msg(
                    "allocation {value} (holder {second}) overlaps allocation {value2} (holder {first}) of {id} on "
                    "{listed}",
                    value=p2 + 1,
                    second=_holder_text(second),
                    value2=p1 + 1,
                    first=_holder_text(first),
                    id=repr(agreement.id),
                    listed=_listed(sorted(set(texts))),
                ),
                pointer=_pointer_allocation(second),
                related=[_related(first.location, _allocation_note(p1, agreement.id))],
            )


@rule("allocation-contradiction", Severity.ERROR, "Two agreements in force allocate the same box differently", OVERLAPS)
@_collected
def check_allocation_contradiction(index: Index) -> Iterator[Finding]:
    """
    **What it shows.** Two agreements in force at the same time allocate a common box (sector ×
    region × segment × period) to different holders (or one shares it and the other gives it to
    one member). The alliance's market map then has two answers for that box.

    **What to do.** Amend one agreement (a new file with `amends:`) so the allocations no longer
    meet, or terminate the one that no longer applies.
    """
    model = model_for(index)
    chains = model.chains
    items = _allocation_boxes(_in_force(model))
    found: dict[tuple[tuple[str, int], tuple[str, int]], list[str]] = defaultdict(list)
    subjects: dict[tuple[str, int], tuple[Agreement, Allocation]] = {}
    for i, j in related_pairs(boxes_chains(model, [b for *_, b in items])):
        (ag_a, al_a, box_a), (ag_b, al_b, box_b) = items[i], items[j]
        if ag_a.id == ag_b.id or al_a.holder == al_b.holder:
            continue
        meet = box_intersect(chains, box_a, box_b)
        if meet is None:
            continue
        ka, kb = (ag_a.id, al_a.position), (ag_b.id, al_b.position)
        subjects[ka], subjects[kb] = (ag_a, al_a), (ag_b, al_b)
        found[(min(ka, kb), max(ka, kb))].append(box_text(meet))
    for (ka, kb), texts in sorted(found.items()):
        where = _listed(sorted(set(texts)))
        for mine_key, other_key in ((ka, kb), (kb, ka)):
            ag, al = subjects[mine_key]
            other_ag, other_al = subjects[other_key]
            yield check_allocation_contradiction.finding(
                al.location.path,
                al.location.line,
                al.location.column,
                msg(
                    "{id} allocates {where} to {al}, but {id2} (in force at the same time) allocates it to {other_al}",
                    id=repr(ag.id),
                    where=where,
                    al=_holder_text(al),
                    id2=repr(other_ag.id),
                    other_al=_holder_text(other_al),
                ),
                pointer=_pointer_allocation(al),
                related=[_related(other_al.location, _allocation_note(other_al.position, other_ag.id))],
            )


@rule("allocation-pre-emptive", Severity.INFO, "An allocation that touches no current overlap", OVERLAPS)
@_collected
def check_allocation_pre_emptive(index: Index) -> Iterator[Finding]:
    """
    **What it shows.** An allocation to one member covers no part of any overlap between the
    declared focus areas of the agreement's parties: it divides a market before anyone has a
    conflict there. Such pre-emptive allocations are the riskiest kind of market boundary (see
    R1): they look like dividing markets rather than settling overlaps to coordinate.

    **What to do.** Check that the allocation is needed. If the parties want to cooperate, prefer
    `holder: shared`; if a member has a real plan there, declare it as a focus area so the
    overlap is on record; otherwise drop the allocation.
    """
    model = model_for(index)
    chains = model.chains
    candidates = [
        ag
        for ag in model.agreements
        if ag.status != "terminated" and any(al.holder is not None and al.boxes for al in ag.allocations)
    ]
    wanted = frozenset((a, b) for ag in candidates for a in ag.parties for b in ag.parties if a < b)
    pieces: dict[tuple[str, str], list[Box]] = defaultdict(list)
    # Only the pairs bound by such an agreement are analysed (a few), never every pair.
    for entry in compute(model, pairs=wanted) if wanted else ():
        pieces[entry.members].extend(p.box for p in entry.pieces if p.label != "unknown")
    for agreement in candidates:
        parties = sorted(agreement.parties)
        pair_boxes = [box for x, a in enumerate(parties) for b in parties[x + 1 :] for box in pieces.get((a, b), ())]
        for allocation in agreement.allocations:
            if allocation.holder is None or not allocation.boxes:
                continue
            if any(box_intersect(chains, cover, box) for cover in allocation.boxes for box in pair_boxes):
                continue
            yield check_allocation_pre_emptive.finding(
                allocation.location.path,
                allocation.location.line,
                allocation.location.column,
                msg(
                    "allocation {value} of {id} gives a box to {holder} where the parties' declared focus areas do "
                    "not overlap: a pre-emptive allocation (see R1)",
                    value=allocation.position + 1,
                    id=repr(agreement.id),
                    holder=allocation.holder,
                ),
                pointer=_pointer_allocation(allocation),
            )
