"""Hardened YAML loading with positions (docs/design/bad-input.md).

Two passes. The first streams libyaml's parser events and rejects what qtgov never accepts
(nesting deeper than 64, anchors, aliases, merge keys, tags, extra documents) with the event's
mark. libyaml's *composer* recurses per nesting level and segfaults the whole process on deep
input, so we never call it: the second pass composes plain Python values from the already
checked event list and records the line/column of every key and value as it goes.

Scalars follow qtgov's rules, not YAML 1.1's: only plain `true`, `false`, `null`, integers and
decimals are typed; every other plain scalar (`NO`, `on`, `0755`, `1:30`, `1e3`, dates) is a str.
A plain scalar that other YAML tools would read as a number, boolean or null is a finding
(`yaml-ambiguous`), so a record means the same in an editor as in CI. The composer also checks
what escapes decode to (`"\\e"`, `"\\u202e"`), that URLs are printable ASCII, and recognises
full-width punctuation typed where YAML needs ASCII (`yaml-punctuation`).
"""

from __future__ import annotations

import codecs
import json
import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from qtgov.findings import Finding, Severity
from qtgov.messages import msg
from qtgov.records.yamlhints import ambiguity, punctuation_in_line, punctuation_in_scalar

# Bump when the loader reports something new, so cached results of older loaders are not reused.
LOADER_RULES = 3  # 3: Markdown retrospectives (front matter and body)
MAX_DEPTH = 64
MAX_BYTES = 1024 * 1024
# JSON (and so RFC 8785, which signatures hash) represents integers exactly only up to 2**53 - 1.
MAX_SAFE_INTEGER = 2**53 - 1

PathKey = tuple[str | int, ...]

_INT = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+\Z")
# C0 controls except TAB, LF, CR; DEL; C1 controls; the line and paragraph separators (YAML
# counts them as line breaks, editors mostly do not, so positions would disagree); bidi
# embeddings, overrides and isolates.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_BOM = "\ufeff"
# In a decoded value, a carriage return can only come from a "\r" escape (YAML turns the line
# breaks of the source into "\n"); it would overwrite report lines like any other control.
_BAD_DECODED = re.compile(_BAD_CHARS.pattern[:-1] + "\r]")
# A scalar that is a URL (scheme://…) and every character it may hold: printable ASCII only, so
# that what a reader sees is where the link leads (no look-alike letters, no hidden spaces).
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_URL_CHARS = re.compile(r"[!-~]*\Z")

try:
    _Parser: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing; the pure-Python parser is slower
    _Parser = yaml.SafeLoader


class Mark(NamedTuple):
    """A 1-based line and column."""

    line: int
    column: int


class Document:
    """A loaded YAML file: plain data plus the position of every value and mapping key.

    Positions may arrive packed (from the validation cache) and are then unpacked on first use:
    most records of a warm run are never asked where a value is.
    """

    def __init__(
        self,
        path: str,
        data: Any,
        marks: dict[PathKey, Mark] | None = None,
        key_marks: dict[PathKey, Mark] | None = None,
        *,
        packed: str | None = None,
    ) -> None:
        self.path = path
        self.data = data
        self._marks = marks if marks is not None or packed is not None else {}
        self._key_marks = key_marks if key_marks is not None or packed is not None else {}
        self._packed = packed
        # The agreement content hash, computed once and kept in the validation cache.
        self.content_hash: str | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return (self.path, self.data, self.marks, self.key_marks) == (
            other.path,
            other.data,
            other.marks,
            other.key_marks,
        )

    def __repr__(self) -> str:
        return f"Document({self.path!r})"

    def pack(self) -> str:
        """Positions as one compact JSON string (see `Document(packed=...)`)."""
        return json.dumps(
            [[[*k, m[0], m[1]] for k, m in self.marks.items()], [[*k, m[0], m[1]] for k, m in self.key_marks.items()]],
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def _unpack(self) -> None:
        values, keys = json.loads(self._packed or "[[],[]]")
        self._marks = {tuple(m[:-2]): Mark(m[-2], m[-1]) for m in values}
        self._key_marks = {tuple(m[:-2]): Mark(m[-2], m[-1]) for m in keys}
        self._packed = None

    @property
    def marks(self) -> dict[PathKey, Mark]:
        if self._marks is None:
            self._unpack()
        assert self._marks is not None
        return self._marks

    @property
    def key_marks(self) -> dict[PathKey, Mark]:
        if self._key_marks is None:
            self._unpack()
        assert self._key_marks is not None
        return self._key_marks

    def mark(self, path: PathKey = ()) -> Mark:
        """Position of the value at `path`, or of its nearest existing ancestor."""
        path = tuple(path)
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, Mark(1, 1))

    def key_mark(self, path: PathKey) -> Mark:
        """Position of the mapping key that holds `path` (falls back to the value's mark)."""
        path = tuple(path)
        return self.key_marks.get(path) or self.mark(path)


