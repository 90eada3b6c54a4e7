"""A project's packages drawn on a date axis: one bar per package from its first to its last
day, labelled with the member that delivers it. Drawn at build time as inline SVG (no script,
nothing fetched); each bar links to the assignee's page. Text in it is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qtgov.site.svglink import XLINK_NS, svg_link

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


def _width(text: str) -> float:
    """The width of `text` at the timeline's 11 px font, roughly: wide (CJK) characters take
    the full em, others a little over half."""
    return sum(11.0 if unicodedata.east_asian_width(ch) in "WF" else 6.3 for ch in text)


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
    month_label: Callable[[dt.date, bool], str],  # (first day of the month, with the year)
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
        f'xmlns="http://www.w3.org/2000/svg" {XLINK_NS} aria-label="{e(title)}"><title>{e(title)}</title>'
    ]
    # A tick for every month; a label where it does not run into the previous one. The year is
    # written on the first label and on each January's.
    end_of_label = 0.0
    shown_year: int | None = None
    for month in _months(first, last):
        x = LABEL_WIDTH + max(0, (month - first).days) * scale
        out.append(f'<line class="qt-tl-tick" x1="{x:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x:.1f}" y2="{height - 2}"/>')
        text = month_label(month, month.year != shown_year)
        if x + 2 >= end_of_label and x + 2 + _width(text) <= width:
            out.append(f'<text class="qt-tl-month" x="{x + 2:.1f}" y="{AXIS_HEIGHT - 10}">{e(text)}</text>')
            end_of_label = x + 2 + _width(text) + 6
            shown_year = month.year
    for i, bar in enumerate(bars):
        y = AXIS_HEIGHT + i * ROW_HEIGHT
        x = LABEL_WIDTH + (bar.start - first).days * scale
        w = max(3.0, ((bar.end - bar.start).days + 1) * scale)
        tip = f"{bar.title} — {bar.assignee}: {span(bar.start, bar.end)} ({status_label(bar.status)})"
        out.append(
            f'<text class="qt-tl-package" x="{LABEL_WIDTH - 8}" y="{y + ROW_HEIGHT / 2 + 4:g}" text-anchor="end">'
            f"<title>{e(bar.title)}</title>{e(_short(bar.title, 16))}</text>"
        )
        # The assignee's whole name inside the bar when it fits, else after it, else before it;
        # shortened inside the bar only when neither side has room.
        name = bar.assignee
        need = _width(name) + 8
        if need <= w:
            tx, anchor, cls = x + 4, "start", "qt-tl-name qt-tl-name--in"
        elif x + w + need <= width:
            tx, anchor, cls = x + w + 4, "start", "qt-tl-name"
        elif need <= x:
            tx, anchor, cls = x - 4, "end", "qt-tl-name"
        else:
            tx, anchor, cls = x + 4, "start", "qt-tl-name qt-tl-name--in"
            while len(name) > 2 and _width(name + "…") + 8 > w:
                name = name[:-1]
            name += "…"
        status = "".join(ch for ch in bar.status if ch.isalnum() or ch == "-")
        body = (
            f"<title>{e(tip)}</title>"
            f'<rect class="qt-tl-bar qt-tl-{e(status)}" x="{x:.1f}" y="{y + 5}" width="{w:.1f}" '
            f'height="{ROW_HEIGHT - 10}" rx="3"/>'
            f'<text class="{cls}" x="{tx:.1f}" y="{y + ROW_HEIGHT / 2 + 4:g}" text-anchor="{anchor}">{e(name)}</text>'
        )
        if bar.href:
            body = svg_link(bar.href, body)
        out.append(f'<g data-qt-package="{e(bar.package)}">{body}</g>')
    out.append("</svg>")
    return "".join(out)
