"""Contributions to a shared project, measured from its own git history (docs/design/economics.md).

One `git log --numstat` pass over a local clone gives every commit's author, day, trailers and
changed lines. Each identity becomes a member only through what the alliance registered: a
representative's `commit_emails` while that representative's `since`/`until` covers the day, or a
member's `commit_domains` while the domain's dates cover it. Nothing is guessed: an address that
matches nobody, or several members on the same day, is listed as unmatched.

Per measurement window the report gives each member's share by every measure the agreement names
(commits, lines, reviews), compares it with the commitments, and computes the alliance-level
elephant factor. When a whole window departs from the commitments beyond the agreement's
tolerance, rebalancing is due: the report proposes neutral anchors and the date by which the
agreement's cadence says the parties meet. It coordinates a conversation; it never decides one.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from qtgov.dates import ONE_DAY, add_months, next_day, parse_date, parse_duration, shift_days
from qtgov.errors import UsageError
from qtgov.records.agreements import in_force_interval, stated_interval
from qtgov.records.index import Index, Record
from qtgov.records.trees import text_in

#: The measures git can give, in the order reports show them.
GIT_MEASURES = ("commits", "lines", "reviews")
#: Other names agreements use for them.
MEASURE_ALIASES = {"changed-lines": "lines", "lines-changed": "lines", "commit": "commits", "review": "reviews"}

# The mean Gregorian month, so that "40 per P3M" and "20000 per P1M" become comparable rates.
_MONTH_DAYS = Fraction(146097, 4800)

# Fields of one commit in the log; %aE honours the project's .mailmap (its own identity merges).
LOG_FORMAT = "%x1e%H%x1f%P%x1f%aE%x1f%as%x1f%(trailers:only,unfold)%x1f"
_ADDRESS = re.compile(r"<([^<>\s]+@[^<>\s]+)>")


# ---------------------------------------------------------------------------------- the git pass


@dataclass(frozen=True, slots=True)
class Work:
    """What one commit contributes: its author and co-authors share the commit and its lines;
    each other person named in a `Reviewed-by:` trailer did one review. A merge commit contributes
    only its reviews (its lines were counted on the commits it merges)."""

    sha: str
    day: dt.date
    merge: bool
    authors: tuple[str, ...]
    reviewers: tuple[str, ...]
    lines: int


class PathFilter:
    """The agreement's `exclude_paths`, with gitignore-like globs: `*` and `?` stay within one
    path segment, `**` crosses segments, a pattern without `/` matches a name at any depth, and
    a pattern naming a directory excludes everything below it."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        parts = [_glob(p) for p in self.patterns if p.strip("/")]
        self._regex = re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None
        self._cache: dict[bytes, bool] = {}

    def excluded(self, path: bytes) -> bool:
        if self._regex is None:
            return False
        hit = self._cache.get(path)
        if hit is None:
            hit = self._cache[path] = bool(self._regex.match(path.decode("utf-8", "surrogateescape")))
        return hit


def _glob(pattern: str) -> str:
    anchored = pattern.startswith("/") or "/" in pattern.strip("/")
    body = pattern.strip("/")
    out, i = [], 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    return ("" if anchored else "(?:.*/)?") + "".join(out) + r"(?:/.*)?\Z"


def _email(value: str) -> str | None:
    m = _ADDRESS.search(value)
    if m:
        return m.group(1).lower()
    value = value.strip()
    return value.lower() if "@" in value and " " not in value else None


def parse_log(blocks: Iterable[bytes], paths: PathFilter) -> list[Work]:
    """Parse the output of `git log -z --numstat --format=LOG_FORMAT` (newest first), given in
    blocks cut anywhere (a commit's record runs up to the next record separator)."""
    return list(iter_log(blocks, paths))


def iter_log(blocks: Iterable[bytes], paths: PathFilter) -> Iterator[Work]:
    """`parse_log` as the blocks arrive, so that counting overlaps git's own work."""
    pending = b""
    works: list[Work] = []
    for block in blocks:
        chunks = (pending + block).split(b"\x1e")
        pending = chunks.pop()
        _parse_chunks(chunks, paths, works)
        yield from works
        works.clear()
    _parse_chunks([pending], paths, works)
    yield from works


_DAYS: dict[bytes, dt.date] = {}


