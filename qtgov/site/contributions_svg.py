"""Shares of a contribution agreement's work over time, drawn at build time as inline SVG
(docs/design/economics.md).

Nothing is fetched: plain SVG elements in the page. One line per member gives its share of the
measure in each window (a hollow dot marks a window not yet whole); a dashed line of the same
colour gives its committed share. Every text from a record is escaped with `html_text` and
`html_attr`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from qtgov.site.escaping import Md, html_attr, html_text

W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 260, 48, 16, 16, 44
#: Line colours, distinguishable for most colour-vision deficiencies (Okabe–Ito order).
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")


@dataclass(frozen=True)
class Series:
    """One member's line: its display name, its share per window (None: no work measured in
    the window) and its committed share (None: not compared)."""

    name: str
    shares: Sequence[Fraction | None]
    committed: Fraction | None


def _clip(text: str, width: int = 26) -> str:
    """At most `width` columns (a CJK character counts two), so legend entries never overlap."""
    out, used = "", 0
    for char in text:
        cost = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if used + cost > width:
            return out.rstrip() + "…"
        out += char
        used += cost
    return out


def draw(labels: Sequence[str], whole: Sequence[bool], series: Sequence[Series], title: str) -> Md:
    """The chart; `labels` name the windows (their first day) and `title` is its accessible name."""
    if not labels or not series:
        return Md("")
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(labels) > 1 else plot_w / 2)

    def y(share: Fraction) -> float:
        return TOP + plot_h * (1 - float(share))

    legend_rows = (len(series) + 2) // 3
    height = H + 18 * legend_rows
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" width="100%" role="img" '
        f'aria-label="{html_attr(title)}" class="qt-contributions-chart">',
        f"<title>{html_text(title)}</title>",
    ]
    for pct in (0, 25, 50, 75, 100):
        gy = y(Fraction(pct, 100))
        out.append(
            f'<line x1="{LEFT}" y1="{gy:.1f}" x2="{W - RIGHT}" y2="{gy:.1f}" stroke="#9ca3af" stroke-width="0.5"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{gy + 4:.1f}" font-size="11" text-anchor="end" fill="currentColor">{pct}%</text>'
        )
    every = max(1, (len(labels) + 7) // 8)  # at most about eight date labels
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            # the outer labels align inwards so that they stay inside the drawing
            anchor = "start" if i == 0 and len(labels) > 1 else "end" if i == len(labels) - 1 > 0 else "middle"
            out.append(
                f'<text x="{x(i):.1f}" y="{H - BOTTOM + 16}" font-size="11" text-anchor="{anchor}" '
                f'fill="currentColor">{html_text(label)}</text>'
            )
    for n, s in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        if s.committed is not None:
            cy = y(s.committed)
            out.append(
                f'<line x1="{LEFT}" y1="{cy:.1f}" x2="{W - RIGHT}" y2="{cy:.1f}" stroke="{colour}" '
                'stroke-width="1.2" stroke-dasharray="6 4"/>'
            )
        points = [(x(i), y(v), whole[i]) for i, v in enumerate(s.shares) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for px, py, done in points:
            fill = colour if done else "none"
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{fill}" stroke="{colour}"/>')
        lx = LEFT + (n % 3) * (plot_w / 3)
        ly = H + 4 + 18 * (n // 3)
        out.append(f'<rect x="{lx:.1f}" y="{ly - 9}" width="14" height="4" fill="{colour}"/>')
        out.append(
            f'<text x="{lx + 20:.1f}" y="{ly}" font-size="12" fill="currentColor">'
            f"<title>{html_text(s.name)}</title>{html_text(_clip(s.name))}</text>"
        )
    out.append("</svg>")
    return Md("".join(out))