@dataclass
class LoadResult:
    document: Document | None
    findings: list[Finding]


def _finding(path: str, line: int, column: int, rule: str, message: str) -> Finding:
    return Finding(path, line, column, rule, Severity.ERROR, message)


def _mark_of(path: str, event_mark: Any) -> tuple[int, int]:
    return (event_mark.line + 1, event_mark.column + 1) if event_mark is not None else (1, 1)


def typed_scalar(value: str, plain: bool) -> Any:
    """Apply qtgov's scalar rules to one scalar (docs/design/bad-input.md)."""
    if not plain:
        return value
    if value in ("", "null"):
        return None
    if value == "true":
        return True
    if value == "false":
        return False
    if _INT.match(value):
        # Python refuses to convert more than 4300 digits; such a number is out of range anyway.
        return int(value) if len(value) <= 64 else (-math.inf if value.startswith("-") else math.inf)
    if _DECIMAL.match(value):
        return float(value)
    return value


def read_raw(root: Path, relpath: str) -> tuple[bytes | None, list[Finding]]:
    """Read a file's bytes after the checks that must come before parsing.

    Never follows symlinks; refuses non-regular and oversized files before reading them.
    """
    full = root / relpath
    try:
        st = os.lstat(full)
    except OSError as exc:
        return None, [_finding(relpath, 1, 1, "file-type", msg("cannot read file: {strerror}", strerror=exc.strerror))]
    if stat.S_ISLNK(st.st_mode):
        return None, [
            _finding(relpath, 1, 1, "file-type", msg("symbolic links are not followed; commit the file itself"))
        ]
    if not stat.S_ISREG(st.st_mode):
        return None, [_finding(relpath, 1, 1, "file-type", msg("not a regular file"))]
    if st.st_size > MAX_BYTES:
        return None, [
            _finding(
                relpath,
                1,
                1,
                "file-size",
                msg("file is {st_size} bytes; the limit is {MAX_BYTES} bytes", st_size=st.st_size, MAX_BYTES=MAX_BYTES),
            )
        ]
    try:
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None, [_finding(relpath, 1, 1, "file-type", msg("not a regular file"))]
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, [_finding(relpath, 1, 1, "file-type", msg("cannot read file: {strerror}", strerror=exc.strerror))]
    if len(raw) > MAX_BYTES:
        return None, [
            _finding(
                relpath, 1, 1, "file-size", msg("file is over the limit of {MAX_BYTES} bytes", MAX_BYTES=MAX_BYTES)
            )
        ]
    return raw, []


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of `text[index]`, counting CRLF, LF and a lone CR as line breaks
    (as YAML does, so these positions agree with the parser's)."""
    before = text[:index]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    return line, index - max(before.rfind("\n"), before.rfind("\r"))


def decode_checked(relpath: str, raw: bytes) -> tuple[str | None, list[Finding]]:
    """Decode UTF-8 (a BOM is fine) and reject NUL, control and bidi-override characters."""
    try:
        text = codecs.decode(raw, "utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace").removeprefix(_BOM)
        line, column = _position(good, len(good))
        return None, [_finding(relpath, line, column, "file-encoding", msg("file is not valid UTF-8"))]
    if text.startswith(_BOM):
        text = text[1:]
    findings = []
    for match in _BAD_CHARS.finditer(text):
        line, column = _position(text, match.start())
        findings.append(
            _finding(
                relpath,
                line,
                column,
                "file-characters",
                msg(
                    "forbidden character U+{ord:04X} (control, line separator or bidirectional override)",
                    ord=ord(match.group()),
                ),
            )
        )
        if len(findings) >= 20:
            break
    if findings:
        return None, findings
    return text, []


def _events(relpath: str, text: str) -> tuple[list[Any] | None, list[Finding]]:
    """Pass one: stream the parser's events, rejecting unsupported constructs by their marks."""
    events: list[Any] = []
    depth = 0
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_Parser):
            line, column = _mark_of(relpath, event.start_mark)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return None, [
                        _finding(relpath, line, column, "yaml-multi-document", msg("only one YAML document per file"))
                    ]
            elif isinstance(event, yaml.AliasEvent):
                return None, [_finding(relpath, line, column, "yaml-anchor", msg("aliases (*name) are not allowed"))]
            elif isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
                if event.anchor is not None:
                    return None, [
                        _finding(relpath, line, column, "yaml-anchor", msg("anchors (&name) are not allowed"))
                    ]
                if event.tag is not None:
                    return None, [
                        _finding(relpath, line, column, "yaml-tag", msg("tags are not allowed ({tag})", tag=event.tag))
                    ]
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    if depth > MAX_DEPTH:
                        return None, [
                            _finding(
                                relpath,
                                line,
                                column,
                                "yaml-depth",
                                msg("nesting deeper than {MAX_DEPTH} levels", MAX_DEPTH=MAX_DEPTH),
                            )
                        ]
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            events.append(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _mark_of(relpath, mark)
        if (exc.problem or "").startswith("exceeded maximum nesting depth"):
            # libyaml's own limit (1,000 levels) can stop its scanner's look-ahead before the
            # 65th collection reaches us as an event; it is the same problem.
            return None, [
                _finding(
                    relpath,
                    line,
                    column,
                    "yaml-depth",
                    msg("nesting deeper than {MAX_DEPTH} levels", MAX_DEPTH=MAX_DEPTH),
                )
            ]
        problem = _parser_problem(exc, mark)
        hint = _punctuation_near(text, mark, exc.context_mark)
        if hint is not None:
            # libyaml's message names a symptom, often a line later; the look-alike is the cause.
            hint_line, hint_column, message = hint
            return None, [
                _finding(
                    relpath,
                    hint_line,
                    hint_column,
                    "yaml-punctuation",
                    msg(
                        "{message}; the YAML parser reported at line {line}, column {column}: {problem}",
                        message=message,
                        line=line,
                        column=column,
                        problem=problem,
                    ),
                )
            ]
        return None, [_finding(relpath, line, column, "yaml-syntax", problem)]
    except yaml.YAMLError as exc:
        return None, [_finding(relpath, 1, 1, "yaml-syntax", str(exc).splitlines()[0] if str(exc) else "syntax error")]
    return events, []


def _parser_problem(exc: yaml.MarkedYAMLError, mark: Any) -> str:
    """The parser's problem and context in the catalogue's words (qtgov/records/parserwords.py);
    the context says where it started when that is another line than the problem's."""
    from qtgov.records.parserwords import parser_problem

    started = None
    if exc.context and exc.context_mark is not None and mark is not None and exc.context_mark.line != mark.line:
        started = (exc.context_mark.line + 1, exc.context_mark.column + 1)
    return parser_problem(exc.problem, exc.context, started)


def _punctuation_near(text: str, mark: Any, context_mark: Any) -> tuple[int, int, str] | None:
    """A full-width look-alike on the lines where a syntax error arose: from the line the
    parser's context started at (or two lines before the error) to the error's line, nearest
    to the error first. Returns (line, column, hint), 1-based."""
    if mark is None:
        return None
    last = mark.line
    first = context_mark.line if context_mark is not None and context_mark.line <= last else last - 2
    lines = text.splitlines()
    for number in range(min(last, len(lines) - 1), max(first, 0) - 1, -1):
        found = punctuation_in_line(lines[number])
        if found is not None:
            offset, message = found
            return number + 1, offset + 1, message
    return None


class _Composer:
    """Pass two: build Python values from checked events, recording marks (iteratively)."""

    def __init__(self, relpath: str, events: list[Any], text: str = "") -> None:
        self.relpath = relpath
        self.events = events
        self.text = text
        self.pos = 0
        self.findings: list[Finding] = []
        self.marks: dict[PathKey, Mark] = {}
        self.key_marks: dict[PathKey, Mark] = {}

    def compose(self) -> Any:
        # Skip StreamStart and DocumentStart; an empty stream has no document at all.
        root: Any = None
        # (container, path, pending key or _NO_KEY, whether the collection is in flow style)
        stack: list[tuple[Any, PathKey, Any, bool]] = []
        result_set = False
        for event in self.events:
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.DocumentStartEvent):
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                continue
            mark = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
            if isinstance(event, yaml.ScalarEvent):
                plain = event.style in (None, "")
                value: Any = typed_scalar(event.value, plain)
                if isinstance(value, str):
                    is_key = bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][2] is _NO_KEY
                    self._check_text(event, value, mark, plain=plain, key=is_key, in_flow=bool(stack) and stack[-1][3])
                if not _representable(value):
                    self.findings.append(
                        _finding(
                            self.relpath,
                            mark.line,
                            mark.column,
                            "yaml-number",
                            msg(
                                "the number {value} is outside the range JSON represents exactly "
                                "(±{MAX_SAFE_INTEGER}); quote it if it is text",
                                value=event.value,
                                MAX_SAFE_INTEGER=MAX_SAFE_INTEGER,
                            ),
                        )
                    )
                    value = event.value
            elif isinstance(event, yaml.MappingStartEvent):
                value = {}
            else:
                value = []
            if not stack:
                root, result_set = value, True
                self.marks[()] = mark
                if isinstance(value, (dict, list)):
                    stack.append((value, (), _NO_KEY, bool(event.flow_style)))
                continue
            container, cpath, pending, flow = stack[-1]
            if isinstance(container, list):
                child: PathKey = (*cpath, len(container))
                container.append(value)
                self.marks[child] = mark
            elif pending is _NO_KEY:
                # This event is a key.
                key_ok = self._check_key(event, value, container, mark)
                stack[-1] = (container, cpath, (value if key_ok else _BAD_KEY, mark), flow)
                if isinstance(value, (dict, list)):
                    # A complex key: consume it into a throw-away container.
                    stack.append((value, (*cpath, "\0key"), _NO_KEY, bool(event.flow_style)))
                continue
            else:
                key, key_mark = pending
                stack[-1] = (container, cpath, _NO_KEY, flow)
                if key is _BAD_KEY:
                    child = (*cpath, "\0bad")
                else:
                    child = (*cpath, key)
                    container[key] = value
                    self.marks[child] = mark
                    self.key_marks[child] = key_mark
            if isinstance(value, (dict, list)):
                stack.append((value, child, _NO_KEY, bool(event.flow_style)))
        return root if result_set else None

    def _check_text(self, event: Any, value: str, mark: Mark, *, plain: bool, key: bool, in_flow: bool) -> None:
        """What a string key or value holds once decoded, and whether other tools read it alike."""
        what = "key" if key else "value"
        # Only a double-quoted scalar has escapes; every other character was checked in the bytes.
        bad = _BAD_DECODED.search(value) if event.style == '"' else None
        if bad is not None:
            # The bytes were checked before parsing, so this came from an escape such as "\e".
            self.findings.append(
                _finding(
                    self.relpath,
                    mark.line,
                    mark.column,
                    "file-characters",
                    msg(
                        "this {what} holds the forbidden character U+{ord:04X}, written as an escape (control, line "
                        "separator or bidirectional override); remove it",
                        what=what,
                        ord=ord(bad.group()),
                    ),
                )
            )
        if not key and _URL.match(value) and not _URL_CHARS.match(value):
            char = next(c for c in value if not "!" <= c <= "~")
            self.findings.append(
                _finding(
                    self.relpath,
                    mark.line,
                    mark.column,
                    "url-characters",
                    msg(
                        "URL holds {value}: write URLs in printable ASCII (percent-encode other characters, punycode "
                        "for a host name)",
                        value="a space" if char == " " else f"the character U+{ord(char):04X}",
                    ),
                )
            )
        if not plain:
            return
        reading = ambiguity(value, key=key)
        if reading is not None:
            self.findings.append(_finding(self.relpath, mark.line, mark.column, "yaml-ambiguous", reading))
        if value.isascii():
            return  # look-alikes are never ASCII (punctuation_in_scalar); spares the line scan below
        start = event.start_mark.index
        line_start = max(self.text.rfind("\n", 0, start), self.text.rfind("\r", 0, start)) + 1
        starts_line = not self.text[line_start:start].strip(" ")
        hint = punctuation_in_scalar(value, key=key, in_flow=in_flow, starts_line=starts_line)
        if hint is not None:
            offset, message = hint
            line, column = self._locate(event, value, offset)
            self.findings.append(_finding(self.relpath, line, column, "yaml-punctuation", message))

    def _locate(self, event: Any, value: str, offset: int) -> tuple[int, int]:
        """Position of `value[offset]` of a plain scalar in the source (a multi-line plain scalar is
        folded, so the character is found in the source by its occurrence count)."""
        start, end = event.start_mark, event.end_mark
        source = self.text[start.index : end.index]
        char = value[offset]
        index = -1
        for _ in range(value[:offset].count(char) + 1):
            index = source.find(char, index + 1)
            if index < 0:
                return start.line + 1, start.column + 1
        line, column = _position(source, index)
        return start.line + line, (start.column + column) if line == 1 else column

    def _check_key(self, event: Any, value: Any, container: dict[str, Any], mark: Mark) -> bool:
        if isinstance(value, (dict, list)):
            self.findings.append(
                _finding(self.relpath, mark.line, mark.column, "yaml-key", msg("mapping keys must be plain strings"))
            )
            return False
        if isinstance(event, yaml.ScalarEvent) and event.style in (None, "") and event.value == "<<":
            self.findings.append(
                _finding(self.relpath, mark.line, mark.column, "yaml-anchor", msg("merge keys (<<) are not allowed"))
            )
            return False
        if not isinstance(value, str):
            self.findings.append(
                _finding(
                    self.relpath,
                    mark.line,
                    mark.column,
                    "yaml-key",
                    msg("mapping key {value} is not a string; quote it", value=repr(event.value)),
                )
            )
            return False
        if value in container:
            self.findings.append(
                _finding(
                    self.relpath,
                    mark.line,
                    mark.column,
                    "yaml-duplicate-key",
                    msg("duplicate key {value}", value=repr(value)),
                )
            )
            return False
        return True


