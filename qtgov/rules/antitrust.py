"""Antitrust risk flags R1–R9 (docs/design/antitrust.md); R10, on joint bids, is in qtgov/rules/projects.py.

Every flag carries a risk level at the start of its message (`HIGH risk: …`, `MEDIUM risk: …`,
`INFO: …`). HIGH and MEDIUM are warnings and INFO is information; with `legal.strict: true` a
HIGH flag on an agreement without an approved legal review is an error. A flag on an agreement
whose review is approved stays shown, with "acknowledged: reviewed by <counsel> on <date>".
Flags are computed for agreements whose status is not cancelled or rejected.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from qtgov.dates import ONE_DAY, add_duration, add_months, parse_date, parse_duration
from qtgov.economics import ownership
from qtgov.economics.ownership import ControlTimeline
from qtgov.findings import Finding, Severity
from qtgov.messages import joined, msg
from qtgov.overlaps.geometry import NEG, POS
from qtgov.overlaps.geometry import day as ordinal_day
from qtgov.overlaps.model import coverage_interval
from qtgov.records.agreements import effective_date, term_end, termination_end
from qtgov.records.index import Index, Record, party_ids
from qtgov.records.schemas import sensitive_paths
from qtgov.records.trees import Taxonomy, path_is_ancestor_or_self, text_in
from qtgov.rules import Rule, rule

ANTITRUST = "antitrust"

INACTIVE_STATUSES = ("cancelled", "rejected")
APPROVED_REVIEWS = ("approved", "approved_with_conditions")


class Risk(enum.Enum):
    HIGH = "HIGH risk"
    MEDIUM = "MEDIUM risk"
    INFO = "INFO"


_RISK_WORDS = {Risk.HIGH: msg("HIGH risk"), Risk.MEDIUM: msg("MEDIUM risk"), Risk.INFO: msg("INFO")}


@dataclass(frozen=True)
class Flag:
    """One risk flag before it becomes a finding: where, how risky, and why."""

    risk: Risk
    path: tuple[str | int, ...]
    message: str
    key: bool = False  # locate at the key holding `path` rather than at its value


def _pointer(path: Iterable[str | int]) -> str:
    return "".join(f"/{p}" for p in path)


def _active(index: Index) -> Iterator[Record]:
    for agreement in sorted(index.agreements.values(), key=lambda r: r.id):
        if agreement.get("status") not in INACTIVE_STATUSES:
            yield agreement


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _terms(agreement: Record) -> dict[str, Any]:
    return _dict(agreement.get("terms"))


# ------------------------------------------------------------------------ legal review


def _approved_review(index: Index, agreement: Record) -> tuple[str, str] | None:
    """(counsel name, date) of an approved review that counts, or None.

    A review counts when its status is approved (with or without conditions), it pins the
    current content hash, and its reviewer is one of the alliance's `legal.counsel` (review is
    counsel's act, docs/design/antitrust.md)."""
    review = agreement.get("legal_review")
    if not isinstance(review, dict) or review.get("status") not in APPROVED_REVIEWS:
        return None
    counsel = index.settings.counsel_by_id().get(review.get("reviewer", ""))
    if counsel is None:
        return None
    if review.get("content_sha256") != agreement.content_sha256:
        return None
    lang = index.settings.languages[0] if index.settings.languages else None
    name = text_in(counsel.get("name"), lang, str(review.get("reviewer")))
    return name, str(review.get("date") or "an unrecorded date")


def _emit(
    check: Rule, index: Index, agreement: Record, flags: Iterable[Flag], *, acknowledge: bool = True
) -> Iterator[Finding]:
    """Turn flags into findings: severity from the risk level, legal.strict and the review."""
    flags = list(flags)
    if not flags:
        return
    approved = _approved_review(index, agreement) if acknowledge else None
    for flag in flags:
        strict: str = ""
        if flag.risk is Risk.INFO:
            severity = Severity.INFO
        elif approved is not None:
            severity = Severity.WARNING
        elif flag.risk is Risk.HIGH and index.settings.legal_strict:
            severity = Severity.ERROR
            strict = msg(" (legal.strict: an error until counsel approves a legal review of this content)")
        else:
            severity = Severity.WARNING
        ack: str = ""
        if approved is not None:
            ack = msg("; acknowledged: reviewed by {reviewer} on {day}", reviewer=approved[0], day=approved[1])
        message = msg(
            "{risk}: {message}{strict}{ack}", risk=_RISK_WORDS[flag.risk], message=flag.message, strict=strict, ack=ack
        )
        mark = agreement.key_mark(*flag.path) if flag.key else agreement.mark(*flag.path)
        yield check.finding(
            agreement.path, mark.line, mark.column, message, pointer=_pointer(flag.path), severity=severity
        )


