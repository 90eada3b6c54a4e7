"""The hand-written pages in `charter/*.md`: which file serves which language, and how its prose
is made safe to publish.

The charter is Markdown the secretariat writes, so it keeps its Markdown (headings, lists,
tables, emphasis, links). What it may not carry is markup that runs or reaches out: raw HTML
(`<script>`, `<img onerror>`, `<iframe>`), links with a scheme other than http(s)/mailto
(`javascript:`, `data:`, however spelled) and snippet includes (`--8<--`). Outside code, every
`<` becomes `&lt;` — which disarms raw HTML, autolinks and snippet markers at once — and link
destinations with another scheme become `#`. The page title goes into front matter escaped,
because MkDocs would otherwise take it from the first heading and un-escape it into `<title>`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from qtgov.site.escaping import front_matter_title

_LANG_SUFFIX = re.compile(r"(?P<stem>.+)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]+)?)\Z")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_INLINE_DEST = re.compile(r"\]\(\s*(<[^>\n]*>|[^)\s]*)")
_REF_DEF = re.compile(r"^( {0,3}\[[^\]\n]+\]:\s*)(\S+)", re.M)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_FRONT = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n", re.S)
_H1 = re.compile(r"^# +(.+?)\s*#*\s*$", re.M)


@dataclass(frozen=True)
class CharterPage:
    name: str  # stem without language suffix: index, charter, process, …
    files: dict[str, str]  # language -> file name in charter/

    def file_for(self, lang: str, default_lang: str) -> str:
        """The file for `lang`: `name.<lang>.md`, or `name.md` for the default language, falling
        back to whatever language the page exists in."""
        if lang in self.files:
            return self.files[lang]
        if default_lang in self.files:
            return self.files[default_lang]
        return self.files[sorted(self.files)[0]]


def charter_pages(names: list[str], languages: tuple[str, ...]) -> list[CharterPage]:
    """Group `charter/*.md` file names by page; unsuffixed files are in the default language."""
    default = languages[0] if languages else "zh"
    pages: dict[str, dict[str, str]] = {}
    for name in sorted(names):
        if not name.endswith(".md"):
            continue
        stem = name[:-3]
        m = _LANG_SUFFIX.match(stem)
        if m and m.group("lang") in languages:
            pages.setdefault(m.group("stem"), {})[m.group("lang")] = name
        else:
            pages.setdefault(stem, {}).setdefault(default, name)
    return [CharterPage(stem, files) for stem, files in sorted(pages.items())]


def _safe_destination(dest: str) -> bool:
    raw = dest[1:-1] if dest.startswith("<") and dest.endswith(">") else dest
    decoded = html.unescape(raw)
    squeezed = "".join(ch for ch in decoded if ch > " " and ch != "\x7f")
    m = _SCHEME.match(squeezed)
    if m is None:
        # No scheme: a relative link or an anchor. A colon before the first slash would still be
        # read as a scheme by a browser after decoding; refuse it.
        head = squeezed.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        return ":" not in head
    return m.group(1).lower() in _ALLOWED_SCHEMES


def _neutralise_line(line: str) -> str:
    """One line outside fenced code: escape `<` outside code spans, defuse unsafe links."""
    out: list[str] = []
    pos = 0
    for m in _CODE_SPAN.finditer(line):
        out.append(_neutralise_text(line[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_neutralise_text(line[pos:]))
    return "".join(out)


def _neutralise_text(text: str) -> str:
    text = text.replace("<", "&lt;")
    text = _INLINE_DEST.sub(lambda m: m.group(0) if _safe_destination(m.group(1)) else "](#", text)
    return text


def sanitize_prose(markdown: str) -> str:
    """The charter's Markdown with raw HTML, unsafe links and includes disarmed (code untouched)."""
    markdown = markdown.replace("\r\n", "\n").replace("\r", "\n")
    markdown = _REF_DEF.sub(lambda m: m.group(0) if _safe_destination(m.group(2)) else m.group(1) + "#", markdown)
    lines = markdown.split("\n")
    out: list[str] = []
    fence: str | None = None
    for line in lines:
        m = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip()[len(m.group(1)) :]:
                fence = None
            continue
        if m:
            fence = m.group(1)
            out.append(line)
            continue
        # Indented code blocks are escaped too: a stray `&lt;` in a charter's code sample is a
        # small price for never having to decide whether a line is code or a lazy paragraph.
        out.append(_neutralise_line(line))
    return "\n".join(out)


def plain_heading(text: str) -> str:
    """A heading's text without Markdown inline markup, for the page title."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]+", "", text)
    return html.unescape(text).strip()


@dataclass(frozen=True)
class Prose:
    title: str | None  # plain text of the first level-1 heading (or the front matter title)
    head: str  # up to and including the first level-1 heading
    body: str  # the rest


def load_prose(path: Path) -> Prose:
    """Read, strip front matter (its `title` is kept), sanitise, and split at the first `# `."""
    text = path.read_text(encoding="utf-8-sig")
    title: str | None = None
    front = _FRONT.match(text)
    if front:
        m = re.search(r"^title:\s*(.+?)\s*$", front.group(0), re.M)
        if m:
            title = m.group(1).strip("'\"")
        text = text[front.end() :]
    text = sanitize_prose(text)
    h1 = _H1.search(text)
    if h1 is None or _inside_fence(text, h1.start()):
        return Prose(title, "", text)
    if title is None:
        title = plain_heading(h1.group(1))
    return Prose(title, text[: h1.end()], text[h1.end() :])


def _inside_fence(text: str, pos: int) -> bool:
    fence: str | None = None
    for line in text[:pos].split("\n"):
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
        elif fence is not None and m and m.group(1)[0] == fence[0]:
            fence = None
    return fence is not None


def front_matter(title: str) -> str:
    return f"---\n{front_matter_title(title)}\n---\n"
