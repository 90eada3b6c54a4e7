"""Taxonomy paths and region codes used by declared focus areas and allocations (docs/design/records.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from qtgov.findings import Finding, Severity
from qtgov.messages import msg
from qtgov.records.index import Index, Record
from qtgov.records.trees import OLD_CN_CODES, ROOT, Taxonomy, regions
from qtgov.rules import Rule, rule

TAXONOMY = "taxonomy"


def _taxonomies(index: Index) -> dict[str, Taxonomy]:
    return {scheme: Taxonomy.from_data(rec.data) for scheme, rec in index.taxonomies.items()}


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join(f"/{p}" for p in path)


def _scopes(index: Index) -> Iterator[tuple[Record, tuple[str | int, ...], dict[str, Any], str | None, str]]:
    """(record, path to the scope, scope, explicit scheme, what it is) for every claim and
    allocation scope."""
    for member_id in sorted(index.members):
        member = index.members[member_id]
        for i, claim in enumerate(member.get("claims") or []):
            if isinstance(claim, dict):
                scheme = claim.get("scheme") if isinstance(claim.get("scheme"), str) else None
                yield member, ("claims", i), claim, scheme, f"declared focus area {claim.get('id')!r}"
    for agreement_id in sorted(index.agreements):
        agreement = index.agreements[agreement_id]
        if agreement.get("type") != "market-boundary":
            continue
        terms = agreement.get("terms")
        allocations = terms.get("allocations") if isinstance(terms, dict) else None
        for i, allocation in enumerate(allocations or []):
            if isinstance(allocation, dict) and isinstance(allocation.get("scope"), dict):
                yield agreement, ("terms", "allocations", i, "scope"), allocation["scope"], None, f"allocation {i + 1}"


def _check_paths(
    r: Rule,
    record: Record,
    base: tuple[str | int, ...],
    field: str,
    values: Any,
    scheme: str,
    taxonomy: Taxonomy,
    what: str,
) -> Iterator[Finding]:
    for j, path in enumerate(values if isinstance(values, list) else []):
        if not isinstance(path, str) or taxonomy.exists(path):
            continue
        at = (*base, field, j)
        mark = record.mark(*at)
        moved = taxonomy.follow_retired(path)
        if moved is not None:
            yield r.finding(
                record.path,
                mark.line,
                mark.column,
                msg(
                    "{what}: {field} {path} was retired from {scheme}; write {moved}",
                    what=what,
                    field=field,
                    path=repr(path),
                    scheme=repr(scheme),
                    moved=repr(moved),
                ),
                pointer=_pointer(at),
                severity=Severity.INFO,
            )
        else:
            yield r.finding(
                record.path,
                mark.line,
                mark.column,
                msg(
                    "{what}: {field} {path} is not a node of the {scheme} taxonomy",
                    what=what,
                    field=field,
                    path=repr(path),
                    scheme=repr(scheme),
                ),
                pointer=_pointer(at),
            )


@rule("taxonomy-path", Severity.ERROR, "Sector and segment paths exist in their taxonomy", TAXONOMY, per_record=True)
def check_taxonomy_path(index: Index) -> Iterator[Finding]:
    """
    Every sector path of a declared focus area (claim) or an allocation must be a node of its
    sector scheme — the claim's `scheme`, or the alliance's `schemes.sector` — and every segment
    path a node of the alliance's `schemes.segment`. The taxonomies live in
    `charter/taxonomy/<scheme>.yaml`; `*` (everything) is always allowed.

    - A path that is not in the tree, or a scheme with no taxonomy file, is an **error**: qtgov
      could not compare it reliably with other members' declared focus areas.
    - A path the secretariat has renamed (listed under `retired`) still works, and is reported
      as **info** with the new path to write.
    """
    settings = index.settings
    taxonomies = _taxonomies(index)
    for record, base, scope, explicit, what in _scopes(index):
        scheme = explicit or settings.sector_scheme
        dims = (("sector", scheme), ("segment", settings.segment_scheme))
        for field, dim_scheme in dims:
            values = scope.get(field)
            if not isinstance(values, list) or all(v == ROOT for v in values):
                continue
            taxonomy = taxonomies.get(dim_scheme)
            if taxonomy is not None:
                yield from _check_paths(check_taxonomy_path, record, base, field, values, dim_scheme, taxonomy, what)
                continue
            if index.is_known("taxonomy", dim_scheme):
                continue  # the file exists but is broken: its own findings say why
            at = (*base, "scheme") if field == "sector" and explicit else (*base, field)
            mark = record.key_mark(*at)
            source = "" if explicit and field == "sector" else f" (the alliance's {field} scheme)"
            yield check_taxonomy_path.finding(
                record.path,
                mark.line,
                mark.column,
                msg(
                    "{what}: {field} scheme {dim_scheme}{source} has no taxonomy file "
                    "charter/taxonomy/{dim_scheme}.yaml",
                    what=what,
                    field=field,
                    dim_scheme=repr(dim_scheme),
                    source=source,
                ),
                pointer=_pointer(at),
            )


@rule("region-code", Severity.ERROR, "Regions are ISO 3166 codes", TAXONOMY, per_record=True)
def check_region_code(index: Index) -> Iterator[Finding]:
    """
    Regions of declared focus areas, allocations and a member's `jurisdiction` are `*`
    (everywhere), an ISO 3166-1 country code (`CN`, `FR`) or an ISO 3166-2 subdivision code
    (`CN-ZJ`, `FR-75C`), as published by ISO and packaged by pycountry.

    - A code that is not in ISO 3166 is an **error**.
    - An old numeric Chinese province code (`CN-33`, used by ISO 3166-2:CN before 2017) still
      works and is reported as **info** with the current code (`CN-ZJ`).

    `HK`, `MO` and `TW` are the same regions as `CN-HK`, `CN-MO` and `CN-TW`; the alliance's
    `region.aliases` decides whether they lie inside `CN`.
    """
    tree = regions(index.settings.aliases_nested)
    places: list[tuple[Record, tuple[str | int, ...], Any, str]] = []
    for record, base, scope, _scheme, what in _scopes(index):
        for j, code in enumerate(scope.get("region") or [] if isinstance(scope.get("region"), list) else []):
            places.append((record, (*base, "region", j), code, what))
    for member_id in sorted(index.members):
        member = index.members[member_id]
        if "jurisdiction" in member.data:
            places.append((member, ("jurisdiction",), member.get("jurisdiction"), "jurisdiction"))
    for record, at, code, what in places:
        if not isinstance(code, str):
            continue
        if code in OLD_CN_CODES:
            mark = record.mark(*at)  # only for a finding: a cached record's positions unpack on first use
            yield check_region_code.finding(
                record.path,
                mark.line,
                mark.column,
                msg(
                    "{what}: {code} is the pre-2017 code of {OLD_CN_CODES}; write {OLD_CN_CODES}",
                    what=what,
                    code=repr(code),
                    OLD_CN_CODES=repr(OLD_CN_CODES[code]),
                ),
                pointer=_pointer(at),
                severity=Severity.INFO,
            )
        elif tree.resolve(code) is None:
            mark = record.mark(*at)
            yield check_region_code.finding(
                record.path,
                mark.line,
                mark.column,
                msg("{what}: {code} is not an ISO 3166 country or subdivision code", what=what, code=repr(code)),
                pointer=_pointer(at),
            )


@rule("taxonomy-tree", Severity.ERROR, "Taxonomy trees are well formed", TAXONOMY)
def check_taxonomy_tree(index: Index) -> Iterator[Finding]:
    """
    A taxonomy in `charter/taxonomy/` is a tree: every node's parent path is a node too
    (`cloud/compute/gpu` needs `cloud/compute` and `cloud`). A `retired` entry maps an old path
    to a path that exists (directly or through further renames, without loops) and is no longer
    a live node itself. A `maps_to` crosswalk names a scheme that has a taxonomy file and a node
    in it.
    """
    taxonomies = _taxonomies(index)
    for scheme in sorted(index.taxonomies):
        record = index.taxonomies[scheme]
        for problem in taxonomies[scheme].problems(taxonomies):
            if problem.section == "maps_to":
                at: tuple[str | int, ...] = ("nodes", problem.key, "maps_to", problem.item or 0)
                mark = record.mark(*at)
            else:
                at = (problem.section, problem.key)
                mark = record.key_mark(*at)
            yield check_taxonomy_tree.finding(
                record.path, mark.line, mark.column, problem.message, pointer=_pointer(at)
            )
