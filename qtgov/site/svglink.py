"""Links inside the handbook's inline SVG drawings (the market map, the relations graph, and any
drawing to come): one way to write them, so that they work under both engines.

The engines treat a relative `href` in raw HTML differently. MkDocs publishes it as written, so
the browser resolves it against the page's URL (`zh/market-map/`). Zensical (0.0.73) rewrites it
as if it were relative to the Markdown file (`zh/market-map.md`) and adds a `../`, so
`../members/x/` becomes `../../members/x/`, a page that does not exist. Both engines leave SVG's
own link attribute, `xlink:href`, alone, and browsers follow it on an SVG `<a>` exactly like
`href`. So a drawing's link is an `xlink:href` holding the address relative to the page's final
URL (`page_href` computes it), which each engine publishes unchanged.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Mapping

#: The namespace declaration for a drawing's root `<svg>` element (the HTML parser does not need
#: it; a drawing saved on its own as an .svg file does).
XLINK_NS = 'xmlns:xlink="http://www.w3.org/1999/xlink"'


def page_url(md_path: str) -> str:
    """The URL, relative to the edition's root, of the page MkDocs and Zensical build from the
    Markdown file `md_path` (directory URLs): `members/x.md` → `members/x/`, `index.md` → ``."""
    stem = md_path[: -len(".md")] if md_path.endswith(".md") else md_path
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
    return stem if not stem or stem.endswith("/") else f"{stem}/"


def page_href(page: str, target: str) -> str:
    """The link from the page built from Markdown file `page` to the page built from `target`
    (both relative to the edition's docs folder; a `#fragment` on the target is kept):
    `page_href("market-map.md", "members/x.md") == "../members/x/"`."""
    path, sep, fragment = target.partition("#")
    here, there = page_url(page), page_url(path)
    rel = posixpath.relpath(there or ".", here or ".")
    return f"{'.' if rel == '.' else rel}/{sep}{fragment}"  # every page's URL is a folder


def svg_link(href: str, body: str, attrs: Mapping[str, str] | None = None) -> str:
    """An SVG `<a>` around `body` (SVG markup, already escaped) to `href`, a link relative to the
    page's URL (`page_href`); `attrs` are further attributes, escaped here."""
    extra = "".join(f' {name}="{html.escape(value)}"' for name, value in (attrs or {}).items())
    return f'<a xlink:href="{html.escape(href)}"{extra}>{body}</a>'
