"""The JSON Schemas (draft 2020-12): preloaded by `$id`, never fetched, errors mapped to lines.

The schema files live in the repository's top-level `schemas/` and ship inside the wheel as
`qtgov/schemas/` (hatch force-include); whichever exists is used. Each record kind's file is
self-contained (every `$ref` is `#/$defs/...`), so other tools can use it offline on its own;
the shared definitions are written once in `common.schema.json` and copied in by `bundle()`
(see docs/design/schemas.md).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from qtgov.findings import Finding, Severity
from qtgov.records import schema_messages
from qtgov.records.yamlload import Document

KINDS = ("alliance", "taxonomy", "member", "agreement", "project", "retrospective")
BASE_ID = "https://quanttide.github.io/qtgov/schemas/"
COMMON = "common.schema.json"
_LOCAL_DEF = "#/$defs/"


@functools.cache
def schema_dir() -> Path:
    """The folder of the shipped schema files (inside the wheel, or the source tree's `schemas/`)."""
    package = Path(__file__).resolve().parent.parent  # qtgov/
    for candidate in (package / "schemas", package.parent / "schemas"):
        if (candidate / "member.schema.json").is_file():
            return candidate
    raise FileNotFoundError("qtgov's schemas are missing from the installation")


@functools.cache
def schema_files() -> dict[str, bytes]:
    """File name -> bytes of every shipped schema."""
    d = schema_dir()
    return {p.name: p.read_bytes() for p in sorted(d.glob("*.schema.json"))}


@functools.cache
def schemas() -> dict[str, dict[str, Any]]:
    return {name: json.loads(raw) for name, raw in schema_files().items()}


def handbook_languages() -> tuple[str, ...]:
    """The languages an alliance may list in `languages`: those the handbook is written in."""
    return tuple(schemas()["alliance.schema.json"]["properties"]["languages"]["items"]["enum"])


@functools.cache
def fingerprint() -> str:
    """A hash of every schema's bytes, part of the validation cache key."""
    h = hashlib.sha256()
    for name, raw in schema_files().items():
        h.update(name.encode() + b"\0" + raw + b"\0")
    return h.hexdigest()


@functools.cache
def _validators() -> dict[str, Any]:
    import jsonschema
    from referencing import Registry, Resource

    loaded = schemas()
    registry: Registry[Any] = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in loaded.values())
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    out = {}
    for kind in KINDS:
        schema = loaded[f"{kind}.schema.json"]
        out[kind] = jsonschema.Draft202012Validator(schema, registry=registry, format_checker=checker)
    return out


@functools.cache
def _fast_validators() -> dict[str, Any] | None:
    """Compiled validators (jsonschema-rs) answering only "valid or not", in microseconds.

    The pure-Python validator then explains just the records these reject, so messages and
    positions stay exactly the same. Without jsonschema-rs every record takes the slow path.
    """
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - an optional speed-up
        return None
    loaded = schemas()
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in loaded.values()])
    return {
        kind: jsonschema_rs.Draft202012Validator(
            loaded[f"{kind}.schema.json"], registry=registry, validate_formats=True, offline=True
        )
        for kind in KINDS
    }


def _def_name(ref: str, common_names: Collection[str]) -> str | None:
    """The common definition a `$ref` names (by URL, relative file name or local pointer), if any."""
    target, _, frag = ref.partition("#")
    if not frag.startswith("/$defs/") or frag.count("/") != 2:
        return None
    name = frag.removeprefix("/$defs/")
    if target and target.rsplit("/", 1)[-1] != COMMON:
        return None
    return name if name in common_names else None


def bundle(schema: dict[str, Any], common: dict[str, Any]) -> dict[str, Any]:
    """`schema` made self-contained: every reference to a definition of `common.schema.json`
    becomes `#/$defs/<name>`, and exactly the common definitions it uses (directly or through
    another definition) are copied, verbatim, into its `$defs` after its own.

    A kind's own definitions must not reuse a common name: such an entry is taken for a stale
    copy and replaced. Bundling a bundled schema changes nothing (tests check the shipped files
    are up to date; scripts/bundle-schemas rewrites them)."""
    defs = common.get("$defs", {})

    def rewrite(node: Any, used: set[str]) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str) and (name := _def_name(value, defs)) is not None:
                    used.add(name)
                    out[key] = _LOCAL_DEF + name
                else:
                    out[key] = rewrite(value, used)
            return out
        if isinstance(node, list):
            return [rewrite(v, used) for v in node]
        return node

    # common.schema.json itself keeps every definition it has.
    used: set[str] = set(defs) if schema.get("$id") == common.get("$id") else set()
    own = {k: v for k, v in schema.get("$defs", {}).items() if k not in defs}
    body = rewrite({k: v for k, v in schema.items() if k != "$defs"}, used)
    own = rewrite(own, used)
    copied: dict[str, Any] = {}
    pending = sorted(used)
    while pending:
        name = pending.pop()
        if name in copied:
            continue
        found: set[str] = set()
        copied[name] = rewrite(defs[name], found)
        pending.extend(sorted(found - set(copied)))
    ordered = {name: copied[name] for name in defs if name in copied}
    if own or ordered:
        body["$defs"] = {**own, **ordered}
    return body


