"""The hand-written pages in `charter/*.md`: which file serves which language, and how its prose
is made safe to publish.

The charter is Markdown the secretariat writes, so it keeps its Markdown (headings, lists,
tables, emphasis, links). What it may not carry is markup that runs or reaches out: raw HTML
(`<script>`, `<img onerror>`, `<iframe>`), links with a scheme other than http(s)/mailto
(`javascript:`, `data:`, however spelled), images from other sites, attribute lists
(`{: onclick=… }`) and snippet includes (`--8<--`). Outside code, every `<` becomes `&lt;` —
which disarms raw HTML, autolinks and snippet markers at once — and every `{` a character
reference; link destinations with another scheme become `#`. The page title goes into front matter escaped,
because MkDocs would otherwise take it from the first heading and un-escape it into `<title>`.
"""

from __future__ import annotations

import html
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qtgov.site.escaping import front_matter_title

_LANG_SUFFIX = re.compile(r"(?P<stem>.+)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]+)?)\Z")
_INLINE_DEST = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*(<[^>\n]*>|[^)\s]*)")
_REF_IMAGE = re.compile(r"!\[([^\]\n]*)\]\[")
_REF_DEF = re.compile(r"^( {0,3}\[[^\]\n]+\]:\s*)(\S+)", re.M)
# A code span as Python-Markdown reads it, conservatively: an unescaped run of backticks, content
# without backticks or backslashes, the same run closing it. Anything less clear is escaped (at
# worst a `&lt;` shows inside code; never raw HTML outside it).
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)([^`\\\n]+?)(?<!`)\1(?!`)")
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


def _destination(dest: str) -> str:
    raw = dest[1:-1] if dest.startswith("<") and dest.endswith(">") else dest
    # What a browser would see: entities decoded, whitespace and controls removed.
    return "".join(ch for ch in html.unescape(raw) if ch > " " and ch != "\x7f")


def _safe_destination(dest: str) -> bool:
    """http(s), mailto, or a relative link; never `javascript:`, `data:` or another scheme."""
    squeezed = _destination(dest)
    m = _SCHEME.match(squeezed)
    if m is None:
        # No scheme. A colon before the first slash would still be read as one; refuse it.
        head = squeezed.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        return ":" not in head
    return m.group(1).lower() in _ALLOWED_SCHEMES


def _local_image(dest: str) -> bool:
    """An image the site serves itself: relative, no scheme, not protocol-relative."""
    squeezed = _destination(dest).replace("\\", "/")
    return _safe_destination(dest) and not _SCHEME.match(squeezed) and not squeezed.startswith("//")


def _link(m: re.Match[str]) -> str:
    bang, text, dest = m.group(1), m.group(2), m.group(3)
    if bang and not _local_image(dest):
        bang = ""  # an image from elsewhere would be a third-party request: show a link instead
    if not _safe_destination(dest):
        dest = "#"
    return f"{bang}[{text}]({dest}"


def _escape_text(text: str) -> str:
    # `<` starts raw HTML, autolinks and snippet markers; `{` starts attr_list's `{: onclick=… }`
    # should a site enable that extension.
    return text.replace("<", "&lt;").replace("{", "&#123;")


def _escape_line(line: str) -> str:
    """`<` and `{` become character references except inside code spans (where Markdown
    escapes them itself)."""
    out: list[str] = []
    pos = 0
    for m in _CODE_SPAN.finditer(line):
        out.append(_escape_text(line[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape_text(line[pos:]))
    return "".join(out)


def _neutralise(text: str) -> str:
    text = _REF_DEF.sub(lambda m: m.group(0) if _safe_destination(m.group(2)) else m.group(1) + "#", text)
    text = _REF_IMAGE.sub(r"[\1][", text)
    text = _INLINE_DEST.sub(_link, text)
    return "\n".join(_escape_line(line) for line in text.split("\n"))


def normalise(markdown: str, tab_length: int = 4) -> str:
    """The text as Python-Markdown's first preprocessor leaves it, so that code blocks are found
    where Markdown will find them."""
    text = markdown.replace("\x02", "").replace("\x03", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.expandtabs(tab_length)
    return re.sub(r"(?<=\n) +\n", "\n", text)


def _fenced_block_re() -> re.Pattern[str]:
    """The very pattern Python-Markdown's fenced_code extension finds code blocks with."""
    module = importlib.import_module("markdown.extensions.fenced_code")
    pattern: re.Pattern[str] = module.FencedBlockPreprocessor.FENCED_BLOCK_RE
    return pattern


def sanitize_prose(markdown: str, *, fenced_code: bool = True) -> str:
    """The charter's Markdown with raw HTML, unsafe links, remote images and includes disarmed.

    With `fenced_code` (the extension is enabled), fenced blocks are found with the extension's
    own pattern and left as they are: Markdown shows them as code.
    """
    text = normalise(markdown)
    if not fenced_code:
        return _neutralise(text)
    out: list[str] = []
    pos = 0
    for m in _fenced_block_re().finditer(text):
        out.append(_neutralise(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_neutralise(text[pos:]))
    return "".join(out)


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


def load_prose(path: Path, *, fenced_code: bool = True, audience: Callable[[str], str] | None = None) -> Prose:
    """Read, strip front matter (its `title` is kept), keep what the edition's `audience` may
    read (`qtgov.records.prose.for_audience`), sanitise, and split at the first `# `."""
    text = path.read_text(encoding="utf-8-sig")
    if audience is not None:
        text = audience(text)
    title: str | None = None
    front = _FRONT.match(text)
    if front:
        m = re.search(r"^title:\s*(.+?)\s*$", front.group(0), re.M)
        if m:
            title = m.group(1).strip("'\"")
        text = text[front.end() :]
    text = sanitize_prose(text, fenced_code=fenced_code)
    h1 = _first_heading(text)
    if h1 is None:
        return Prose(title, "", text)
    if title is None:
        title = plain_heading(h1.group(1))
    return Prose(title, text[: h1.end()], text[h1.end() :])


def _first_heading(text: str) -> re.Match[str] | None:
    """The first `# ` heading outside fenced code."""
    fences = [(m.start(), m.end()) for m in _fenced_block_re().finditer(text)]
    for m in _H1.finditer(text):
        if not any(a <= m.start() < b for a, b in fences):
            return m
    return None


def front_matter(title: str) -> str:
    return f"---\n{front_matter_title(title)}\n---\n"
