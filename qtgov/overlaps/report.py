"""The result of the overlap analysis: one entry per pair of overlapping claims of two members,
each cut into labelled pieces (docs/design/overlaps.md), with the JSON shape of docs/design/output.md
and a text table."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from qtgov import __version__, disclaimer
from qtgov.messages import joined, msg, render
from qtgov.overlaps.geometry import NEG, POS, Box, NodeSet, box_text, day
from qtgov.overlaps.model import Claim

LABELS = ("conflict", "pending", "blocked-review", "resolved", "shared", "intra-group", "unknown")
#: Labels that are overlaps to coordinate (findings of the `overlap` rule).
TO_COORDINATE = ("conflict", "pending", "blocked-review")


class Piece(NamedTuple):
    """A disjoint part of an overlap with exactly one label. (A NamedTuple: the analysis makes
    hundreds of thousands of them at scale and tuples are the cheapest immutable records.)"""

    label: str
    holder: str | None
    agreement: str | None
    box: Box
    schemes: tuple[str, str] | None = None  # only for `unknown`: the two sector schemes

    @property
    def sector(self) -> NodeSet | None:
        return None if self.label == "unknown" else self.box[0]

    @property
    def region(self) -> NodeSet:
        return self.box[1]

    @property
    def segment(self) -> NodeSet:
        return self.box[2]

    @property
    def start(self) -> dt.date | None:
        """First day (None when the overlap has no start: a member without `joined`)."""
        return day(self.box[3])

    @property
    def end(self) -> dt.date | None:
        """Last day included (None when open-ended)."""
        return None if self.box[4] == POS else dt.date.fromordinal(self.box[4] - 1)

    def contains(self, on: dt.date) -> bool:
        o = on.toordinal()
        return self.box[3] <= o < self.box[4]

    @property
    def sort_key(self) -> tuple[str, NodeSet, NodeSet, NodeSet, int]:
        return (self.label, self.box[0], self.box[1], self.box[2], self.box[3])

    def text(self) -> str:
        """`cloud/database × CN except CN-ZJ × * × 2025-01-01…`."""
        sector = None
        if self.schemes is not None:
            sector = f"? ({self.schemes[0]} / {self.schemes[1]})"
        return box_text(self.box, sector)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "label": self.label,
            "holder": self.holder,
            "agreement": self.agreement,
            "sector": _node_json(self.sector),
            "region": _node_json(self.region),
            "segment": _node_json(self.segment),
            "period": {
                "start": self.start.isoformat() if self.box[3] != NEG and self.start else None,
                "end": self.end.isoformat() if self.end else None,
            },
            "text": self.text(),
        }
        if self.schemes is not None:
            out["schemes"] = list(self.schemes)
        return out


def _node_json(s: NodeSet | None) -> dict[str, Any] | None:
    return None if s is None else {"node": s[0], "except": list(s[1])}


class Entry(NamedTuple):
    """One pair of overlapping claims of two different members (members in id order)."""

    members: tuple[str, str]
    claims: tuple[Claim, Claim]
    pieces: tuple[Piece, ...]

    @property
    def sort_key(self) -> tuple[str, str, str, str, int, int]:
        a, b = self.claims
        return (self.members[0], self.members[1], a.id, b.id, a.position, b.position)

    @property
    def unknown(self) -> bool:
        return any(p.label == "unknown" for p in self.pieces)

    def to_json(self) -> dict[str, Any]:
        return {
            "members": list(self.members),
            "claims": [
                {
                    "member": c.member,
                    "claim": c.id,
                    "path": c.location.path,
                    "line": c.location.line,
                    "column": c.location.column,
                    "scheme": c.scheme,
                }
                for c in self.claims
            ],
            "pieces": [p.to_json() for p in self.pieces],
        }


@dataclass
class OverlapReport:
    """Every overlap between claims of different members, over all time or as of one day."""

    entries: list[Entry] = field(default_factory=list)
    as_of: dt.date | None = None

    def on(self, day_: dt.date) -> OverlapReport:
        """Only the pieces that contain `day_` (entries left without pieces are dropped)."""
        kept = []
        for entry in self.entries:
            pieces = tuple(p for p in entry.pieces if p.contains(day_))
            if pieces:
                kept.append(Entry(entry.members, entry.claims, pieces))
        return OverlapReport(kept, day_)

    def involving(self, member: str) -> OverlapReport:
        """Only the entries one member is part of."""
        return OverlapReport([e for e in self.entries if member in e.members], self.as_of)

    def pieces(self) -> Iterable[tuple[Entry, Piece]]:
        for entry in self.entries:
            for piece in entry.pieces:
                yield entry, piece

    def summary(self) -> dict[str, int]:
        counts = Counter(p.label for _, p in self.pieces())
        return {label: counts.get(label, 0) for label in LABELS}

    def between(self, a: str, b: str) -> list[Entry]:
        """Entries between two members (either order)."""
        pair = (a, b) if a < b else (b, a)
        return [e for e in self.entries if e.members == pair]

    def to_json(self) -> dict[str, Any]:
        return {
            "qtgov": __version__,
            "disclaimer": disclaimer.TEXT,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "summary": self.summary(),
            "overlaps": [e.to_json() for e in self.entries],
        }


def _label_name(label: str) -> str:
    """A label's name for a reader (the English name is the label id, as JSON and findings say it)."""
    names = {
        "conflict": msg("conflict"),
        "pending": msg("pending"),
        "blocked-review": msg("blocked-review"),
        "resolved": msg("resolved"),
        "shared": msg("shared"),
        "intra-group": msg("intra-group"),
        "unknown": msg("unknown"),
    }
    return names.get(label, label)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    widths = [max(_width(r[i]) for r in (header, *rows)) for i in range(len(header))]
    out = []
    for row in (header, *rows):
        out.append((indent + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True))).rstrip())
    return out