# ------------------------------------------------------------------ groups and sectors


def _allocation_days(index: Index, agreement: Record, scope: dict[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    """The days `[start, end)` an allocation restrains: the agreement's time in force (stated
    dates for drafts) within the scope's own period. A start of None is not known yet (a draft
    that starts on execution); an end of None is open."""
    start, end = NEG, POS
    interval = coverage_interval(agreement, index)
    if interval is not None:
        start, end = interval
    period = _dict(scope.get("period"))
    if (p_start := parse_date(period.get("start"))) is not None:
        start = max(start, p_start.toordinal())
    if (p_end := parse_date(period.get("end"))) is not None:
        end = min(end, p_end.toordinal() + 1)
    if start >= end:
        return None, None  # never applies: judge it as if it always did
    return ordinal_day(start), ordinal_day(end)


def _one_unit(control: ControlTimeline, a: str, b: str, start: dt.date | None, end: dt.date | None) -> bool:
    """Whether `a` and `b` are one control group on every day of `[start, end)`. A draft that
    starts on execution has no start yet: it cannot start before today's records are signed,
    so it is judged by its end, and judged again once it is executed with a date."""
    if start is not None:
        return control.together_throughout(a, b, start, end)
    return any(e is None or (end is not None and end <= e) for _s, e in control.together(a, b))


def _together_text(control: ControlTimeline, a: str, b: str) -> str:
    """When `a` and `b` are one control group, in words ("from 2030-01-01"), or ""."""
    parts = []
    for start, end in control.together(a, b):
        last = (end - ONE_DAY).isoformat() if end else ""
        parts.append(f"from {start.isoformat()}" if end is None else f"{start.isoformat()}…{last}")
    return ", ".join(parts)


class _FocusAreas:
    """The sector paths of each member's declared focus areas, by scheme (retired paths
    resolved), computed once per check run."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.taxonomies = {scheme: Taxonomy.from_data(r.data) for scheme, r in index.taxonomies.items()}
        self.cache: dict[str, dict[str, set[str]]] = {}

    def sectors(self, member: str) -> dict[str, set[str]]:
        if member not in self.cache:
            self.cache[member] = self._sectors(member)
        return self.cache[member]

    def _sectors(self, member: str) -> dict[str, set[str]]:
        record = self.index.members.get(member)
        out: dict[str, set[str]] = {}
        if record is None:
            return out
        for claim in record.get("claims") or []:
            if not isinstance(claim, dict):
                continue
            scheme = claim.get("scheme") or self.index.settings.sector_scheme
            taxonomy = self.taxonomies.get(scheme)
            for path in claim.get("sector") or []:
                if isinstance(path, str):
                    resolved = taxonomy.resolve(path) if taxonomy is not None else None
                    out.setdefault(scheme, set()).add(resolved or path)
        return out


def _truncate(path: str, depth: int) -> str:
    return path if path == "*" else "/".join(path.split("/")[:depth])


def _shared_sector(a: dict[str, set[str]], b: dict[str, set[str]], depth: int) -> str | None:
    """A sector both members declare focus areas in at `depth` (compared by path segment), or
    None. `*` relates to everything; a shallower path relates to the deeper paths under it."""
    for scheme in sorted(set(a) & set(b)):
        for pa in sorted(a[scheme]):
            for pb in sorted(b[scheme]):
                ta, tb = _truncate(pa, depth), _truncate(pb, depth)
                if path_is_ancestor_or_self(ta, tb):
                    return tb
                if path_is_ancestor_or_self(tb, ta):
                    return ta
    return None


def _competition(focus: _FocusAreas, a: str, b: str) -> tuple[Risk, str]:
    """R1's competitor test for two members of different control groups."""
    depth = focus.index.settings.competitor_depth
    sa, sb = focus.sectors(a), focus.sectors(b)
    for member, sectors in ((a, sa), (b, sb)):
        if not sectors:
            return Risk.HIGH, (
                msg(
                    "{member} has no declared focus areas, so nothing shows that it does not compete with the other",
                    member=member,
                )
            )
    if not set(sa) & set(sb):
        return Risk.HIGH, (
            msg(
                "{a} and {b} declare focus areas in different sector schemes, so they cannot be told apart from "
                "competitors (add a maps_to crosswalk)",
                a=a,
                b=b,
            )
        )
    shared = _shared_sector(sa, sb, depth)
    if shared is not None:
        return Risk.HIGH, (
            msg(
                "{a} and {b} are potential competitors: their declared focus areas share the sector {shared} "
                "(competitor_depth {depth})",
                a=a,
                b=b,
                shared=shared,
                depth=depth,
            )
        )
    return Risk.MEDIUM, (
        msg(
            "{a} and {b} declare focus areas in different sectors at competitor_depth {depth}, but an allocation "
            "still restrains where each may operate",
            a=a,
            b=b,
            depth=depth,
        )
    )


def _scope_text(scope: dict[str, Any]) -> str:
    def dim(key: str) -> str:
        values = scope.get(key)
        return ",".join(str(v) for v in values) if isinstance(values, list) and values else "*"

    text = f"{dim('sector')} × {dim('region')} × {dim('segment')}"
    period = scope.get("period")
    if isinstance(period, dict) and period.get("start"):
        text += f" × {period.get('start')}…{period.get('end') or ''}"
    return text


# ------------------------------------------------------------------------ flag builders


def _r1_flags(focus: _FocusAreas, agreement: Record, control: ControlTimeline) -> list[Flag]:
    if agreement.get("type") != "market-boundary":
        return []
    parties = party_ids(agreement)
    flags = []
    for i, allocation in enumerate(_terms(agreement).get("allocations") or []):
        if not isinstance(allocation, dict):
            continue
        holder = allocation.get("holder")
        if not isinstance(holder, str) or holder == "shared":
            continue
        scope = _dict(allocation.get("scope"))
        # One control group on every day the allocation restrains: a single economic unit, not an
        # agreement between competitors. Control acquired later (or lost) leaves days that count.
        start, end = _allocation_days(focus.index, agreement, scope)
        restrained = [p for p in parties if not _one_unit(control, p, holder, start, end)]
        if not restrained:
            continue
        verdicts = [_competition(focus, holder, other) for other in restrained]
        risk = Risk.HIGH if any(v[0] is Risk.HIGH for v in verdicts) else Risk.MEDIUM
        reason = next(v[1] for v in verdicts if v[0] is risk)
        partly = [f"{p} {text}" for p in restrained if (text := _together_text(control, p, holder))]
        if partly:
            reason = msg(
                "{reason} (in one control group with {holder} only on some of those days: {days})",
                reason=reason,
                holder=holder,
                days="; ".join(partly),
            )
        flags.append(
            Flag(
                risk,
                ("terms", "allocations", i, "holder"),
                msg(
                    "horizontal allocation: {scope} is reserved to {holder}, restraining {restrained}; {reason}. "
                    "Prefer holder: shared with a cooperation note, and have counsel review any allocation that "
                    "remains",
                    scope=_scope_text(scope),
                    holder=holder,
                    restrained=", ".join(restrained),
                    reason=reason,
                ),
            )
        )
    return flags


def _restraint_length(agreement: Record) -> tuple[str, tuple[str | int, ...]]:
    """How long a non-solicit lasts compared with 12 months — `within`, `longer`, `open` (no end)
    or `unknown` (an end date but no start yet) — and the field that says so: `terms.duration`,
    else `terms.period`, else the agreement's own term."""
    terms = _terms(agreement)
    period = _dict(terms.get("period"))
    agreement_start = effective_date(agreement)
    start = parse_date(period.get("start")) or agreement_start

    def compare(
        begin: dt.date | None, end_exclusive: dt.date | None, where: tuple[str | int, ...]
    ) -> tuple[str, tuple[str | int, ...]]:
        if begin is None or end_exclusive is None:
            return "unknown", where
        return ("longer" if end_exclusive > add_months(begin, 12) else "within"), where

    anchor = start or dt.date(2001, 1, 1)  # any day serves to compare a duration with 12 months
    duration = parse_duration(terms.get("duration"))
    if duration is not None:
        return compare(anchor, add_duration(anchor, duration), ("terms", "duration"))
    end = parse_date(period.get("end"))
    if end is not None:
        return compare(start, end + ONE_DAY, ("terms", "period", "end"))
    term = _dict(agreement.get("term"))
    renewal = _dict(agreement.get("renewal"))
    termination = termination_end(agreement)
    if agreement_start is not None:
        agreement_end = term_end(agreement, agreement_start)
        # termination_end: the day after termination.date, its last day in force.
        if termination and (agreement_end is None or termination < agreement_end):
            agreement_end = termination
        if agreement_end is not None:
            return compare(start, agreement_end, ("term",))
    elif not renewal.get("auto"):
        term_duration = parse_duration(term.get("duration"))
        if term_duration is not None:
            return compare(anchor, add_duration(anchor, term_duration), ("term", "duration"))
        if term.get("end"):
            return "unknown", ("term", "end")
    return "open", (("terms", "period") if period else ("terms", "kind"))


def _ancillary(agreement: Record) -> bool:
    antitrust = _dict(agreement.get("antitrust"))
    return bool(_terms(agreement).get("ancillary_to") or antitrust.get("ancillary_to"))


def _r3_flags(agreement: Record) -> list[Flag]:
    terms = _terms(agreement)
    if agreement.get("type") != "talent" or terms.get("kind") != "non-solicit":
        return []
    reasons: list[tuple[tuple[str | int, ...], str]] = []
    covered = terms.get("covered")
    if covered is None or covered == "all":
        where: tuple[str | int, ...] = ("terms", "covered") if covered == "all" else ("terms", "kind")
        reasons.append((where, msg("it covers all employees (name the roles or teams instead)")))
    if not _ancillary(agreement):
        reasons.append((("terms", "kind"), msg("it is not ancillary to another agreement (set ancillary_to)")))
    length, length_at = _restraint_length(agreement)
    if length == "open":
        reasons.append((length_at, msg("it has no end (give a period or duration of at most 12 months)")))
    elif length == "unknown":
        reasons.append((length_at, msg("its length cannot be told until its start is known")))
    elif length == "longer":
        reasons.append((length_at, msg("it lasts longer than 12 months")))
    if reasons:
        return [
            Flag(
                Risk.HIGH,
                reasons[0][0],
                msg(
                    "no-poach: a non-solicit between employers where {reasons}",
                    reasons=joined("; ", (r[1] for r in reasons)),
                ),
            )
        ]
    return [
        Flag(
            Risk.MEDIUM,
            ("terms", "covered"),
            msg(
                "no-poach: a non-solicit naming roles or teams, ancillary and at most 12 months long; "
                "keep it no wider than the collaboration it protects"
            ),
        )
    ]


def _r4_flags(agreement: Record) -> list[Flag]:
    terms = _terms(agreement)
    if agreement.get("type") != "revenue-share" or "pricing_authority" not in terms:
        return []
    if terms.get("pricing_authority") == "owner":
        return []
    return [
        Flag(
            Risk.HIGH,
            ("terms", "pricing_authority"),
            msg(
                "price coordination: prices are set by the {get}, not by each course's owner; let each owner set its "
                "own prices (pricing_authority: owner)",
                get=terms.get("pricing_authority"),
            ),
        )
    ]


def _present(data: Any, path: tuple[str, ...], prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Concrete paths in `data` matching a schema path (`*` = every array item)."""
    if not path:
        yield prefix
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from _present(item, rest, (*prefix, i))
    elif isinstance(data, dict) and head in data:
        yield from _present(data[head], rest, (*prefix, head))


def _r5_flags(record: Record, sensitive: list[tuple[str, ...]]) -> list[Flag]:
    visibility = record.get("visibility")
    if visibility not in ("public", "alliance"):
        return []  # restricted records carry no terms (visibility-restricted)
    risk = Risk.HIGH if visibility == "public" else Risk.MEDIUM
    readers = msg("everyone") if visibility == "public" else msg("every member, competitors included,")
    flags = []
    for schema_path in sensitive:
        for path in _present(record.data, schema_path):
            flags.append(
                Flag(
                    risk,
                    path,
                    msg(
                        "sensitive data: {field} is competitively sensitive and {readers} can read this {visibility} "
                        "record; keep it in a restricted document pinned by hash",
                        field="/".join(str(p) for p in path),
                        readers=readers,
                        visibility=visibility,
                    ),
                    key=True,
                )
            )
    return flags


def _r6_flags(agreement: Record) -> list[Flag]:
    terms = _terms(agreement)
    if agreement.get("type") != "shareholding" or terms.get("control") != "none":
        return []
    seats = terms.get("board_seats")
    if not isinstance(seats, int) or seats <= 0 or terms.get("information_firewall") is True:
        return []
    return [
        Flag(
            Risk.MEDIUM,
            ("terms", "board_seats"),
            msg(
                "minority stake with board seats: {get} appoints {seats} board member(s) at {get2} without an "
                "information firewall; set information_firewall: true and keep competitively sensitive data from the "
                "holder's board members",
                get=terms.get("holder"),
                seats=seats,
                get2=terms.get("issuer"),
            ),
        )
    ]


def _open_ended(agreement: Record, period: Any) -> bool:
    """Whether a restraint has no end: no end of its own and an agreement without an end date or
    term (an automatically renewing agreement has no end)."""
    if isinstance(period, dict) and period.get("end"):
        return False
    start = effective_date(agreement)
    if start is None:
        term = _dict(agreement.get("term"))
        renewal = _dict(agreement.get("renewal"))
        return not (term.get("end") or term.get("duration")) or bool(renewal.get("auto"))
    return term_end(agreement, start) is None and not agreement.get("termination")


def _r7_flags(agreement: Record) -> list[Flag]:
    kind = agreement.get("type")
    terms = _terms(agreement)
    flags = []
    if kind == "market-boundary":
        for i, allocation in enumerate(terms.get("allocations") or []):
            if not isinstance(allocation, dict) or allocation.get("holder") in (None, "shared"):
                continue
            scope = _dict(allocation.get("scope"))
            base: tuple[str | int, ...] = ("terms", "allocations", i, "scope")
            reasons: list[tuple[tuple[str | int, ...], str, bool]] = []
            for dim in ("sector", "region", "segment"):
                values = scope.get(dim)
                if dim == "segment" and values is None:
                    reasons.append((base, msg("segment is omitted, which means every segment"), True))
                elif isinstance(values, list) and "*" in values:
                    reasons.append(((*base, dim, values.index("*")), msg("{dim} is *", dim=dim), False))
            if _open_ended(agreement, scope.get("period")):
                reasons.append((("terms", "allocations", i, "holder"), msg("it has no end date or term"), False))
            if reasons:
                flags.append(
                    Flag(
                        Risk.MEDIUM,
                        reasons[0][0],
                        msg(
                            "open restraint: the allocation of {scope} to {get} is unbounded: {join}; narrow it to "
                            "the sectors, regions, segments and time the cooperation needs",
                            scope=_scope_text(scope),
                            get=allocation.get("holder"),
                            join=joined("; ", (r[1] for r in reasons)),
                        ),
                        reasons[0][2],
                    )
                )
    elif kind == "talent" and terms.get("kind") == "non-solicit":
        has_own_length = terms.get("duration") or _dict(terms.get("period")).get("end")
        if not has_own_length and _open_ended(agreement, None):
            where: tuple[str | int, ...] = ("terms", "period") if terms.get("period") else ("terms", "kind")
            flags.append(
                Flag(
                    Risk.MEDIUM,
                    where,
                    msg(
                        "open restraint: the non-solicit has no end (no period end, duration, or agreement term); "
                        "limit it to the collaboration it protects"
                    ),
                )
            )
    return flags


def _r8_flags(agreement: Record) -> list[Flag]:
    terms = _terms(agreement)
    if agreement.get("type") != "talent" or terms.get("kind") not in ("secondment", "part-time"):
        return []
    if terms.get("employee_consent") is True:
        return []
    where = ("terms", "employee_consent") if "employee_consent" in terms else ("terms", "kind")
    return [
        Flag(
            Risk.MEDIUM,
            where,
            msg(
                "employee consent: a {get} arrangement without the employee's recorded consent; obtain it in writing "
                "and set employee_consent: true",
                get=terms.get("kind"),
            ),
        )
    ]


def _r9_flags(agreement: Record) -> list[Flag]:
    terms = _terms(agreement)
    if agreement.get("type") != "shareholding" or terms.get("control") not in ("sole", "joint"):
        return []
    return [
        Flag(
            Risk.INFO,
            ("terms", "control"),
            msg(
                "control acquired: {get} acquires {get2} control of {get3}; check whether a merger-control filing is "
                "required before closing",
                get=terms.get("holder"),
                get2=terms.get("control"),
                get3=terms.get("issuer"),
            ),
        )
    ]


# ---------------------------------------------------------------------------- the rules


@rule("r1-horizontal-allocation", Severity.WARNING, "R1 Horizontal market allocation", ANTITRUST)
def check_r1(index: Index) -> Iterator[Finding]:
    """
    **What is flagged.** Every allocation in a `market-boundary` agreement whose `holder` is a
    member (not `shared`), when the parties are not all in one control group (a connected
    component of shareholdings with `control: sole`) on every day the allocation restrains (the
    agreement's time in force within the scope's period): control acquired later, or a holding
    that ends, leaves days on which they are competitors. The finding sits at the allocation's
    `holder`.

    - **HIGH** when the holder and a restrained party are potential competitors: their declared
      focus areas (claims) share a sector at `competitor_depth` in `charter/alliance.yaml`
      (sector paths compared by segment: `cloud/compute` and `cloud/storage` share `cloud` at
      depth 1), or either party has declared no focus areas, or their focus areas are in
      different sector schemes, so nothing shows they do not compete.
    - **MEDIUM** otherwise: an allocation still restrains where each party may operate.

    **Why.** Dividing markets, customers or regions between independent competitors is hardcore
    cartel conduct almost everywhere: PRC Anti-Monopoly Law Art. 17 (agreements between
    competitors dividing sales or raw-material markets), Sherman Act §1 as applied in *United
    States v. Topco Associates* (1972) — a horizontal territorial allocation is illegal per se
    even among small firms cooperating against larger rivals — and TFEU Art. 101(1)(c). An
    allocation made before any overlap exists (pre-emptive) is the riskiest kind.

    **What to do.** Prefer `holder: shared` with a `cooperation` note: all parties may operate
    and work through overlaps to coordinate without a restraint. Where a restraint is truly needed,
    make it ancillary to a real collaboration, as narrow in scope and time as it can be, and have
    counsel review it: an allocation resolves nothing until its `legal_review` is approved (the
    overlap stays `blocked-review`). With `legal.strict: true` a HIGH flag without an approved review is an
    error. An approved review keeps the flag visible with "acknowledged: reviewed by … on …".

    Flags are heuristics that make risk visible so that people look at it: a flag is not a
    finding of illegality, and no flag is not clearance. qtgov records agreements; it is not
    legal advice.
    """
    control, focus = ownership.for_index(index).timeline, _FocusAreas(index)
    for agreement in _active(index):
        yield from _emit(check_r1, index, agreement, _r1_flags(focus, agreement, control))


@rule("r2-hub-facilitation", Severity.WARNING, "R2 Hub facilitation", ANTITRUST)
def check_r2(index: Index) -> Iterator[Finding]:
    """
    **What is flagged.** Every agreement flagged by R1 (horizontal allocation), R3 (no-poach) or
    R4 (price coordination) in an alliance that has a hub. **HIGH** when the hub is itself a
    party; **MEDIUM** otherwise, because the hub still organises the alliance in which the
    agreement was made. The finding sits where the first underlying flag sits.

    **Why.** PRC Anti-Monopoly Law Art. 19 forbids organising other undertakings to reach a
    monopoly agreement or giving them substantial help to do so: a hub that convenes members,
    hosts their agreements and enforces their boundaries can be liable even when it is not a
    party. US law reaches hub-and-spoke conspiracies under Sherman Act §1, and EU law treats
    facilitators as parties to a cartel under TFEU Art. 101 (*AC-Treuhand*).

    **What to do.** Remove the underlying flag where possible (shared allocations, owner pricing,
    narrow ancillary restraints). The hub should not draft, negotiate or police restraints between
    members; keep an antitrust policy acknowledged by every member and have counsel review every
    flagged agreement before it is executed.

    Flags are heuristics that make risk visible so that people look at it: a flag is not a
    finding of illegality, and no flag is not clearance. qtgov records agreements; it is not
    legal advice.
    """
    hub = index.settings.hub
    if not hub:
        return
    control, focus = ownership.for_index(index).timeline, _FocusAreas(index)
    for agreement in _active(index):
        underlying: list[tuple[str, Flag]] = []
        for name, flags in (
            ("R1", _r1_flags(focus, agreement, control)),
            ("R3", _r3_flags(agreement)),
            ("R4", _r4_flags(agreement)),
        ):
            underlying.extend((name, f) for f in flags)
        if not underlying:
            continue
        names = sorted({name for name, _ in underlying})
        first = underlying[0][1]
        if hub in party_ids(agreement):
            flag = Flag(
                Risk.HIGH,
                first.path,
                msg(
                    "hub facilitation: the hub {hub} is a party to an agreement flagged {names}; a hub that "
                    "organises or joins a restraint between members carries the risk itself",
                    hub=hub,
                    names=", ".join(names),
                ),
                first.key,
            )
        else:
            flag = Flag(
                Risk.MEDIUM,
                first.path,
                msg(
                    "hub facilitation: an agreement flagged {names} was made in the alliance the hub {hub} "
                    "organises; the hub must not organise or police restraints between members",
                    names=", ".join(names),
                    hub=hub,
                ),
                first.key,
            )
        yield from _emit(check_r2, index, agreement, [flag])


@rule("r3-no-poach", Severity.WARNING, "R3 No-poach (non-solicit)", ANTITRUST)
def check_r3(index: Index) -> Iterator[Finding]:
    """
    **What is flagged.** Every `talent` agreement of kind `non-solicit`.

    - **HIGH** when it is not ancillary to another agreement (no `ancillary_to` in `terms` or
      `antitrust`), covers all employees (`covered: all`, or no `covered`), or lasts longer than
      12 months — from `terms.duration`, else `terms.period`, else the agreement's own term; a
      restraint with no end at all counts as longer. The finding sits at the first field at fault.
    - **MEDIUM** when it names the roles or teams covered, is ancillary and lasts at most 12
      months: still a restraint on the labour market, to be kept that narrow.

    **Why.** Agreements between employers not to solicit or hire each other's staff are treated
    as market allocation of the labour market: hardcore under PRC Anti-Monopoly Law Art. 17,
    prosecuted under Sherman Act §1 (the US agencies' 2016 and 2025 guidance for HR
    professionals treats naked no-poach agreements as per se illegal), and a restriction by
    object under TFEU Art. 101. A restraint can be defended only as ancillary: necessary for a
    legitimate collaboration and proportionate to it.

    **What to do.** Prefer no restraint. Otherwise tie the non-solicit to the collaboration it
    protects (`ancillary_to`), name only the roles or teams that actually work on it, exclude
    general advertising and employees who apply on their own (`excludes`), keep it to 12 months
    or less, and have counsel review it.

    Flags are heuristics that make risk visible so that people look at it: a flag is not a
    finding of illegality, and no flag is not clearance. qtgov records agreements; it is not
    legal advice.
    """
    for agreement in _active(index):
        yield from _emit(check_r3, index, agreement, _r3_flags(agreement))


@rule("r4-price-coordination", Severity.WARNING, "R4 Price coordination", ANTITRUST)
def check_r4(index: Index) -> Iterator[Finding]:
    """
    **What is flagged.** Every `revenue-share` agreement whose `pricing_authority` is not
    `owner` (for example `platform`): the prices of courses that compete with each other are set
    centrally rather than by each owner. **HIGH.** The finding sits at `pricing_authority`.

    **Why.** Fixing or coordinating selling prices between competitors is hardcore cartel
    conduct: PRC Anti-Monopoly Law Art. 17(1), Sherman Act §1 (per se illegal since *Socony-Vacuum*,
    1940) and TFEU Art. 101(1)(a). A platform that sets its members' prices can also be an
    organiser under PRC AML Art. 19 (see R2).

    **What to do.** Set `pricing_authority: owner`: each course's owner sets its own price, and
    the platform only lists, collects and splits revenue. Never exchange planned prices or
    discounts between members. Have counsel review any arrangement where the platform must set
    prices.

    Flags are heuristics that make risk visible so that people look at it: a flag is not a
    finding of illegality, and no flag is not clearance. qtgov records agreements; it is not
    legal advice.
    """
    for agreement in _active(index):
        yield from _emit(check_r4, index, agreement, _r4_flags(agreement))


@rule("r5-sensitive-data", Severity.WARNING, "R5 Competitively sensitive data in a readable record", ANTITRUST)
def check_r5(index: Index) -> Iterator[Finding]:
    """
    **What is flagged.** Every field marked `x-sensitive: true` in the schemas — revenue
    `split` and `settlement`, a talent arrangement's `cost_share`, contribution commitment
    `amount`s, a project's `value` and its packages' `value` or `share` — present in a record
    that others can read: **HIGH** in a `public` record (anyone can read it), **MEDIUM** in an
    `alliance` one (every member reads it, competitors included).
    The finding sits at the field's key. `restricted` records carry no terms at all
    (`visibility-restricted`).

    **Why.** Exchanging competitively sensitive information — prices, costs, revenue shares,
    capacities — between competitors can itself be a concerted practice (TFEU Art. 101, and the
    PRC Anti-Monopoly Law Art. 17 together with SAMR's rules on concerted practices), and makes
    coordination easy to sustain (Sherman Act §1 information-exchange cases). A Git repository
    shows every committed line to everyone who can read it.

    **What to do.** Keep the figures in a restricted document outside the repository, pinned by
    its `sha256` in `documents`, or make the agreement `restricted`. A legal review does not
    acknowledge this flag: the review's hash does not cover `visibility`, so an approval cannot
    vouch for who reads the data.

    Flags are heuristics that make risk visible so that people look at it: a flag is not a
    finding of illegality, and no flag is not clearance. qtgov records agreements; it is not
    legal advice.
    """
    sensitive = sensitive_paths("agreement")
    for agreement in _active(index):
        yield from _emit(check_r5, index, agreement, _r5_flags(agreement, sensitive), acknowledge=False)
    # Project and package values are sensitive too (docs/design/projects.md).
    sensitive = sensitive_paths("project")
    for project in sorted(index.projects.values(), key=lambda r: r.id):
        if project.valid:
            yield from _emit(check_r5, index, project, _r5_flags(project, sensitive), acknowledge=False)


@rule("r6-minority-board-seat", Severity.WARNING, "R6 Minority stake with board seats", ANTITRUST)
def check_r6(index: Index) -> Iterator[Finding]:
    """
    **What is flagged.** A `shareholding` with `control: none` (a minority stake) whose holder
    appoints board members (`board_seats` > 0) without `information_firewall: true`. **MEDIUM.**
    The finding sits at `board_seats`.

    **Why.** A board seat gives the holder the issuer's plans, prices and customers. Between
    competitors that is an information channel and an interlocking directorate (Clayton Act §8
    in the US; a concerted practice under TFEU Art. 101 and PRC Anti-Monopoly Law Art. 17 when
    it coordinates conduct), even when the stake confers no control.

    **What to do.** Set `information_firewall: true` and make it real: the holder's appointees
    recuse themselves from competitively sensitive matters and do not pass information back.
    Have counsel review board appointments between members active in the same sectors.

    Flags are heuristics that make risk visible so that people look at it: a flag is not a
    finding of illegality, and no flag is not clearance. qtgov records agreements; it is not
    legal advice.
    """
    for agreement in _active(index):
        yield from _emit(check_r6, index, agreement, _r6_flags(agreement))


@rule("r7-open-restraint", Severity.WARNING, "R7 Open-ended or unbounded restraint", ANTITRUST)
def check_r7(index: Index) -> Iterator[Finding]:
    """
    **What is flagged.** A restraint — an allocation to a member (not `shared`) or a
    non-solicit — that is unbounded: its scope is `*` in any dimension (sector, region or
    segment; an omitted segment means every segment, so it counts as `*`), or it is open-ended
    (no end of its own, and an agreement without `term.end` or `term.duration`, or one that
    renews automatically). **MEDIUM.** The finding sits at the first unbounded field.

    **Why.** A restraint between competitors can be defended only as ancillary to a legitimate
    collaboration, which requires it to be no wider and no longer than the collaboration needs
    (TFEU Art. 101(3) and the Commission's ancillary-restraints doctrine; the rule of reason
    under Sherman Act §1; the exemption conditions of PRC Anti-Monopoly Law Art. 20 for
    agreements otherwise caught by Art. 17). A restraint over every segment or with no end is
    the opposite.

    **What to do.** Prefer shared arrangements. Otherwise name the sectors, regions and
    segments concerned, give the allocation a `period` or the agreement a term, and have counsel
    review it.

    Flags are heuristics that make risk visible so that people look at it: a flag is not a
    finding of illegality, and no flag is not clearance. qtgov records agreements; it is not
    legal advice.
    """
    for agreement in _active(index):
        yield from _emit(check_r7, index, agreement, _r7_flags(agreement))


@rule("r8-employee-consent", Severity.WARNING, "R8 Secondment or part-time work without consent", ANTITRUST)
def check_r8(index: Index) -> Iterator[Finding]:
    """
    **What is flagged.** A `talent` agreement of kind `secondment` or `part-time` without
    `employee_consent: true`. **MEDIUM.** The finding sits at `employee_consent` (or at `kind`
    when it is missing).

    **Why.** Moving people between employers without their agreement turns them into an object
    of a deal between companies: it can breach labour law (PRC Labour Contract Law on changes to
    the employment contract) and, between competitors, looks like the labour-market coordination
    that PRC Anti-Monopoly Law Art. 17, Sherman Act §1 and TFEU Art. 101 reach (see R3).

    **What to do.** Obtain the employee's written consent, keep it outside the repository (it is
    personal data), and set `employee_consent: true`. Refer to the person only through an opaque
    `person_ref`, never by name.

    Flags are heuristics that make risk visible so that people look at it: a flag is not a
    finding of illegality, and no flag is not clearance. qtgov records agreements; it is not
    legal advice.
    """
    for agreement in _active(index):
        yield from _emit(check_r8, index, agreement, _r8_flags(agreement))


@rule("r9-control-acquired", Severity.INFO, "R9 Control acquired: check merger control", ANTITRUST)
def check_r9(index: Index) -> Iterator[Finding]:
    """
    **What is flagged.** A `shareholding` with `control: sole` or `control: joint`. **INFO.** The
    finding sits at `control`.

    **Why.** Acquiring control is a concentration: above the turnover thresholds it must be
    notified before closing (PRC Anti-Monopoly Law Chapter IV, Arts. 25–26 and the State
    Council's thresholds; the EU Merger Regulation; the HSR Act in the US), and SAMR may review
    below-threshold deals that may restrict competition. Sole control also merges holder and
    issuer into one control group, which changes how R1 and overlaps treat them.

    **What to do.** Check the parties' turnover against the thresholds in every jurisdiction
    where they are active, file where required before closing, and record the outcome with the
    agreement's documents.

    Flags are heuristics that make risk visible so that people look at it: a flag is not a
    finding of illegality, and no flag is not clearance. qtgov records agreements; it is not
    legal advice.
    """
    for agreement in _active(index):
        yield from _emit(check_r9, index, agreement, _r9_flags(agreement))
