"""Escaping for the handbook: record text becomes inert Markdown/HTML text, never markup.

Every generated page is Markdown that MkDocs turns into HTML, and a record's text can reach
several contexts on the way: Markdown inline syntax (emphasis, links, `{: attr_list }`,
`--8<--` snippets, autolinks, tables), raw HTML blocks (tables with data attributes, the market
map), HTML attributes, the page `<title>` (Material prints `page.meta.title` unescaped) and
YAML front matter. One function, `md_inline`, makes text safe for all of the Markdown and HTML
ones at once: every ASCII punctuation character becomes a numeric character reference
(`&#60;` for `<`, `&#91;` for `[`, `&#124;` for `|`, ...). Python-Markdown passes character
references through untouched, no Markdown extension treats them as syntax, and browsers decode
them back to the same character in text and in attribute values, so the reader sees exactly what
the record says. Line breaks and control characters become spaces (a newline would end a table
row or start a block). Letters, digits, spaces and non-ASCII text pass unchanged, so Chinese
text and search stay readable.

`Md` is a `markupsafe.Markup` whose `escape` is `md_inline`: the Jinja environment finalises
every `{{ … }}` through it, so concatenation and `%`/`format` with plain strings escape for
Markdown too, not just for HTML.
"""

from __future__ import annotations

import functools
import html
import json
import re
import string
from typing import Any

from markupsafe import Markup

# ASCII punctuation that any Markdown extension or HTML may read as syntax. Left out, because
# nothing reads them so (and they are frequent in paths and prose): `/ , ; ? @`.
_PUNCT = frozenset(string.punctuation) - frozenset("/,;?@")
# Characters that end a line somewhere (Python, YAML, JavaScript, HTML): they become spaces.
_BREAKS = re.compile(r"[\r\n\t\v\f\x1c-\x1e\x85\u2028\u2029]")
# Characters dropped: other C0/C1 controls, bidirectional overrides and marks, surrogates and the
# two non-characters YAML cannot carry.
_DROP = re.compile(
    r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_SPACES = re.compile(r" {2,}")
_TABLE = str.maketrans({c: f"&#{ord(c)};" for c in _PUNCT})


def plain(value: object, *, strip: bool = True) -> str:
    """`value` as one line of printable text: line breaks become spaces, controls, bidi overrides
    and characters YAML cannot carry are dropped, runs of spaces collapse, ends are trimmed
    (unless `strip` is false: for pieces of a sentence)."""
    text = _DROP.sub("", _BREAKS.sub(" ", str(value)))
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return text.strip() if strip else text


@functools.lru_cache(maxsize=1 << 13)  # names, labels and ids repeat; messages mostly do not
def _inline(text: str, strip: bool) -> str:
    return plain(text, strip=strip).translate(_TABLE)


def md_inline(value: object, *, strip: bool = True) -> str:
    """Markdown-and-HTML-safe inline text: the reader sees `value` verbatim, nothing is markup."""
    return _inline(value if isinstance(value, str) else str(value), strip)


def md_cell(value: object) -> str:
    """Text for one cell of a Markdown table: inline-safe (pipes and newlines included), and
    never empty (an empty cell is shown as an em dash)."""
    text = md_inline(value) if value is not None else ""
    return text or "—"


def md_block(value: object) -> str:
    """Multi-paragraph text: paragraphs (split at blank lines) are escaped one by one."""
    paragraphs = re.split(r"\n[ \t]*\n", str(value).replace("\r\n", "\n"))
    return "\n\n".join(p for p in (md_inline(x) for x in paragraphs) if p)


def html_text(value: object) -> str:
    """Plain text escaped for HTML only (`<>&"'`), for places that are HTML but not Markdown:
    the front-matter title that Material prints into `<title>` and the header."""
    return html.escape(plain(value), quote=True)


def front_matter_title(value: object) -> str:
    """A YAML front matter line `title: "…"` that is safe as YAML and as HTML: the value is
    HTML-escaped (Material prints `page.meta.title` without escaping) and written as a JSON
    string, which YAML reads as a double-quoted scalar."""
    return "title: " + json.dumps(html_text(value), ensure_ascii=False)


_URL = re.compile(r"(?i:https?)://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+\Z")


def safe_url(value: object) -> str | None:
    """`value` if it is a plain http(s) URL made only of URL characters, else None.

    The check is on the raw text with no decoding: a URL that needs entity decoding, has
    leading spaces or control characters, or names another scheme (`javascript:`, `data:`,
    `JaVaScRiPt:`, `&#106;avascript:`, `java\\tscript:`) is refused rather than repaired.
    """
    if not isinstance(value, str) or not _URL.match(value):
        return None
    return value


def html_attr(value: str) -> str:
    """An attribute value for a double-quoted HTML attribute."""
    return html.escape(value, quote=True)


class Md(Markup):
    """Text that is already safe Markdown. Mixing in plain strings escapes them with `md_inline`."""

    __slots__ = ()

    @classmethod
    def escape(cls, s: Any) -> Md:
        if hasattr(s, "__html__"):
            return cls(s.__html__())
        return cls(md_inline(s))


def md(value: object) -> Md:
    """`value` as safe Markdown: already-safe `Markup` stays as it is, anything else is escaped."""
    if value is None:
        return Md("")
    return Md.escape(value)


def finalize(value: object) -> object:
    """Jinja `finalize`: every `{{ … }}` result is escaped for Markdown unless already safe."""
    if value is None:
        return Md("")
    return md(value)