def render_text(report: OverlapReport, lang: str = "en") -> str:
    """The overlaps as tables a secretariat can hand to the two members concerned: who, which
    claims (file:line), and every piece with its label, holder and agreement, in `lang` (record
    ids, paths and boxes stay as they are)."""
    lines = [disclaimer.TEXT, ""]
    title = msg("Overlaps to coordinate between declared focus areas")
    if report.as_of:
        title = msg("{title} (as of {day})", title=title, day=report.as_of.isoformat())
    lines.append(render(title, lang))
    if not report.entries:
        lines.append(render(msg("No declared focus areas overlap."), lang))
        return "\n".join(lines) + "\n"
    counts = joined(
        ", ", [msg("{label} {n}", label=_label_name(label), n=n) for label, n in report.summary().items() if n]
    )
    n = len(report.entries)
    if n == 1:
        head = msg("1 pair of claims; {counts}", counts=counts)
    else:
        head = msg("{n} pairs of claims; {counts}", n=n, counts=counts)
    lines.append(render(head, lang))
    header = [render(word, lang) for word in (msg("Piece"), msg("Label"), msg("Holder"), msg("Agreement"))]
    for entry in report.entries:
        lines.append("")
        lines.append(f"{entry.members[0]} ↔ {entry.members[1]}")
        for claim in entry.claims:
            loc = claim.location
            where = f"{loc.path}:{loc.line}"
            lines.append(
                "  " + render(msg("{member} claim {id}: {where}", member=claim.member, id=claim.id, where=where), lang)
            )
        rows = [
            [p.text(), render(_label_name(p.label), lang), p.holder or "—", p.agreement or "—"] for p in entry.pieces
        ]
        lines.extend(_table(header, rows))
    return "\n".join(lines) + "\n"


__all__ = ["LABELS", "TO_COORDINATE", "Entry", "OverlapReport", "Piece", "render_text"]