def _parse_chunks(chunks: list[bytes], paths: PathFilter, works: list[Work]) -> None:
    days = _DAYS
    excluded = paths.excluded
    for chunk in chunks:
        if not chunk:
            continue
        fields = chunk.split(b"\x1f", 4)
        if len(fields) < 5:
            continue
        sha, parents, author, day_text, rest = fields
        trailers, _, files = rest.partition(b"\x1f\0")
        day = days.get(day_text)
        if day is None:
            day = days[day_text] = dt.date.fromisoformat(day_text.decode())
        authors = [author.decode("utf-8", "replace").lower()]
        reviewers: list[str] = []
        if trailers:
            for line in trailers.decode("utf-8", "replace").splitlines():
                key, sep, value = line.partition(":")
                if not sep:
                    continue
                key = key.strip().lower()
                if key == "co-authored-by":
                    address = _email(value)
                    if address and address not in authors:
                        authors.append(address)
                elif key == "reviewed-by":
                    address = _email(value)
                    if address and address not in reviewers:
                        reviewers.append(address)
        # Reviewing one's own commit is not a review (trailers may come in any order).
        if reviewers:
            reviewers = [r for r in reviewers if r not in authors]
        lines = 0
        if files:
            tokens = files.split(b"\0")
            i = 0
            while i < len(tokens):
                token = tokens[i].lstrip(b"\n")
                i += 1
                if not token:
                    continue
                added, _, tail = token.partition(b"\t")
                deleted, _, path = tail.partition(b"\t")
                if not path:  # a rename: `added\tdeleted\t\0old\0new`
                    path = tokens[i + 1] if i + 1 < len(tokens) else b""
                    i += 2
                if added == b"-" or excluded(path):  # binary files have no lines
                    continue
                lines += int(added) + int(deleted)
        works.append(Work(sha.decode(), day, b" " in parents, tuple(authors), tuple(reviewers), lines))


def read_history(clone: Path, paths: PathFilter) -> Iterator[Work]:
    """Every commit reachable from the clone's HEAD, newest first, from one git process, as git
    writes them."""
    from qtgov.gitgov.git import open_repository

    return iter_log(open_repository(clone).stream_numstat(LOG_FORMAT), paths)


def clone_path(text: str, option: str = "--project") -> Path:
    """`--project` accepts a path or a `file://` URL of a local clone; remote URLs are refused
    (qtgov never fetches: clone the project first). `option` names the flag in the message."""
    if text.startswith("file://"):
        return Path(text[len("file://") :])
    if re.match(r"[a-z][a-z0-9+.-]*://", text) or re.match(r"[^/]+@[^/]+:", text):
        raise UsageError(f"{option} {text}: give a local clone (git clone {text} first); qtgov reads no network")
    return Path(text)


# ------------------------------------------------------------------------------ identities


@dataclass(frozen=True)
class Affiliation:
    """An address or domain that counts for `member` from `start` to `end` (first day after)."""

    member: str
    start: dt.date | None
    end: dt.date | None
    via: str

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Unmatched:
    """An identity whose work could not be attributed, and why."""

    email: str
    commits: int
    reviews: int
    first: dt.date
    last: dt.date
    reason: str


_NO_MATCH = "no representative's commit_emails or member's commit_domains covers it on those days"
_AMBIGUOUS = "registered for more than one member on the same day"


