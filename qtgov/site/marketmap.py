"""The market map drawn: a sector × region grid, one cell per box that some member claims,
coloured by what is there — one member's declared focus area, several members side by side
(different segments or periods), overlaps that are coordinated, or overlaps still open. Drawn at
build time as inline SVG (no script, nothing fetched); every cell links to the member's page, or
for a contested box to the table of overlaps below it. Text in it is escaped.

Only the largest rows and columns are drawn (the boxes most members claim); the table and
`api/overlaps.json` hold the rest.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from qtgov.site.svglink import XLINK_NS, svg_link

MAX_SECTORS = 24
MAX_REGIONS = 14
OPEN = frozenset({"conflict", "pending", "blocked-review", "unknown"})
#: Cell states, most pressing first; the colour classes live in qtgov.css.
STATES = ("open", "coordinated", "several", "one")


@dataclass
class Cell:
    sector: str
    region: str
    claimants: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)

    @property
    def state(self) -> str:
        if self.labels & OPEN:
            return "open"
        if self.labels:
            return "coordinated"
        return "several" if len(self.claimants) > 1 else "one"


@dataclass(frozen=True)
class MarketMap:
    sectors: list[str]
    regions: list[str]
    cells: dict[tuple[str, str], Cell]
    truncated: bool


def _ancestors(node: str, sep: str) -> Iterable[str]:
    parts = node.split(sep)
    for i in range(len(parts), 0, -1):
        yield sep.join(parts[:i])
    yield "*"


def _region_ancestors(code: str) -> Iterable[str]:
    yield code
    if "-" in code:
        yield code.split("-", 1)[0]
    if code != "*":
        yield "*"


def build_map(claims: Iterable[tuple[str, dict[str, Any]]], pieces: Iterable[dict[str, Any]]) -> MarketMap:
    """`claims`: (member id, claim) of the members shown; `pieces`: overlap pieces in force now."""
    cells: dict[tuple[str, str], Cell] = {}
    for member, claim in claims:
        for sector in claim.get("sector") or []:
            for region in claim.get("region") or []:
                if isinstance(sector, str) and isinstance(region, str):
                    cells.setdefault((sector, region), Cell(sector, region)).claimants.add(member)
    for piece in pieces:
        sector = (piece.get("sector") or {}).get("node")
        region = (piece.get("region") or {}).get("node")
        if not isinstance(sector, str) or not isinstance(region, str):
            continue
        # A piece lies inside every claimed box that contains it.
        for s in _ancestors(sector, "/"):
            for r in _region_ancestors(region):
                cell = cells.get((s, r))
                if cell is not None:
                    cell.labels.add(piece["label"])
    weight: dict[str, int] = {}
    region_weight: dict[str, int] = {}
    for (s, r), cell in cells.items():
        weight[s] = weight.get(s, 0) + len(cell.claimants)
        region_weight[r] = region_weight.get(r, 0) + len(cell.claimants)
    sectors = sorted(weight, key=lambda s: (-weight[s], s))[:MAX_SECTORS]
    regions = sorted(region_weight, key=lambda r: (-region_weight[r], r))[:MAX_REGIONS]
    truncated = len(weight) > len(sectors) or len(region_weight) > len(regions)
    return MarketMap(sorted(sectors), sorted(regions), cells, truncated)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def draw(
    market: MarketMap,
    *,
    sector_label: Callable[[str], str],
    region_label: Callable[[str], str],
    member_name: Callable[[str], str],
    member_href: Callable[[str], str | None],
    state_label: Callable[[str], str],
    title: str,
    contested_href: str,
) -> str:
    """The grid as one `<svg>` element (a single line of HTML, so Markdown leaves it alone)."""
    left, top, width, height = 190, 46, 104, 34
    w = left + width * len(market.regions) + 2
    h = top + height * len(market.sectors) + 2
    e = html.escape
    out = [
        f'<svg class="qt-map-svg" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        f'xmlns="http://www.w3.org/2000/svg" {XLINK_NS} aria-label="{e(title)}"><title>{e(title)}</title>'
    ]
    for j, region in enumerate(market.regions):
        x = left + j * width + width / 2
        label = region_label(region)
        out.append(
            f'<text class="qt-map-head" x="{x:g}" y="{top - 10}" text-anchor="middle">'
            f"<title>{e(label)}</title>{e(_short(label, 12))}</text>"
        )
    for i, sector in enumerate(market.sectors):
        y = top + i * height
        label = sector_label(sector)
        out.append(
            f'<text class="qt-map-head" x="{left - 8}" y="{y + height / 2 + 4:g}" text-anchor="end">'
            f"<title>{e(label)}</title>{e(_short(label, 18))}</text>"
        )
        for j, region in enumerate(market.regions):
            x = left + j * width
            cell = market.cells.get((sector, region))
            if cell is None:
                out.append(
                    f'<rect class="qt-map-empty" x="{x + 1}" y="{y + 1}" width="{width - 2}" height="{height - 2}"/>'
                )
                continue
            names = sorted(member_name(m) for m in cell.claimants)
            tip = f"{sector_label(sector)} × {region_label(region)} — {state_label(cell.state)}: {', '.join(names)}"
            text = names[0] if len(names) == 1 else f"{len(names)}"
            href = member_href(next(iter(cell.claimants))) if len(cell.claimants) == 1 else contested_href
            body = (
                f"<title>{e(tip)}</title>"
                f'<rect class="qt-map-cell qt-map-{cell.state}" x="{x + 1}" y="{y + 1}" '
                f'width="{width - 2}" height="{height - 2}" rx="3"/>'
                f'<text class="qt-map-text" x="{x + width / 2:g}" y="{y + height / 2 + 4:g}" '
                f'text-anchor="middle">{e(_short(text, 9))}</text>'
            )
            if href:
                body = svg_link(href, body, {"data-qt-cell": f"{sector}|{region}"})
            out.append(f"<g>{body}</g>")
    out.append("</svg>")
    return "".join(out)