def dump(schema: dict[str, Any]) -> str:
    """The canonical text of a schema file (2-space JSON, UTF-8 kept, final newline)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _deepest(error: Any) -> Any:
    """For oneOf/anyOf, descend to the most relevant sub-error (jsonschema's best_match)."""
    from jsonschema.exceptions import best_match

    while error.context:
        best = best_match(error.context)
        if best is None or best is error:
            break
        error = best
    return error


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


# When several keywords reject one value, the first of these is the one a reader needs.
_VALUE_KEYWORDS = ("type", "maxLength", "minLength", "enum", "const", "minimum", "maximum", "pattern", "format")


def iter_schema_findings(kind: str, doc: Document) -> Iterator[Finding]:
    """One finding per problem, worded by `schema_messages`, at the line of the value (or of
    the key, for an unknown field)."""
    validator = _validators()[kind]
    found: list[tuple[tuple[str | int, ...], bool, str, int]] = []
    for error in validator.iter_errors(doc.data):
        err = _deepest(error)
        path = tuple(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = sorted(err.schema.get("properties", {}))
            for key in err.instance:
                if key not in allowed and not str(key).startswith("x-"):
                    found.append(((*path, key), True, schema_messages.unknown_field(str(key), allowed), -1))
            continue
        rank = _VALUE_KEYWORDS.index(err.validator) if err.validator in _VALUE_KEYWORDS else -1
        found.append((path, False, schema_messages.message(err, path), rank))
    best: dict[tuple[str | int, ...], int] = {}
    for path, _, _, rank in found:
        if rank >= 0:
            best[path] = min(rank, best.get(path, rank))
    for path, on_key, message, rank in found:
        if rank >= 0 and best[path] != rank:
            continue  # the same value, already reported in the words that matter most
        mark = doc.key_mark(path) if on_key else doc.mark(path)
        yield Finding(doc.path, mark.line, mark.column, "schema", Severity.ERROR, message, _pointer(path))


def schema_findings(kind: str, doc: Document) -> list[Finding]:
    fast = _fast_validators()
    if fast is not None:
        try:
            if fast[kind].is_valid(doc.data):
                return []
        except (ValueError, OverflowError):  # data it cannot represent: let jsonschema decide
            pass
    return list(iter_schema_findings(kind, doc))


@functools.cache
def marked_properties(kind: str, mark: str) -> tuple[tuple[tuple[str, ...], frozenset[str]], ...]:
    """Property paths of a kind's schema whose schema carries `mark: true` (such as
    `x-sensitive` or `x-personal`), in any `allOf`/`if`-`then` branch too, each with the names of
    its sibling properties (so a rule can see whether the object also has, say, `public_contact`).
    `"*"` stands for array items; `$ref`s are followed relative to the file they occur in."""
    loaded = schemas()
    root = loaded[f"{kind}.schema.json"]
    out: dict[tuple[str, ...], frozenset[str]] = {}

    def resolve(node: dict[str, Any], base: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        for _ in range(16):
            ref = node.get("$ref")
            if not isinstance(ref, str):
                break
            target, _, frag = ref.partition("#")
            if target:
                base = loaded[target.rsplit("/", 1)[-1]]
            found: Any = base
            for part in (p for p in frag.split("/") if p):
                found = found[part]
            node = found
        return node, base

    def walk(node: Any, base: dict[str, Any], path: tuple[str, ...], siblings: frozenset[str], depth: int) -> None:
        if not isinstance(node, dict) or depth > 16:
            return
        if node.get(mark) is True and path:
            out.setdefault(path, siblings)
        node, base = resolve(node, base)
        if node.get(mark) is True and path:
            out.setdefault(path, siblings)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key, []):
                walk(sub, base, path, siblings, depth + 1)
        for key in ("then", "else"):
            walk(node.get(key), base, path, siblings, depth + 1)
        props = node.get("properties", {})
        names = frozenset(props)
        for name, sub in props.items():
            walk(sub, base, (*path, name), names, depth + 1)
        if "items" in node:
            walk(node["items"], base, (*path, "*"), siblings, depth + 1)

    walk(root, root, (), frozenset(), 0)
    return tuple(sorted(out.items()))


def sensitive_paths(kind: str) -> list[tuple[str, ...]]:
    """Property paths marked `x-sensitive: true` in a kind's schema ("*" stands for array items)."""
    return [path for path, _ in marked_properties(kind, "x-sensitive")]
