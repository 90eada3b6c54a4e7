"""Records as round-trip YAML documents, and their one canonical form (docs/design/authoring.md).

Every authoring command reads a record with ruamel.yaml's round-trip loader (comments, blank
lines and scalar styles survive), changes it, and writes the canonical form:

- mapping keys in the order of the schema's `properties` (extension keys `x-…` and unknown keys
  after them, in the order they were written);
- two-space indentation, sequence dashes indented two spaces under their key;
- lists that are sets (`uniqueItems` lists of scalars) sorted, except in agreements, whose list
  order is part of the signed content (RFC 8785 keeps array order, so sorting would void every
  signature);
- scalar values and their styles untouched, so every content hash stays what it was.

Whatever is written is read back with qtgov's own loader and compared with what was meant: a
mismatch is a bug in qtgov and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Iterator
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from qtgov.errors import QtgovError, UsageError
from qtgov.records.yamlload import parse_text, typed_scalar

SchemaNode = dict[str, Any]


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a long line: that would be a change nobody asked for
    return yaml


def load(path: str, text: str) -> CommentedMap:
    """A record file's text as a round-trip document; UsageError when it is not a mapping."""
    try:
        data = _yaml().load(text)
    except YAMLError as exc:
        raise UsageError(f"{path} does not parse as YAML ({str(exc).splitlines()[0]}); run qtgov validate") from None
    if not isinstance(data, CommentedMap):
        raise UsageError(f"{path} is not a mapping of fields; run qtgov validate")
    return data


def dump(data: CommentedMap) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


# -- the schema, as far as key order and sets go --------------------------------------------------


@functools.cache
def _schema(kind: str) -> SchemaNode:
    from qtgov.records.schemas import schemas

    return schemas()[f"{kind}.schema.json"]


def _resolve(kind: str, node: Any) -> SchemaNode:
    """Follow local `$ref`s (the shipped schemas are self-contained)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 32:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return {}
        target: Any = _schema(kind)
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node = target
        seen += 1
    return node if isinstance(node, dict) else {}


def _branches(kind: str, node: SchemaNode, value: Any) -> Iterator[SchemaNode]:
    """`node` and the `then` of every `allOf` if/then whose `const` conditions hold for `value`
    (how the agreement schema picks `terms` by `type`)."""
    yield node
    for part in node.get("allOf") or []:
        cond = part.get("if", {}).get("properties", {}) if isinstance(part, dict) else {}
        if not cond or not isinstance(value, dict):
            continue
        if all(isinstance(c, dict) and "const" in c and value.get(k) == c["const"] for k, c in cond.items()):
            yield _resolve(kind, part.get("then", {}))


def property_schemas(kind: str, node: SchemaNode, value: Any) -> dict[str, SchemaNode]:
    """The properties (name -> resolved schema) an object at `node` may have, in schema order."""
    props: dict[str, SchemaNode] = {}
    for branch in _branches(kind, node, value):
        for name, sub in (branch.get("properties") or {}).items():
            resolved = _resolve(kind, sub)
            merged = {**props.get(name, {}), **resolved, **{k: v for k, v in sub.items() if k != "$ref"}}
            props[name] = merged
    return props


def root_schema(kind: str) -> SchemaNode:
    return _resolve(kind, _schema(kind))


# -- canonical form -----------------------------------------------------------------------------


def _reorder(mapping: CommentedMap, order: list[str]) -> None:
    """Put `mapping`'s keys in `order` (keys not in it keep their order, after), moving each
    key's comments with it."""
    rank = {k: i for i, k in enumerate(order)}
    keys = list(mapping)
    wanted = sorted(keys, key=lambda k: (rank.get(k, len(rank)), keys.index(k)))
    if wanted == keys:
        return
    comments = dict(mapping.ca.items)
    items = [(k, mapping[k]) for k in wanted]
    for k in keys:
        del mapping[k]
    for k, v in items:
        mapping[k] = v
    mapping.ca.items.clear()
    mapping.ca.items.update(comments)


