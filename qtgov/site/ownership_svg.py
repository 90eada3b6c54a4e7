"""The ownership graph drawn at build time as inline SVG (docs/design/ownership.md).

Nothing is fetched: the drawing is plain SVG elements in the page. Every piece of record text is
escaped with `html_text` (element content) and `html_attr` (attributes). Companies are boxes,
layered from holders at the top to issuers below; an arrow runs from holder to issuer labelled
with the equity held, solid for sole control, dashed for joint control, dotted for none; the
companies of one control group share a fill colour.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable

from qtgov.economics.ownership import Ownership, pct_text
from qtgov.site.escaping import Md, html_attr, html_text

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 210, 44, 36, 84, 16
#: Fill colours of control groups, light enough for dark text in either colour scheme.
PALETTE = ("#dbeafe", "#dcfce7", "#fef3c7", "#fce7f3", "#ede9fe", "#cffafe", "#fee2e2", "#e5e7eb")
DASH = {"sole": "", "joint": "7 4", "none": "2 4"}
WIDTH = {"sole": "2.5", "joint": "1.6", "none": "1.2"}


def _clip(text: str, width: int = 26) -> str:
    """At most `width` columns (a CJK character counts two), with an ellipsis when cut."""
    out, used = "", 0
    for char in text:
        cost = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if used + cost > width:
            return out.rstrip() + "…"
        out += char
        used += cost
    return out


def _levels(companies: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Longest chain of holdings above each company, capped so that rings of cross-holdings
    (which have no top) still end."""
    level = dict.fromkeys(companies, 0)
    for _ in range(len(companies)):
        changed = False
        for holder, issuer in edges:
            if level[issuer] < level[holder] + 1 < len(companies):
                level[issuer] = level[holder] + 1
                changed = True
        if not changed:
            break
    return level


def draw(graph: Ownership, name: Callable[[str], str], label: str) -> Md:
    """The SVG of `graph`; `name(member_id)` gives the display name in the page's language and
    `label` the drawing's accessible title."""
    companies = graph.companies
    if not companies:
        return Md("")
    stakes = [s for s in graph.stakes if s.direct > 0]
    edges = [(s.holder, s.issuer) for s in stakes]
    level = _levels(companies, edges)
    group_colour: dict[str, str] = {}
    for n, group in enumerate(graph.groups):
        for member in group.members:
            group_colour[member] = PALETTE[n % len(PALETTE)]
    rows: dict[int, list[str]] = defaultdict(list)
    for company in companies:
        rows[level[company]].append(company)
    for row in rows.values():
        row.sort(key=lambda c: (graph.group_of(c), c))
    widest = max(len(r) for r in rows.values())
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X
    height = MARGIN * 2 + (max(rows) + 1) * BOX_H + max(rows) * GAP_Y + 20
    where: dict[str, tuple[float, float]] = {}
    for depth, row in sorted(rows.items()):
        offset = (width - (len(row) * BOX_W + (len(row) - 1) * GAP_X)) / 2
        for n, company in enumerate(row):
            where[company] = (offset + n * (BOX_W + GAP_X), MARGIN + depth * (BOX_H + GAP_Y))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qt-ownership" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" style="max-width: 100%; height: auto" '
        'font-family="sans-serif" font-size="13">',
        f"<title>{html_text(label)}</title>",
        '<defs><marker id="qt-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>',
    ]
    for stake in stakes:
        hx, hy = where[stake.holder]
        ix, iy = where[stake.issuer]
        x1, y1 = hx + BOX_W / 2, hy + BOX_H
        x2, y2 = ix + BOX_W / 2, iy
        if iy <= hy:  # a holding back up a ring: leave from the side and curve round
            x1, y1, y2 = hx + BOX_W, hy + BOX_H / 2, iy + BOX_H / 2
            x2 = ix + BOX_W
            control = f"{max(x1, x2) + 60},{(y1 + y2) / 2}"
        else:
            control = f"{(x1 + x2) / 2},{(y1 + y2) / 2}"
        dash = DASH.get(stake.control, "")
        parts.append(
            f'<path d="M{x1},{y1} Q{control} {x2},{y2}" fill="none" stroke="currentColor" '
            f'stroke-width="{WIDTH.get(stake.control, "1.2")}"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + ' marker-end="url(#qt-arrow)"/>'
        )
        cx, cy = control.split(",")
        mx, my = (x1 + 2 * float(cx) + x2) / 4, (y1 + 2 * float(cy) + y2) / 4
        parts.append(f'<text x="{mx + 6}" y="{my}" fill="currentColor">{html_text(pct_text(stake.direct))}%</text>')
    for company in companies:
        x, y = where[company]
        full = name(company) or company
        parts.append(
            f'<g><title>{html_text(full)} ({html_text(company)})</title><rect x="{x}" y="{y}" width="{BOX_W}" '
            f'height="{BOX_H}" rx="6" fill="{html_attr(group_colour.get(company, "#ffffff"))}" stroke="#555"/>'
            f'<text x="{x + BOX_W / 2}" y="{y + BOX_H / 2 + 5}" text-anchor="middle" fill="#111">'
            f"{html_text(_clip(full))}</text></g>"
        )
    parts.append("</svg>")
    return Md("".join(parts))
