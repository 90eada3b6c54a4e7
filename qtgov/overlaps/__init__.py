"""Market claims and their overlaps (docs/design/overlaps.md).

`analyse(index, as_of=None)` returns an `OverlapReport`: one `Entry` per pair of overlapping
claims of two members, cut into disjoint labelled `Piece`s; `report.to_json()` is the `overlaps`
JSON of docs/design/output.md and `render_text(report, lang)` the table a secretariat hands to members.
`boxes.contested(model)` gives the contested boxes the `overlap` rule reports, one per box where
two or more members meet, without pairing the members.
"""

from qtgov.overlaps.engine import analyse, model_for
from qtgov.overlaps.geometry import Box, NodeSet, box_text, ns_text, period_text
from qtgov.overlaps.model import Agreement, Allocation, Claim, Location, Model
from qtgov.overlaps.report import LABELS, TO_COORDINATE, Entry, OverlapReport, Piece, render_text

__all__ = [
    "LABELS",
    "TO_COORDINATE",
    "Agreement",
    "Allocation",
    "Box",
    "Claim",
    "Entry",
    "Location",
    "Model",
    "NodeSet",
    "OverlapReport",
    "Piece",
    "analyse",
    "box_text",
    "model_for",
    "ns_text",
    "period_text",
    "render_text",
]