class Identities:
    """Addresses and domains the alliance registered, each valid only in its dated affiliation."""

    def __init__(self, index: Index) -> None:
        self.emails: dict[str, list[Affiliation]] = defaultdict(list)
        self.domains: dict[str, list[Affiliation]] = defaultdict(list)
        for member in sorted(index.members.values(), key=lambda r: r.id):
            for rep in member.get("representatives") or []:
                if not isinstance(rep, dict):
                    continue
                start, last = parse_date(rep.get("since")), parse_date(rep.get("until"))
                for address in rep.get("commit_emails") or []:
                    if isinstance(address, str):
                        self.emails[address.lower()].append(
                            Affiliation(member.id, start, next_day(last) if last else None, "commit e-mail")
                        )
            for entry in member.get("commit_domains") or []:
                if isinstance(entry, dict) and isinstance(entry.get("domain"), str):
                    last = parse_date(entry.get("until"))
                    self.domains[entry["domain"].lower().strip(".")].append(
                        Affiliation(
                            member.id, parse_date(entry.get("since")), next_day(last) if last else None, "domain"
                        )
                    )
        # email -> the affiliations that may apply to it, most specific first (its own address,
        # then its domain, then parent domains), and whether any of them is dated.
        self._candidates: dict[str, tuple[tuple[tuple[Affiliation, ...], ...], bool]] = {}
        self._undated: dict[str, str | None] = {}
        self._cache: dict[tuple[str, dt.date], str | None] = {}
        self.ambiguous: set[str] = set()

    def member(self, email: str, day: dt.date) -> str | None:
        """The member `email` counts for on `day`, or None (unmatched or ambiguous)."""
        if email in self._undated:
            return self._undated[email]
        candidates = self._candidates.get(email)
        if candidates is None:
            candidates = self._candidates[email] = self._lookup(email)
        levels, dated = candidates
        if not dated:  # the answer is the same on every day
            found = self._undated[email] = self._resolve(email, levels, day)
            return found
        key = (email, day)
        if key not in self._cache:
            self._cache[key] = self._resolve(email, levels, day)
        return self._cache[key]

    def _lookup(self, email: str) -> tuple[tuple[tuple[Affiliation, ...], ...], bool]:
        levels = [tuple(self.emails.get(email, ()))]
        host = email.rpartition("@")[2]
        while host:
            levels.append(tuple(self.domains.get(host, ())))
            host = host.partition(".")[2]
        found = tuple(level for level in levels if level)
        dated = any(a.start is not None or a.end is not None for level in found for a in level)
        return found, dated

    def _resolve(self, email: str, levels: tuple[tuple[Affiliation, ...], ...], day: dt.date) -> str | None:
        # The address itself first, then the most specific registered domain (eng.example.com
        # before example.com) that covers the day.
        for level in levels:
            members = {a.member for a in level if a.covers(day)}
            if len(members) > 1:
                self.ambiguous.add(email)
                return None
            if members:
                return members.pop()
        return None


# --------------------------------------------------------------------------- the agreement


@dataclass(frozen=True)
class Commitment:
    member: str
    kind: str
    amount: Fraction
    unit: str
    per: tuple[int, int]
    per_text: str

    @property
    def rate(self) -> Fraction:
        """Amount per day, so commitments stated per different periods compare."""
        months, days = self.per
        span = months * _MONTH_DAYS + days
        return self.amount / span if span else Fraction(0)


@dataclass(frozen=True)
class Window:
    """A measurement window `[start, end)`; `whole` when the measured range covers all of it."""

    start: dt.date
    end: dt.date
    whole: bool

    @property
    def last_day(self) -> dt.date:
        return self.end - ONE_DAY

    def text(self) -> str:
        return f"{self.start} … {self.last_day}"


@dataclass(frozen=True)
class Deviation:
    """A committed member's delivered share (among the committed members) against its commitment."""

    measure: str
    member: str
    committed: Fraction
    delivered: Fraction
    deviation_pct: Fraction  # relative to the commitment, or in points (tolerance_basis)
    beyond: bool


@dataclass
class WindowReport:
    window: Window
    work: dict[str, dict[str, Fraction]]  # measure -> member -> amount
    unmatched: dict[str, Fraction]  # measure -> amount nobody could be credited with
    deviations: list[Deviation] = field(default_factory=list)
    meet_by: dt.date | None = None
    anchors: dict[str, Fraction] = field(default_factory=dict)  # member -> proportional commitment

    def total(self, measure: str) -> Fraction:
        return sum(self.work.get(measure, {}).values(), Fraction(0))

    def share(self, measure: str, member: str) -> Fraction | None:
        total = self.total(measure)
        return self.work.get(measure, {}).get(member, Fraction(0)) / total if total else None

    def elephant_factor(self, measure: str) -> int | None:
        """The fewest members whose work adds up to at least half of all attributed work."""
        amounts = sorted(self.work.get(measure, {}).values(), reverse=True)
        total = sum(amounts, Fraction(0))
        if not total:
            return None
        running = Fraction(0)
        for n, amount in enumerate(amounts, 1):
            running += amount
            if 2 * running >= total:
                return n
        return len(amounts)  # pragma: no cover - the loop always reaches half

    @property
    def due(self) -> bool:
        return self.window.whole and any(d.beyond for d in self.deviations)


