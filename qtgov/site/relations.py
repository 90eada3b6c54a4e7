"""Who has agreements with whom: the relations view of the handbook.

Members sit on a circle; a line joins two members for every kind of agreement they share
(coloured by type, thicker with more agreements), and a shareholding is an arrow from holder to
issuer. Drawn at build time as inline SVG (no script, nothing fetched, text escaped); the same
facts follow as a list, so the page reads without the drawing. Only agreements the edition may
show count, and cancelled or rejected ones do not.

The drawing holds the members with the most relations (`MAX_NODES`); the list holds all of them.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from qtgov.site.svglink import XLINK_NS, svg_link

MAX_NODES = 40
TYPES = ("market-boundary", "revenue-share", "talent", "contribution", "shareholding")
IGNORED_STATUSES = frozenset({"cancelled", "rejected"})


@dataclass
class Pair:
    """Two members and the agreements between them, by type."""

    members: tuple[str, str]
    agreements: dict[str, list[str]] = field(default_factory=dict)  # type -> agreement ids

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.agreements.values())


@dataclass(frozen=True)
class Holding:
    holder: str
    issuer: str
    agreement: str


@dataclass(frozen=True)
class Relations:
    members: list[str]  # all members with a relation, most related first
    pairs: list[Pair]
    holdings: list[Holding]

    def partners(self, member: str) -> list[Pair]:
        return [p for p in self.pairs if member in p.members]


@dataclass(frozen=True)
class AgreementFacts:
    id: str
    type: str
    status: str
    parties: tuple[str, ...]
    holder: str | None = None
    issuer: str | None = None


def relations(agreements: Iterable[AgreementFacts], visible: Callable[[str], bool]) -> Relations:
    pairs: dict[tuple[str, str], Pair] = {}
    holdings: list[Holding] = []
    degree: dict[str, int] = {}
    for a in agreements:
        if a.status in IGNORED_STATUSES:
            continue
        parties = sorted({p for p in a.parties if visible(p)})
        for i, x in enumerate(parties):
            for y in parties[i + 1 :]:
                pair = pairs.setdefault((x, y), Pair((x, y)))
                pair.agreements.setdefault(a.type, []).append(a.id)
                degree[x] = degree.get(x, 0) + 1
                degree[y] = degree.get(y, 0) + 1
        if a.type == "shareholding" and a.holder and a.issuer and visible(a.holder) and visible(a.issuer):
            holdings.append(Holding(a.holder, a.issuer, a.id))
    members = sorted(degree, key=lambda m: (-degree[m], m))
    ordered = sorted(pairs.values(), key=lambda p: p.members)
    return Relations(members, ordered, sorted(holdings, key=lambda h: (h.holder, h.issuer, h.agreement)))


def draw(
    rel: Relations,
    *,
    name: Callable[[str], str],
    href: Callable[[str], str],
    type_label: Callable[[str], str],
    title: str,
) -> str:
    """The graph as one `<svg>` element on one line."""
    nodes = sorted(rel.members[:MAX_NODES])
    if not nodes:
        return ""
    size, radius, margin = 520, 200, 130  # room left and right for the names
    centre = size / 2
    at: dict[str, tuple[float, float]] = {}
    for i, member in enumerate(nodes):
        angle = 2 * math.pi * i / len(nodes) - math.pi / 2
        at[member] = (margin + centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    e = html.escape
    out = [
        f'<svg class="qt-rel-svg" role="img" viewBox="0 0 {size + 2 * margin} {size}" width="{size + 2 * margin}" '
        f'height="{size}" '
        f'xmlns="http://www.w3.org/2000/svg" {XLINK_NS} aria-label="{e(title)}"><title>{e(title)}</title>'
        '<defs><marker id="qt-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="qt-rel-arrowhead"/></marker></defs>'
    ]
    for pair in rel.pairs:
        a, b = pair.members
        if a not in at or b not in at:
            continue
        (x1, y1), (x2, y2) = at[a], at[b]
        kinds = [t for t in TYPES if t in pair.agreements and t != "shareholding"]
        for k, kind in enumerate(kinds):
            # Parallel lines for several kinds, offset across the edge.
            dx, dy = y2 - y1, x1 - x2
            norm = math.hypot(dx, dy) or 1.0
            off = (k - (len(kinds) - 1) / 2) * 4
            ox, oy = dx / norm * off, dy / norm * off
            width = 1.5 + min(len(pair.agreements[kind]), 4)
            tip = f"{name(a)} — {name(b)}: {type_label(kind)} × {len(pair.agreements[kind])}"
            out.append(
                f'<line class="qt-rel-edge qt-rel-{kind}" x1="{x1 + ox:.1f}" y1="{y1 + oy:.1f}" '
                f'x2="{x2 + ox:.1f}" y2="{y2 + oy:.1f}" stroke-width="{width:g}"><title>{e(tip)}</title></line>'
            )
    for h in rel.holdings:
        if h.holder not in at or h.issuer not in at:
            continue
        (x1, y1), (x2, y2) = at[h.holder], at[h.issuer]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        # Stop the arrow at the issuer's circle.
        x2, y2 = x2 - (x2 - x1) / length * 14, y2 - (y2 - y1) / length * 14
        out.append(
            f'<line class="qt-rel-holding" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'marker-end="url(#qt-arrow)"><title>{e(name(h.holder))} → {e(name(h.issuer))}</title></line>'
        )
    for member in nodes:
        x, y = at[member]
        anchor = "start" if x > margin + centre + 1 else "end" if x < margin + centre - 1 else "middle"
        lx = x + (16 if anchor == "start" else -16 if anchor == "end" else 0)
        ly = y + (4 if anchor != "middle" else (-16 if y < centre else 24))
        label = name(member)
        short = label if len(label) <= 14 else label[:13] + "…"
        out.append(
            svg_link(
                href(member),
                f"<title>{e(label)}</title>"
                f'<circle class="qt-rel-node" cx="{x:.1f}" cy="{y:.1f}" r="12"/>'
                f'<text class="qt-rel-label" x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{e(short)}</text>',
            )
        )
    out.append("</svg>")
    return "".join(out)