def _representable(value: Any) -> bool:
    """Whether a typed scalar survives JSON and RFC 8785 exactly (no huge integers, no infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    if isinstance(value, int):
        return abs(value) <= MAX_SAFE_INTEGER
    return math.isfinite(value)


_NO_KEY = object()
_BAD_KEY = object()


def parse_text(relpath: str, text: str) -> LoadResult:
    events, findings = _events(relpath, text)
    if events is None:
        return LoadResult(None, findings)
    composer = _Composer(relpath, events, text)
    data = composer.compose()
    doc = Document(relpath, data, composer.marks, composer.key_marks)
    return LoadResult(doc, composer.findings)


def parse_bytes(relpath: str, raw: bytes) -> LoadResult:
    text, findings = decode_checked(relpath, raw)
    if text is None:
        return LoadResult(None, findings)
    if relpath.endswith(".md"):
        return parse_markdown(relpath, text)
    return parse_text(relpath, text)


_LINE = re.compile(r"([^\r\n]*)(\r\n|\n|\r|\Z)")
FRONT_MATTER = "front-matter"


class FrontMatter(NamedTuple):
    """Where a Markdown record's front matter is: the end of its opening `---` line, the start
    and end of its closing one (-1 when it is never closed) and that line's number."""

    opened: int
    start: int
    end: int
    line: int