#: Lists whose order carries no meaning: addresses, keys and the paths of a claim's scope.
#: (`languages` is also unique but its first entry is the default, so it is not a set.)
SET_FIELDS = frozenset({"commit_emails", "commit_domains", "signing_keys", "sector", "region", "segment"})


def _is_set(name: str, schema: SchemaNode) -> bool:
    return name in SET_FIELDS and schema.get("type") == "array" and schema.get("uniqueItems") is True


def _sortable(seq: CommentedSeq) -> bool:
    if not seq or seq.ca.items:
        return False  # commented items keep their places
    kinds = {type(v) for v in seq}
    return all(isinstance(v, str) for v in seq) or (
        all(isinstance(v, int | float) and not isinstance(v, bool) for v in seq) and bool(kinds)
    )


def canonicalize(kind: str, data: CommentedMap) -> None:
    """Bring `data` (a whole record) into canonical form in place."""
    _canonical(kind, root_schema(kind), data, sort_sets=kind != "agreement")


def _canonical(kind: str, schema: SchemaNode, value: Any, *, sort_sets: bool, name: str = "") -> None:
    if isinstance(value, CommentedMap):
        props = property_schemas(kind, schema, value)
        _reorder(value, list(props))
        extra = (
            _resolve(kind, schema.get("additionalProperties"))
            if isinstance(schema.get("additionalProperties"), dict)
            else {}
        )
        for key in list(value):
            sub = props.get(key, extra if key not in props and not str(key).startswith("x-") else {})
            _canonical(kind, sub, value[key], sort_sets=sort_sets, name=str(key))
    elif isinstance(value, CommentedSeq):
        items = _resolve(kind, schema.get("items")) if isinstance(schema.get("items"), dict) else {}
        for item in value:
            _canonical(kind, items, item, sort_sets=sort_sets)
        if sort_sets and _is_set(name, schema) and _sortable(value):
            ordered = sorted(value, key=lambda v: (str(type(v)), v))
            if ordered != list(value):
                value[:] = ordered


def canonical_text(kind: str, path: str, text: str) -> str:
    """The canonical form of a record file's text (the same text when it already is)."""
    bom = text.startswith("\ufeff")
    body = text[1:] if bom else text
    data = load(path, body)
    canonicalize(kind, data)
    out = dump(data)
    if "\r\n" in body:
        out = out.replace("\n", "\r\n")
    return ("\ufeff" if bom else "") + out


# -- values written by commands -------------------------------------------------------------------


def yaml_value(value: Any) -> Any:
    """A plain Python value as ruamel nodes that qtgov's loader reads back as `value`: dates as
    plain `YYYY-MM-DD`, strings qtgov would read as something else double-quoted."""
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = yaml_value(v)
        return out
    if isinstance(value, list):
        seq = CommentedSeq()
        seq.extend(yaml_value(v) for v in value)
        if value and all(isinstance(v, str | int | float) for v in value):
            seq.fa.set_flow_style()  # a list of words reads best on one line: [cloud/compute]
        return seq
    if isinstance(value, str):
        if _is_date(value):
            return dt.date.fromisoformat(value)
        if typed_scalar(value, True) != value or value != value.strip() or not value:
            return DoubleQuotedScalarString(value)
    return value


def _is_date(value: str) -> bool:
    if len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def plain(value: Any) -> Any:
    """A ruamel value as the plain data qtgov's loader gives (dates as strings)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    return value


def checked(path: str, text: str, expected: dict[str, Any]) -> str:
    """`text` if qtgov's loader reads it as `expected`, else a QtgovError (a bug: nothing is
    written)."""
    result = parse_text(path, text.removeprefix("\ufeff"))
    data = result.document.data if result.document is not None else None
    if result.findings or data != expected:
        raise QtgovError(
            f"qtgov would have written {path} so that it reads differently than intended; nothing was "
            "written. Rerun with QTGOV_DEBUG=1 and report it."
        )
    return text
