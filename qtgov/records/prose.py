"""The charter's prose and visibility: what a public edition may print of `charter/*.md`.

Records carry their own `visibility`; prose does not, so the secretariat marks what only the
alliance may read, and qtgov checks the rest:

- An alliance-only passage sits between two marker lines, `<!-- qtgov: alliance -->` and
  `<!-- qtgov: end -->`. The public edition leaves the passage out; the alliance edition prints it
  without the markers.
- Outside such passages, a paragraph (or table, or list) that names a record the public may not
  see — by its id, or by its name or title in any language — is left out of the public edition,
  replaced by a one-line notice, and `qtgov validate` reports it (`prose-visibility`) so the author
  can mark or reword it. Names are matched literally (Chinese has no word boundaries); ids and
  Latin names only as whole words.

See docs/design/visibility.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from qtgov.records.index import Index, Record

ALLIANCE_START = re.compile(r"^[ \t]*<!--\s*qtgov:\s*alliance\s*-->[ \t]*$")
ALLIANCE_END = re.compile(r"^[ \t]*<!--\s*qtgov:\s*end\s*-->[ \t]*$")
_LATIN = re.compile(r"[A-Za-z0-9]")
# Names shorter than this would match ordinary words.
MIN_NAME_LENGTH = 2


@dataclass(frozen=True)
class Mention:
    line: int  # 1-based, in the file
    column: int  # 1-based
    term: str  # the text that matched
    kind: str  # member | agreement | project | retrospective
    record_id: str


@dataclass(frozen=True)
class Terms:
    """The words that name non-public records, compiled into one pattern."""

    pattern: re.Pattern[str] | None
    records: dict[str, tuple[str, str]]  # term -> (kind, id)

    def find(self, text: str) -> Iterator[re.Match[str]]:
        if self.pattern is not None:
            yield from self.pattern.finditer(text)


def _names(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            if isinstance(v, str):
                yield v


def _record_terms(record: Record, kind: str) -> Iterator[str]:
    yield record.id
    data = record.data if isinstance(record.data, dict) else {}
    for key in ("name", "legal_name", "title"):
        yield from _names(data.get(key))


def non_public_terms(records: Iterable[tuple[str, Record]]) -> Terms:
    """Terms for every (kind, record) whose `visibility` is not `public`."""
    found: dict[str, tuple[str, str]] = {}
    for kind, record in records:
        data = record.data if isinstance(record.data, dict) else {}
        if data.get("visibility") == "public":
            continue
        for term in _record_terms(record, kind):
            term = term.strip()
            if len(term) >= MIN_NAME_LENGTH:
                found.setdefault(term, (kind, record.id))
    if not found:
        return Terms(None, {})
    parts = []
    for term in sorted(found, key=lambda t: (-len(t), t)):
        escaped = re.escape(term)
        # Whole words for Latin text (ids, English names); literal for Chinese.
        if _LATIN.match(term[0]):
            escaped = r"(?<![A-Za-z0-9_-])" + escaped
        if _LATIN.match(term[-1]):
            escaped += r"(?![A-Za-z0-9_-])"
        parts.append(escaped)
    return Terms(re.compile("|".join(parts)), found)


def index_terms(index: Index) -> Terms:
    """Terms naming the index's non-public members, agreements, projects and retrospectives."""
    records: list[tuple[str, Record]] = [("member", m) for m in index.members.values()]
    records += [("agreement", a) for a in index.agreements.values()]
    records += [("project", p) for p in index.projects.values()]
    records += [("retrospective", r) for r in index.retrospectives.values()]
    return non_public_terms(records)


def value_mentions(source: str, start: tuple[int, int], value: str, terms: Terms) -> Iterator[Mention]:
    """Mentions in a YAML string `value` that starts at `start` (1-based line and column) of the
    file text `source`, at their place in the file: each naming is looked for in the file from
    the value's start on, in order (a block scalar holds the text as written; a quoted or folded
    one may not, and its mentions are then at the value's start)."""
    lines = source.split("\n")
    line, column = start
    offset = sum(len(text) + 1 for text in lines[: line - 1]) + column - 1
    for m in mentions(value, terms):
        found = source.find(m.term, offset)
        if found < 0:
            yield Mention(line, column, m.term, m.kind, m.record_id)
            continue
        offset = found + len(m.term)
        before = source[:found]
        at_line = before.count("\n") + 1
        yield Mention(at_line, found - (before.rfind("\n") + 1) + 1, m.term, m.kind, m.record_id)


def _lines_outside_alliance(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) of every line outside alliance-only passages and markers."""
    inside = False
    for number, line in enumerate(text.split("\n"), start=1):
        if ALLIANCE_START.match(line):
            inside = True
            continue
        if ALLIANCE_END.match(line):
            inside = False
            continue
        if not inside:
            yield number, line


def mentions(text: str, terms: Terms) -> Iterator[Mention]:
    """Every naming of a non-public record outside alliance-only passages."""
    if terms.pattern is None:
        return
    for number, line in _lines_outside_alliance(text):
        for m in terms.find(line):
            kind, record_id = terms.records[m.group(0)]
            yield Mention(number, m.start() + 1, m.group(0), kind, record_id)


def for_audience(text: str, terms: Terms, *, public: bool, notice: str) -> str:
    """The prose an edition prints. Alliance: the markers removed. Public: alliance-only passages
    removed, and each paragraph that still names a non-public record replaced by `notice`."""
    kept = list(_lines_outside_alliance(text)) if public else []
    if not public:
        return "\n".join(
            line for line in text.split("\n") if not (ALLIANCE_START.match(line) or ALLIANCE_END.match(line))
        )
    out: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph and any(True for line in paragraph for _ in terms.find(line)):
            out.append(notice)
        else:
            out.extend(paragraph)
        paragraph.clear()

    for _, line in kept:
        if line.strip():
            paragraph.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)
