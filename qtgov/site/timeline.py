"""A project's packages drawn on a date axis: one bar per package from its first to its last
day, labelled with the member that delivers it. Drawn at build time as inline SVG (no script,
nothing fetched); each bar links to the assignee's page. Text in it is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

LABEL_WIDTH = 170  # the package titles, left of the axis
CHART_WIDTH = 520
ROW_HEIGHT = 30
AXIS_HEIGHT = 28


@dataclass(frozen=True)
class Bar:
    package: str  # the package id
    title: str  # the package title, in the page's language
    assignee: str  # the member's name, in the page's language
    href: str | None  # the assignee's page, or None when this edition has none
    start: dt.date
    end: dt.date  # the last day, included
    status: str


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from `first`'s month through `last`'s."""
    out = []
    day = first.replace(day=1)
    while day <= last:
        out.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def draw(
    bars: Sequence[Bar],
    *,
    month_label: Callable[[dt.date], str],
    status_label: Callable[[str], str],
    span: Callable[[dt.date, dt.date], str],
    title: str,
) -> str:
    """The timeline as one `<svg>` element on one line (so Markdown leaves it alone); empty when
    there is nothing to draw."""
    if not bars:
        return ""
    first = min(b.start for b in bars)
    last = max(b.end for b in bars)
    days = (last - first).days + 1
    scale = CHART_WIDTH / days
    width = LABEL_WIDTH + CHART_WIDTH + 12
    height = AXIS_HEIGHT + ROW_HEIGHT * len(bars) + 4
    e = html.escape
    out = [
        f'<svg class="qt-tl-svg" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{e(title)}"><title>{e(title)}</title>'
    ]
    months = _months(first, last)
    # Label every month when they fit, else every second or third one.
    step = max(1, -(-len(months) * 46 // CHART_WIDTH))
    for i, month in enumerate(months):
        x = LABEL_WIDTH + max(0, (month - first).days) * scale
        out.append(f'<line class="qt-tl-tick" x1="{x:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x:.1f}" y2="{height - 2}"/>')
        if i % step == 0:
            label = e(month_label(month))
            out.append(f'<text class="qt-tl-month" x="{x + 2:.1f}" y="{AXIS_HEIGHT - 10}">{label}</text>')
    for i, bar in enumerate(bars):
        y = AXIS_HEIGHT + i * ROW_HEIGHT
        x = LABEL_WIDTH + (bar.start - first).days * scale
        w = max(3.0, ((bar.end - bar.start).days + 1) * scale)
        tip = f"{bar.title} — {bar.assignee}: {span(bar.start, bar.end)} ({status_label(bar.status)})"
        out.append(
            f'<text class="qt-tl-package" x="{LABEL_WIDTH - 8}" y="{y + ROW_HEIGHT / 2 + 4:g}" text-anchor="end">'
            f"<title>{e(bar.title)}</title>{e(_short(bar.title, 16))}</text>"
        )
        # The assignee's name inside the bar when it fits, else after it (or before it at the end).
        name = _short(bar.assignee, 18)
        inside = w >= len(name) * 7 + 8
        if inside:
            tx, anchor, cls = x + 4, "start", "qt-tl-name qt-tl-name--in"
        elif x + w + 4 + len(name) * 7 <= width:
            tx, anchor, cls = x + w + 4, "start", "qt-tl-name"
        else:
            tx, anchor, cls = x - 4, "end", "qt-tl-name"
        status = "".join(ch for ch in bar.status if ch.isalnum() or ch == "-")
        body = (
            f"<title>{e(tip)}</title>"
            f'<rect class="qt-tl-bar qt-tl-{e(status)}" x="{x:.1f}" y="{y + 5}" width="{w:.1f}" '
            f'height="{ROW_HEIGHT - 10}" rx="3"/>'
            f'<text class="{cls}" x="{tx:.1f}" y="{y + ROW_HEIGHT / 2 + 4:g}" text-anchor="{anchor}">{e(name)}</text>'
        )
        if bar.href:
            body = f'<a href="{e(bar.href)}">{body}</a>'
        out.append(f'<g data-qt-package="{e(bar.package)}">{body}</g>')
    out.append("</svg>")
    return "".join(out)
