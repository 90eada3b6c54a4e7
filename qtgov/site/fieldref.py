"""The field reference: every field of every record kind, read from the shipped JSON Schemas
(docs/design/handbook.md). A field's meaning is its schema `description` (English) and
`x-description-zh` (Chinese); its example is the schema's `examples`, else one drawn from its type;
the editions that publish it follow docs/design/visibility.md."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from qtgov.records.schemas import schemas

#: The record kinds with a reference page, in page order: (kind, schema file).
KINDS = (
    ("member", "member.schema.json"),
    ("agreement", "agreement.schema.json"),
    ("alliance", "alliance.schema.json"),
    ("taxonomy", "taxonomy.schema.json"),
    ("project", "project.schema.json"),
    ("retrospective", "retrospective.schema.json"),
)

# Fields the public edition never shows whatever the record's visibility (docs/design/visibility.md).
_NEVER_PUBLIC = {("representatives", "*", "github"), ("representatives", "*", "signing_keys")}

# An example for a field that gives none, by the name of the definition its `$ref` points to.
_EXAMPLES = {
    "text": "{zh: 中文, en: English}",
    "long-text": "{zh: …, en: …}",
    "language": "zh",
    "date": "2026-03-01",
    "effective": "on-execution",
    "duration": "P1Y",
    "email": "li@acme.example",
    "id": "acme",
    "member-id": "acme",
    "node-path": "finance/data",
    "tree-path": "finance/data",
    "region": "CN-ZJ",
    "sha256": "c811860b…",
    "url": "https://acme.example",
    "repo-path": "documents/nda.pdf",
    "github": "li-ming",
    "ssh-key": "ssh-ed25519 AAAA… li",
    "spdx": "Apache-2.0",
    "pct": "50",
    "visibility": "public",
    "period": "{start: 2026-01-01, end: 2026-12-31}",
    "person-ref": "p-7f3a",
}


@dataclass(frozen=True)
class Field:
    path: str  # such as representatives[].email; `[]` stands for each item of a list
    type: str  # the JSON type, or the name of the shared definition (date, id, text, …)
    description: dict[str, str]  # {"en": …, "zh": …}; a language may be missing
    example: str
    required: bool
    publish: str  # catalogue key of the editions that publish it (`vis_*`)
    section: str = ""  # for agreement terms: the agreement type they belong to


def _resolve(node: dict[str, Any], base: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Follow `$ref`s inside one schema file; the name of the last definition reached."""
    name = None
    for _ in range(16):
        ref = node.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            break
        name = ref.rsplit("/", 1)[-1]
        found: Any = base
        for part in ref[2:].split("/"):
            found = found[part]
        node = found
    return node, name


def _ref_name(node: Any) -> str | None:
    ref = node.get("$ref") if isinstance(node, dict) else None
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _type(node: dict[str, Any], resolved: dict[str, Any], name: str | None) -> str:
    if name and not name.endswith("-terms"):
        return name
    if "enum" in resolved:
        return " | ".join(str(v) for v in resolved["enum"])
    if "const" in resolved:
        return str(resolved["const"])
    kind = resolved.get("type", node.get("type"))
    if isinstance(kind, list):
        return " | ".join(kind)
    if kind == "array":
        item_name = _ref_name(resolved.get("items"))
        return f"array of {item_name}" if item_name else "array"
    return str(kind or "any")


def _example(node: dict[str, Any], resolved: dict[str, Any], name: str | None) -> str:
    for source in (node, resolved):
        if source.get("examples"):
            return str(source["examples"][0])
    for source in (node, resolved):
        if "enum" in source:
            return str(source["enum"][0])
        if "const" in source:
            return str(source["const"])
    if name in _EXAMPLES:
        return _EXAMPLES[name]
    kind = resolved.get("type")
    if kind == "boolean":
        return "true"
    if kind in ("integer", "number"):
        return str(resolved.get("minimum", 1))
    if kind == "array":
        item_name = _ref_name(resolved.get("items"))
        if item_name in _EXAMPLES:
            return f"[{_EXAMPLES[item_name]}]"
    return ""


def _publish(kind: str, path: tuple[str, ...], node: dict[str, Any]) -> str:
    from qtgov.rules.visibility import ALLOWED

    if node.get("x-personal") is True:
        return "vis_personal_consent" if kind == "member" and path[-1] == "email" else "vis_personal"
    if path in _NEVER_PUBLIC:
        return "vis_personal"
    if node.get("x-sensitive") is True:
        # A project's values are left out of the public edition whatever the record's visibility.
        return "vis_sensitive_project" if kind == "project" else "vis_sensitive"
    if kind in ("alliance", "taxonomy"):
        return "vis_charter"
    allowed: Any = ALLOWED.get(kind, {})
    for part in (p for p in path if p != "*"):
        if not isinstance(allowed, dict) or part not in allowed:
            return "vis_record"
        allowed = allowed[part]
        if allowed is None:
            break
    return "vis_always"


def _walk(
    kind: str, node: dict[str, Any], base: dict[str, Any], path: tuple[str, ...], section: str, depth: int = 0
) -> Iterator[Field]:
    node, _ = _resolve(node, base)
    required = set(node.get("required") or [])
    for name, sub in (node.get("properties") or {}).items():
        resolved, ref_name = _resolve(sub, base)
        here = (*path, name)
        yield Field(
            ".".join(here).replace(".*", "[]"),
            _type(sub, resolved, ref_name),
            {
                lang: text
                for lang, text in (
                    ("en", sub.get("description") or resolved.get("description")),
                    ("zh", sub.get("x-description-zh") or resolved.get("x-description-zh")),
                )
                if isinstance(text, str)
            },
            _example(sub, resolved, ref_name),
            name in required,
            _publish(kind, here, {**resolved, **sub}),
            section,
        )
        if depth < 8:
            yield from _children(kind, resolved, base, here, section, depth)


def _children(
    kind: str, node: dict[str, Any], base: dict[str, Any], path: tuple[str, ...], section: str, depth: int
) -> Iterator[Field]:
    if "properties" in node:
        yield from _walk(kind, node, base, path, section, depth + 1)
    items = node.get("items")
    if isinstance(items, dict):
        items, _ = _resolve(items, base)
        if "properties" in items:
            yield from _walk(kind, items, base, (*path, "*"), section, depth + 1)
    values = node.get("additionalProperties")
    if isinstance(values, dict):  # a map, such as a taxonomy's nodes by path
        values, _ = _resolve(values, base)
        if "properties" in values:
            yield from _walk(kind, values, base, (*path, "<key>"), section, depth + 1)


def fields(kind: str, loaded: Mapping[str, Any] | None = None) -> list[Field]:
    """Every field of a record kind, depth first in schema order; an agreement's `terms` once for
    each agreement type, with `section` set to the type. `loaded`: the schemas by file name
    (default: the shipped ones)."""
    file = dict(KINDS)[kind]
    schema = (schemas() if loaded is None else loaded)[file]
    out = list(_walk(kind, schema, schema, (), ""))
    for branch in schema.get("allOf") or []:
        agreement_type = (((branch.get("if") or {}).get("properties") or {}).get("type") or {}).get("const")
        terms = ((branch.get("then") or {}).get("properties") or {}).get("terms")
        if isinstance(agreement_type, str) and isinstance(terms, dict):
            resolved, _ = _resolve(terms, schema)
            out.extend(_children(kind, resolved, schema, ("terms",), agreement_type, 0))
    return out


def schema_file(kind: str) -> str:
    """The file name of a kind's schema, as the handbook's data downloads carry it."""
    return dict(KINDS)[kind]