@dataclass
class ContributionReport:
    """Everything `qtgov contributions` reports; `agreement` is None when measuring all members."""

    clone: str
    agreement: Record | None
    measures: tuple[str, ...]
    unmeasured: tuple[str, ...]
    members: tuple[str, ...]
    commitments: tuple[Commitment, ...]
    compare_unit: str | None
    expected: dict[str, Fraction]
    not_compared: tuple[Commitment, ...]
    tolerance_pct: Fraction | None
    tolerance_basis: str
    cadence: str | None
    remedy: Any
    in_force: bool
    windows: list[WindowReport]
    unmatched: list[Unmatched]
    commits_read: int

    @property
    def latest_whole(self) -> WindowReport | None:
        whole = [w for w in self.windows if w.window.whole]
        return whole[-1] if whole else None


def measures_of(agreement: Record | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(measures git gives, named measures git cannot give) for an agreement; all of git's
    measures when there is no agreement or it names none."""
    if agreement is None:
        return GIT_MEASURES, ()
    named = ((agreement.get("terms") or {}).get("measurement") or {}).get("metrics") or []
    measured: list[str] = []
    unmeasured: list[str] = []
    for name in named:
        if not isinstance(name, str):
            continue
        canonical = MEASURE_ALIASES.get(name, name)
        if canonical in GIT_MEASURES:
            if canonical not in measured:
                measured.append(canonical)
        else:
            unmeasured.append(name)
    if not named:
        return GIT_MEASURES, ()
    return tuple(measured), tuple(unmeasured)


def _commitments(terms: dict[str, Any]) -> list[Commitment]:
    out: list[Commitment] = []
    for c in terms.get("commitments") or []:
        if not isinstance(c, dict):
            continue
        per = parse_duration(c.get("per"))
        amount = c.get("amount")
        if per is None or isinstance(amount, bool) or not isinstance(amount, int | float):
            continue
        out.append(
            Commitment(
                str(c.get("member")),
                str(c.get("kind")),
                Fraction(str(amount)),
                str(c.get("unit")),
                per,
                str(c.get("per")),
            )
        )
    return out


def compare_unit(terms: dict[str, Any], commitments: Sequence[Commitment]) -> str | None:
    """The commitment unit that git's measures are compared with: `measurement.commitment_unit`,
    else the unit of the engineering commitments (when they agree on one), else none."""
    stated = (terms.get("measurement") or {}).get("commitment_unit")
    if isinstance(stated, str):
        return stated
    units = {c.unit for c in commitments if c.kind == "engineering"}
    return units.pop() if len(units) == 1 else None


def _windows(anchor: dt.date, step: tuple[int, int], since: dt.date, end: dt.date, stop: dt.date) -> list[Window]:
    """Windows from `anchor` by `step` overlapping `[since, end)`; a window is whole when
    `[since, end)` contains it and it closes no later than `stop` (the agreement's end)."""
    months, days = step
    out: list[Window] = []
    k = 0
    while True:
        start = shift_days(add_months(anchor, k * months), k * days)
        close = shift_days(add_months(anchor, (k + 1) * months), (k + 1) * days)
        if start >= end or start >= stop or close <= start or len(out) > 10_000:
            break
        if close > since:
            clipped = min(close, stop)
            out.append(Window(start, clipped, start >= since and close <= end and close <= stop))
        k += 1
    return out


def meeting_day(anchor: dt.date, cadence: tuple[int, int], window_end: dt.date) -> dt.date:
    """The day before the first review date (the agreement's start plus whole cadences) that
    comes after the window closes: the balance of a window is settled by the next review."""
    months, days = cadence
    if months == 0 and days == 0:
        return window_end
    k = 1
    while True:
        boundary = shift_days(add_months(anchor, k * months), k * days)
        if boundary > window_end or boundary == dt.date.max:
            return boundary - ONE_DAY
        k += 1


def measure(
    index: Index,
    clone: Path,
    agreement_id: str | None = None,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    window: str | None = None,
    today: dt.date | None = None,
) -> ContributionReport:
    """Measure contributions from the clone's history, for one contribution agreement or for
    every member; `until` defaults to `today` (a window still running is not whole)."""
    agreement = None
    if agreement_id is not None:
        agreement = index.agreements.get(agreement_id)
        if agreement is None:
            known = (
                "a file that failed validation" if index.is_known("agreement", agreement_id) else "no such agreement"
            )
            raise UsageError(f"{agreement_id}: {known}")
        if agreement.get("type") != "contribution":
            raise UsageError(f"{agreement_id} is a {agreement.get('type')} agreement, not a contribution agreement")
        if not isinstance(agreement.get("terms"), dict):
            raise UsageError(
                f"{agreement_id} records no terms (a restricted record keeps them outside the repository); "
                "there is nothing to measure against"
            )
    terms: dict[str, Any] = agreement.get("terms") if agreement is not None else {}
    measurement = terms.get("measurement") or {}
    rebalancing = terms.get("rebalancing") or {}
    step_text = window or measurement.get("window") or "P3M"
    step = parse_duration(step_text)
    if step is None or step == (0, 0):
        raise UsageError(f"--window {step_text!r}: give an ISO 8601 duration such as P3M or P1M")
    last = until or today or dt.date.today()
    end = next_day(last)
    if since is not None and since > last:
        raise UsageError(f"--since {since} is after --until {last}")

    history = read_history(clone, PathFilter(measurement.get("exclude_paths") or []))
    identities = Identities(index)

    in_force = False
    stop = dt.date.max
    if agreement is not None:
        interval = in_force_interval(agreement, index)
        in_force = interval is not None
        interval = interval or stated_interval(agreement)
        if interval is None:
            raise UsageError(f"{agreement.id} has no effective date yet; there is no window to measure")
        anchor = interval.start
        stop = interval.end or dt.date.max
        since = max(since or anchor, anchor)
    elif since is not None:
        anchor = since
    else:
        # Windows start with the month of the first commit, which comes last: read it all first.
        listed = list(history)
        history = iter(listed)
        first = min((w.day for w in listed), default=last)
        anchor = first.replace(day=1)
        since = anchor
    windows = _windows(anchor, step, since, end, stop)
    starts = [w.start for w in windows]
    measures, unmeasured = measures_of(agreement)

    work: list[dict[str, dict[str, Any]]] = [{m: defaultdict(int) for m in GIT_MEASURES} for _ in windows]
    lost: list[dict[str, Any]] = [defaultdict(int) for _ in windows]
    unmatched: dict[str, list[Any]] = {}

    def miss(email: str, day: dt.date, commits: int, reviews: int) -> None:
        entry = unmatched.get(email)
        if entry is None:
            unmatched[email] = [commits, reviews, day, day]
        else:
            entry[0] += commits
            entry[1] += reviews
            entry[2] = min(entry[2], day)
            entry[3] = max(entry[3], day)

    lower = windows[0].start if windows else end
    upper = min(end, stop)
    commits_read = 0
    for w in history:
        commits_read += 1
        if w.day < since or w.day < lower or w.day >= upper:
            continue
        slot = bisect.bisect_right(starts, w.day) - 1
        if slot < 0 or w.day >= windows[slot].end:
            continue
        bucket, missing = work[slot], lost[slot]
        if not w.merge:
            n = len(w.authors)
            # Plain ints for the usual single author: Fraction arithmetic is slow.
            commit_share: int | Fraction = Fraction(1, n) if n > 1 else 1
            line_share = w.lines * commit_share
            for email in w.authors:
                member = identities.member(email, w.day)
                if member is None:
                    missing["commits"] += commit_share
                    missing["lines"] += line_share
                    miss(email, w.day, 1, 0)
                else:
                    bucket["commits"][member] += commit_share
                    bucket["lines"][member] += line_share
        for email in w.reviewers:
            member = identities.member(email, w.day)
            if member is None:
                missing["reviews"] += 1
                miss(email, w.day, 0, 1)
            else:
                bucket["reviews"][member] += 1

    reports = [
        WindowReport(
            win,
            {m: {member: Fraction(v) for member, v in work[i][m].items()} for m in measures},
            {m: Fraction(lost[i][m]) for m in measures},
        )
        for i, win in enumerate(windows)
    ]

    commitments = tuple(_commitments(terms))
    unit = compare_unit(terms, commitments) if agreement is not None else None
    compared = [c for c in commitments if unit is not None and c.unit == unit]
    rates: dict[str, Fraction] = defaultdict(Fraction)
    for c in compared:
        rates[c.member] += c.rate
    total_rate = sum(rates.values(), Fraction(0))
    expected = {m: r / total_rate for m, r in sorted(rates.items())} if total_rate else {}
    tolerance = rebalancing.get("tolerance_pct")
    tolerance_pct = (
        Fraction(str(tolerance)) if isinstance(tolerance, int | float) and not isinstance(tolerance, bool) else None
    )
    basis = rebalancing.get("tolerance_basis", "relative")
    cadence = parse_duration(rebalancing.get("cadence"))
    if expected and tolerance_pct is not None:
        reference = compared[0].per
        per_span = reference[0] * _MONTH_DAYS + reference[1]
        for report in reports:
            _compare(report, measures, expected, tolerance_pct, basis)
            if report.due:
                report.meet_by = meeting_day(anchor, cadence or step, report.window.end)
                primary = next((d.measure for d in report.deviations), None)
                for d in report.deviations:
                    if d.measure == primary:
                        report.anchors[d.member] = total_rate * per_span * d.delivered

    parties = [p.get("member") for p in (agreement.get("parties") or [])] if agreement is not None else []
    members = sorted({m for r in reports for per in r.work.values() for m in per} | set(expected) | set(parties))
    return ContributionReport(
        clone=str(clone),
        agreement=agreement,
        measures=measures,
        unmeasured=unmeasured,
        members=tuple(m for m in members if isinstance(m, str)),
        commitments=commitments,
        compare_unit=unit,
        expected=expected,
        not_compared=tuple(c for c in commitments if c not in compared),
        tolerance_pct=tolerance_pct,
        tolerance_basis=basis if basis in ("relative", "points") else "relative",
        cadence=rebalancing.get("cadence") if isinstance(rebalancing.get("cadence"), str) else None,
        remedy=rebalancing.get("remedy"),
        in_force=in_force,
        windows=reports,
        unmatched=[
            Unmatched(email, v[0], v[1], v[2], v[3], _AMBIGUOUS if email in identities.ambiguous else _NO_MATCH)
            for email, v in sorted(unmatched.items())
        ],
        commits_read=commits_read,
    )


def _compare(
    report: WindowReport, measures: Sequence[str], expected: dict[str, Fraction], tolerance: Fraction, basis: str
) -> None:
    for measure_name in measures:
        amounts = report.work.get(measure_name, {})
        committed_total = sum((amounts.get(m, Fraction(0)) for m in expected), Fraction(0))
        if not committed_total:
            continue  # nobody committed did any of this work in the window: nothing to compare
        for member, share in expected.items():
            delivered = amounts.get(member, Fraction(0)) / committed_total if committed_total else Fraction(0)
            if basis == "points":
                deviation = (delivered - share) * 100
            else:
                deviation = (delivered - share) / share * 100 if share else Fraction(0)
            report.deviations.append(
                Deviation(measure_name, member, share, delivered, deviation, abs(deviation) > tolerance)
            )


# ------------------------------------------------------------------------------- rendering


def pct(value: Fraction | None, places: int = 1) -> str:
    if value is None:
        return "—"
    return f"{float(value * 100):.{places}f}%"


def amount(value: Fraction) -> str:
    """A count that may be fractional (a commit shared by co-authors): at most two decimals."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def commitment_text(report: ContributionReport, member: str, value: Fraction) -> str:
    """An anchor in the commitments' own terms, to one decimal: `demo-hub 30 engineer-days per P3M`."""
    per = next((c.per_text for c in report.commitments if c.unit == report.compare_unit), "")
    rounded = Fraction(round(value * 10), 10)
    return f"{member} {amount(rounded)} {report.compare_unit}" + (f" per {per}" if per else "")


def rebalancing_message(report: ContributionReport, win: WindowReport, lang: str | None = None) -> str:
    """The words of a `rebalancing-due` finding: facts, the anchors and the date; never a verdict."""
    assert report.agreement is not None and report.tolerance_pct is not None
    beyond = [d for d in win.deviations if d.beyond]
    facts = ", ".join(
        f"{d.measure}: {d.member} {pct(d.delivered)} delivered against {pct(d.committed)} committed" for d in beyond
    )
    tolerance = f"{amount(report.tolerance_pct)}{'%' if report.tolerance_basis == 'relative' else ' points'}"
    anchors = "; ".join(commitment_text(report, m, v) for m, v in sorted(win.anchors.items()))
    message = (
        f"in the window {win.window.text()} delivery departs from the commitments by more than the agreed "
        f"{tolerance} ({facts}); the parties may wish to meet by {win.meet_by} to renegotiate. "
        f"Neutral anchors for the talk: commitments proportional to delivery ({anchors}), or the current "
        "commitments with the work rebalanced"
    )
    remedy = text_in(report.remedy, lang, "") if report.remedy else ""
    if remedy:
        message += f"; the agreement's own rule: {remedy}"
    return message


def report_json(report: ContributionReport) -> dict[str, Any]:
    def exact(value: Fraction | None) -> dict[str, Any] | None:
        if value is None:
            return None
        return {"value": round(float(value), 6), "exact": str(value)}

    windows = []
    for w in report.windows:
        windows.append(
            {
                "start": w.window.start.isoformat(),
                "end": w.window.last_day.isoformat(),
                "whole": w.window.whole,
                "measures": {
                    m: {
                        "total": exact(w.total(m)),
                        "unmatched": exact(w.unmatched.get(m, Fraction(0))),
                        "elephant_factor": w.elephant_factor(m),
                        "members": {
                            member: {
                                "amount": exact(w.work[m].get(member, Fraction(0))),
                                "share": exact(w.share(m, member)),
                            }
                            for member in report.members
                        },
                    }
                    for m in report.measures
                },
                "against_commitments": [
                    {
                        "measure": d.measure,
                        "member": d.member,
                        "committed_share": exact(d.committed),
                        "delivered_share": exact(d.delivered),
                        "deviation_pct": exact(d.deviation_pct),
                        "beyond_tolerance": d.beyond,
                    }
                    for d in w.deviations
                ],
                "rebalancing_due": w.due,
                "meet_by": w.meet_by.isoformat() if w.meet_by else None,
                "anchors": {
                    "proportional_to_delivery": {m: exact(v) for m, v in sorted(w.anchors.items())},
                    "unit": report.compare_unit,
                }
                if w.due
                else None,
            }
        )
    agreement = report.agreement
    return {
        "agreement": agreement.id if agreement is not None else None,
        "in_force": report.in_force,
        "repository": report.clone,
        "commits_read": report.commits_read,
        "measures": list(report.measures),
        "not_measured_from_git": list(report.unmeasured),
        "members": list(report.members),
        "commitments": {
            "unit": report.compare_unit,
            "expected_shares": {m: exact(v) for m, v in report.expected.items()},
            "not_compared": [{"member": c.member, "kind": c.kind, "unit": c.unit} for c in report.not_compared],
        },
        "tolerance": {"pct": exact(report.tolerance_pct), "basis": report.tolerance_basis},
        "cadence": report.cadence,
        "windows": windows,
        "unmatched": [
            {
                "email": u.email,
                "commits": u.commits,
                "reviews": u.reviews,
                "first": u.first.isoformat(),
                "last": u.last.isoformat(),
                "reason": u.reason,
            }
            for u in report.unmatched
        ],
    }


def render_text(report: ContributionReport, lang: str | None = None) -> str:
    agreement = report.agreement
    lines: list[str] = []
    if agreement is not None:
        name = text_in(((agreement.get("terms") or {}).get("project") or {}).get("name"), lang, agreement.id)
        status = "in force" if report.in_force else "not in force: nothing is due under it"
        lines.append(f"Contributions to {name} under {agreement.id} ({status}), from {report.clone}")
    else:
        lines.append(f"Contributions by member, from {report.clone}")
    lines.append(f"Commits read: {report.commits_read}")
    measured = ", ".join(report.measures) or "none"
    lines.append(
        f"Measures: {measured}"
        + (f" (not measured from git: {', '.join(report.unmeasured)})" if report.unmeasured else "")
    )
    if report.expected:
        shares = ", ".join(f"{m} {pct(v)}" for m, v in report.expected.items())
        lines.append(f"Commitments in {report.compare_unit}, as shares: {shares}")
    elif agreement is not None:
        lines.append("Commitments: none comparable with git measures (set measurement.commitment_unit)")
    if report.not_compared:
        lines.append(
            "Not compared with git: " + ", ".join(f"{c.member} ({c.kind}, {c.unit})" for c in report.not_compared)
        )
    if report.tolerance_pct is not None and report.expected:
        unit = "%" if report.tolerance_basis == "relative" else " points"
        lines.append(f"Tolerance: {amount(report.tolerance_pct)}{unit}; review cadence: {report.cadence}")
    for w in report.windows:
        lines.append("")
        lines.append(f"Window {w.window.text()}" + ("" if w.window.whole else " (partial: not judged)"))
        width = max([len(m) for m in report.members] + [9])
        head = "  " + "member".ljust(width) + "".join(f"  {m:>18}" for m in report.measures)
        lines.append(head)
        for member in report.members:
            cells = "".join(
                f"  {amount(w.work[m].get(member, Fraction(0))) + ' (' + pct(w.share(m, member)) + ')':>18}"
                for m in report.measures
            )
            lines.append("  " + member.ljust(width) + cells)
        if any(w.unmatched.get(m) for m in report.measures):
            cells = "".join(f"  {amount(w.unmatched.get(m, Fraction(0))):>18}" for m in report.measures)
            lines.append("  " + "unmatched".ljust(width) + cells)
        factors = ", ".join(
            f"{m} {w.elephant_factor(m) if w.elephant_factor(m) is not None else '—'}" for m in report.measures
        )
        lines.append(f"  elephant factor: {factors}")
        for d in w.deviations:
            mark = "beyond tolerance" if d.beyond else "within tolerance"
            sign = "+" if d.deviation_pct >= 0 else "−"
            unit = "%" if report.tolerance_basis == "relative" else " points"
            lines.append(
                f"  {d.measure}: {d.member} delivered {pct(d.delivered)} against {pct(d.committed)} committed "
                f"({sign}{float(abs(d.deviation_pct)):.1f}{unit}, {mark})"
            )
        if w.due:
            lines.append("  rebalancing due: " + rebalancing_message(report, w, lang))
    if report.unmatched:
        lines.append("")
        lines.append(
            "Unmatched identities (never guessed: add the address to a representative's commit_emails, "
            "or register the member's domain in commit_domains):"
        )
        for u in report.unmatched:
            what = f"{u.commits} commit(s)" + (f", {u.reviews} review(s)" if u.reviews else "")
            lines.append(f"  {u.email}  {what}  {u.first} … {u.last}  {u.reason}")
    return "\n".join(lines) + "\n"


def parse_clone_settings(index: Index, settings: Iterable[str]) -> dict[str, Path]:
    """`AGREEMENT=PATH` pairs (from `validate --contributions-repo`) as agreement id -> clone."""
    clones: dict[str, Path] = {}
    for setting in settings:
        ident, path = clone_setting(setting)
        agreement = index.agreements.get(ident)
        if agreement is None or agreement.get("type") != "contribution":
            raise UsageError(f"--contributions-repo {ident}: no such contribution agreement")
        clones[ident] = path
    return clones


def clone_setting(setting: str) -> tuple[str, Path]:
    """One `--contributions-repo AGREEMENT=PATH` as (agreement id, clone)."""
    ident, sep, path = setting.partition("=")
    if not sep or not ident or not path:
        raise UsageError(f"--contributions-repo {setting!r}: give AGREEMENT=PATH, such as ct-proj=../shared")
    return ident, clone_path(path)


def configured_clones(index: Index) -> dict[str, Path]:
    """`contribution_clones` of charter/alliance.yaml: agreement id -> clone, relative paths
    resolved against the repository's root."""
    alliance = index.alliance
    setting = alliance.get("contribution_clones") if alliance is not None and alliance.valid else None
    if not isinstance(setting, dict):
        return {}
    clones: dict[str, Path] = {}
    for ident, path in sorted(setting.items()):
        if isinstance(ident, str) and isinstance(path, str) and path:
            clone = Path(path[len("file://") :] if path.startswith("file://") else path)
            clones[ident] = clone if clone.is_absolute() else Path(index.root) / clone
    return clones