def front_matter(text: str) -> FrontMatter | None:
    """The front matter's place in `text`, or None when the first line is not `---`."""
    opening = _LINE.match(text)
    assert opening is not None  # the pattern matches any text
    if opening.group(1).rstrip() != "---":
        return None
    position, line = opening.end(), 1
    while position < len(text):
        match = _LINE.match(text, position)
        assert match is not None
        line += 1
        if match.group(1).rstrip() == "---":
            return FrontMatter(opening.end(), match.start(), match.end(), line)
        if match.end() == position:
            break
        position = match.end()
    return FrontMatter(opening.end(), -1, -1, -1)


def parse_markdown(relpath: str, text: str) -> LoadResult:
    """A Markdown record (`retrospectives/<id>.md`): YAML front matter between two `---` lines,
    then the body. The record is the front matter's fields plus `body`, the text after the
    closing line as written; positions are those of the .md file (the front matter is parsed
    in place, opening line included). A missing, unclosed, empty or non-mapping front matter is a
    `front-matter` finding."""
    bounds = front_matter(text)
    if bounds is None:
        problem = msg("a Markdown record starts with its front matter: a line ---, its fields in YAML, then a line ---")
        return LoadResult(None, [_finding(relpath, 1, 1, FRONT_MATTER, problem)])
    if bounds.start < 0:
        return LoadResult(
            None,
            [_finding(relpath, 1, 1, FRONT_MATTER, msg("the front matter opened on line 1 has no closing --- line"))],
        )
    line = bounds.line
    result = parse_text(relpath, text[: bounds.start])
    doc = result.document
    if doc is None or result.findings:
        return result
    if doc.data is None:
        return LoadResult(
            None,
            [_finding(relpath, 1, 1, FRONT_MATTER, msg("the front matter is empty: write the record's fields in it"))],
        )
    if not isinstance(doc.data, dict):
        mark = doc.mark()
        problem = msg("the front matter is not a mapping of fields (key: value lines)")
        return LoadResult(None, [_finding(relpath, mark.line, mark.column, FRONT_MATTER, problem)])
    if "body" in doc.data:
        mark = doc.key_mark(("body",))
        problem = msg("body is the Markdown text after the front matter, not a field: remove it from the front matter")
        return LoadResult(None, [_finding(relpath, mark.line, mark.column, FRONT_MATTER, problem)])
    marks = dict(doc.marks)
    marks[("body",)] = Mark(line + 1, 1)
    data = {**doc.data, "body": text[bounds.end :]}
    return LoadResult(Document(relpath, data, marks, dict(doc.key_marks)), [])


def load_file(root: Path, relpath: str) -> LoadResult:
    """Load one file of the repository at `root`; a bad file yields findings, never an exception."""
    raw, findings = read_raw(root, relpath)
    if raw is None:
        return LoadResult(None, findings)
    return parse_bytes(relpath, raw)
