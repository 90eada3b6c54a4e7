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

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN, SIDE = 210, 44, 36, 84, 16, 70
#: Percentages stay legible where they cross a line: a halo in the page's background colour.
LABEL_HALO = "paint-order: stroke; stroke: var(--md-default-bg-color, #fff); stroke-width: 4px"
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


def _back_edges(companies: list[str], edges: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The holdings that close a ring (found by a depth-first walk from the companies nobody
    holds, then from any left): drawn back up the side, so the rest layers top to bottom."""
    out_edges: dict[str, list[str]] = defaultdict(list)
    held = {issuer for _, issuer in edges}
    for holder, issuer in edges:
        out_edges[holder].append(issuer)
    state: dict[str, int] = {}  # 1 on the walk's path, 2 done
    back: set[tuple[str, str]] = set()
    starts = [c for c in companies if c not in held] + companies
    for root in starts:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(sorted(out_edges[root])))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(sorted(out_edges[child]))))
    return back


def _levels(companies: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """The longest chain of holdings above each company (the edges form no ring)."""
    level = dict.fromkeys(companies, 0)
    for _ in range(len(companies)):
        changed = False
        for holder, issuer in edges:
            if level[issuer] < level[holder] + 1:
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
    back = _back_edges(companies, edges)
    level = _levels(companies, [e for e in edges if e not in back])
    group_colour: dict[str, str] = {}
    for n, group in enumerate(graph.groups):
        for member in group.members:
            group_colour[member] = PALETTE[n % len(PALETTE)]
    rows: dict[int, list[str]] = defaultdict(list)
    for company in companies:
        rows[level[company]].append(company)
    for row in rows.values():
        row.sort(key=lambda c: (graph.group_of(c), c))
    # Room at the sides for holdings that skip a layer (left) or close a ring (right).
    side = SIDE if any(e in back or level[e[1]] - level[e[0]] > 1 for e in edges) else 0
    widest = max(len(r) for r in rows.values())
    width = (MARGIN + side) * 2 + widest * BOX_W + (widest - 1) * GAP_X
    height = MARGIN * 2 + (max(rows) + 1) * BOX_H + max(rows) * GAP_Y
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
        '<defs><marker id="qt-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" '
        'markerWidth="9" markerHeight="9" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>',
    ]
    for stake in stakes:
        hx, hy = where[stake.holder]
        ix, iy = where[stake.issuer]
        x1, y1 = hx + BOX_W / 2, hy + BOX_H
        x2, y2 = ix + BOX_W / 2, iy
        if (stake.holder, stake.issuer) in back:  # back up a ring: along the right, side to side
            x1, y1, x2, y2 = hx + BOX_W, hy + BOX_H / 2, ix + BOX_W, iy + BOX_H / 2
            cx, cy = max(x1, x2) + side * 1.6, (y1 + y2) / 2
        elif level[stake.issuer] - level[stake.holder] > 1:  # past a layer: round the left
            x1, y1, x2, y2 = hx, hy + BOX_H / 2, ix, iy + BOX_H / 2
            cx, cy = min(x1, x2) - side * 1.6, (y1 + y2) / 2
        else:
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        control = f"{cx},{cy}"
        dash = DASH.get(stake.control, "")
        parts.append(
            f'<path d="M{x1},{y1} Q{control} {x2},{y2}" fill="none" stroke="currentColor" '
            f'stroke-width="{WIDTH.get(stake.control, "1.2")}"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + ' marker-end="url(#qt-arrow)"/>'
        )
        mx, my = (x1 + 2 * cx + x2) / 4, (y1 + 2 * cy + y2) / 4
        parts.append(
            f'<text x="{mx + 5}" y="{my + 4}" fill="currentColor" style="{LABEL_HALO}">'
            f"{html_text(pct_text(stake.direct))}%</text>"
        )
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
