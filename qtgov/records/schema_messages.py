"""Schema errors said as a person would say them (docs/design/schemas.md, "Messages").

jsonschema words its errors for programmers ("None is not of type 'string'", "'' should be
non-empty"). Each validator keyword the schemas use gets a sentence here of the form
"<field> is <what was found>: <what to give instead>", naming the field by its key, quoting the
value briefly, and, for a misspelt key or choice, offering the closest allowed name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from qtgov.messages import joined, msg

# Shown values are cut to this many characters (a 90,000-character name stays one line).
_SHOW = 40

_TYPE_WORDS = {
    "string": msg("text"),
    "number": msg("a number"),
    "integer": msg("a whole number"),
    "boolean": msg("true or false"),
    "array": msg("a list"),
    "object": msg("a mapping of fields"),
    "null": msg("nothing"),
}

# format keyword -> (what the value is not, what to give); the pattern has already matched.
_FORMATS = {
    "date": (msg("a real calendar day"), msg("a date YYYY-MM-DD")),
    "email": (msg("a valid email address"), msg("an address such as name@example.com")),
    "uri": (msg("a valid URL"), msg("an http(s) URL such as https://example.com")),
    "duration": (msg("a valid ISO 8601 duration"), msg("a duration such as P12M")),
}


def label(path: Sequence[str | int]) -> str:
    """How a message names the value at `path`: its key, or "entry N of key" inside a list."""
    if not path:
        return msg("the record")
    last = path[-1]
    if isinstance(last, int):
        owner = next((p for p in reversed(path) if isinstance(p, str)), "the list")
        return msg("entry {value} of {owner}", value=last + 1, owner=owner)
    return str(last)


def show(value: Any) -> str:
    """A value as a reader would recognise it in the file."""
    if value is None:
        return msg("empty")
    if value is True or value is False:
        return msg("{lower} (a yes/no value)", lower=str(value).lower())
    if isinstance(value, int | float):
        return msg("the number {value}", value=value)
    if isinstance(value, list):
        return msg("a list")
    if isinstance(value, dict):
        return msg("a mapping of fields")
    text = str(value)
    if len(text) > _SHOW:
        text = text[: _SHOW - 1] + "…"
    return repr(text)


def choices(values: Iterable[Any]) -> str:
    """`a`, `a or b`, `a, b or c`."""
    words = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
    if len(words) <= 1:
        return "".join(words)
    return msg("{first} or {last}", first=joined(", ", words[:-1]), last=words[-1])


def did_you_mean(word: Any, allowed: Iterable[Any]) -> str:
    """` (did you mean 'x'?)` when one allowed name is close to `word`, else ""."""
    if not isinstance(word, str):
        return ""
    names = [str(a) for a in allowed if a is not None]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if not close:
        close = [n for n in names if n.lower() == word.lower()]
    return msg(" (did you mean {name}?)", name=repr(close[0])) if close else ""


def expected(schema: Any) -> str:
    """What a value of `schema` looks like, in words: its description when that names a form
    (descriptions of value forms start in lower case, "a date YYYY-MM-DD"), else its type."""
    if not isinstance(schema, dict):
        return msg("a valid value")
    desc = schema.get("description")
    if isinstance(desc, str) and (desc[:1].islower() or desc.startswith("*")):
        return schema_text(desc, schema.get("x-description-zh"))
    if "enum" in schema:
        return choices(schema["enum"])
    if "const" in schema:
        return str(schema["const"])
    kinds = schema.get("type")
    if kinds == ["string", "object"] or kinds == ["object", "string"]:
        return msg("text, or a map of language code to text such as {{zh: …, en: …}}")
    if isinstance(kinds, list):
        return choices(_TYPE_WORDS.get(k, k) for k in kinds)
    if isinstance(kinds, str):
        return _TYPE_WORDS.get(kinds, kinds)
    return msg("a valid value")


def schema_text(text: str, text_zh: Any) -> str:
    """Text a schema gives in both languages (`description` and `x-description-zh`), as a
    message that says the one or the other; only the English when there is no Chinese."""
    if not isinstance(text_zh, str) or not text_zh:
        return text
    # ".0" formats the Chinese to nothing in the English template (the catalogue's zh template
    # is "{text_zh}"), so both travel as parameters, through the cache too.
    return msg("{text}{text_zh:.0}", text=text, text_zh=text_zh)


def _quote_hint(value: Any, wanted: Any, schema: dict[str, Any]) -> str:
    types = {wanted} if isinstance(wanted, str) else set(wanted or ())
    if "pattern" in schema:
        return ""  # quoting 2027 would not make it a date: the expected form says what to write
    if isinstance(value, str) and types & {"number", "integer"}:
        return msg(" (write the number without quotes)")
    if isinstance(value, bool | int | float) and "string" in types and value is not None:
        return msg(" (put it in quotes to keep it as text)")
    return ""


def message(error: Any, path: Sequence[str | int]) -> str:
    """The sentence for one jsonschema error (already narrowed to its most relevant sub-error)."""
    kw = error.validator
    value = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    name = label(path)
    arg = error.validator_value
    if kw == "type":
        if value is None:
            return msg("{name} is empty: give {schema}", name=name, schema=expected(schema))
        return msg(
            "{name} is {value}: give {schema}{value2}",
            name=name,
            value=show(value),
            schema=expected(schema),
            value2=_quote_hint(value, arg, schema),
        )
    if kw == "required":
        # jsonschema reports each missing field as its own error, naming it first in its message;
        # without that, the first missing one (two missing fields must not read the same).
        named = [r for r in arg if isinstance(value, dict) and r not in value and error.message.startswith(repr(r))]
        missing = named[0] if named else next((r for r in arg if isinstance(value, dict) and r not in value), "?")
        prop = schema.get("properties", {}).get(missing, {})
        desc = prop.get("description") if isinstance(prop, dict) else None
        desc = desc.split(":")[0].split(";")[0].split(" (")[0].rstrip(".") if isinstance(desc, str) else ""
        if desc[:2].istitle():  # "Who may read…" reads "who may read…"; "SSH keys…" stays
            desc = desc[0].lower() + desc[1:]
        desc_zh = prop.get("x-description-zh") if isinstance(prop, dict) else None
        # The Chinese up to its first full-width colon, semicolon, bracket or full stop, as the English.
        desc_zh = re.split("[：；（。]", desc_zh)[0] if isinstance(desc_zh, str) else None
        what = msg(" ({clause})", clause=schema_text(desc, desc_zh)) if desc else ""
        where = "" if not path else msg(" in {name}", name=name)
        return msg("required field {missing} is missing{where}{what}", missing=repr(missing), where=where, what=what)
    if kw == "enum":
        return msg(
            "{name} is {value}{value2}: use {arg}",
            name=name,
            value=show(value),
            value2=did_you_mean(value, arg),
            arg=choices(arg),
        )
    if kw == "const":
        return msg("{name} is {value}: the only value allowed here is {arg}", name=name, value=show(value), arg=arg)
    if kw == "pattern":
        if "propertyNames" in error.relative_schema_path:
            return msg(
                "{name} has the key {value}: each key must be {schema}",
                name=name,
                value=show(value),
                schema=expected(schema),
            )
        return msg("{name} is {value}: give {schema}", name=name, value=show(value), schema=expected(schema))
    if kw == "format":
        form, wanted = _FORMATS.get(arg, (msg("a valid {arg}", arg=arg), msg("a valid {arg}", arg=arg)))
        return msg(
            "{name} is {value}, which is not {form}: give {wanted}",
            name=name,
            value=show(value),
            form=form,
            wanted=wanted,
        )
    if kw == "minLength":
        if value == "":
            return msg("{name} is empty: give {schema}", name=name, schema=expected(schema))
        return msg(
            "{name} is too short ({value} characters): give at least {arg}", name=name, value=len(value), arg=arg
        )
    if kw == "maxLength":
        return msg(
            "{name} is too long ({value:,} characters): at most {arg:,} are allowed",
            name=name,
            value=len(value),
            arg=arg,
        )
    if kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            return msg(
                "{name} is {value}: give a number from {low} to {high}", name=name, value=value, low=low, high=high
            )
        if kw == "minimum":
            return msg("{name} is {value}: give a number of at least {arg}", name=name, value=value, arg=arg)
        if kw == "maximum":
            return msg("{name} is {value}: give a number of at most {arg}", name=name, value=value, arg=arg)
        side = msg("more") if kw == "exclusiveMinimum" else msg("less")
        return msg("{name} is {value}: give a number {side} than {arg}", name=name, value=value, side=side, arg=arg)
    if kw == "minItems":
        if not value:
            return msg("{name} is an empty list: list at least {arg}", name=name, arg=_count(arg, "entry", "entries"))
        return msg(
            "{name} has {count}: list at least {arg}", name=name, count=_count(len(value), "entry", "entries"), arg=arg
        )
    if kw == "maxItems":
        return msg(
            "{name} has {count}: list at most {arg}", name=name, count=_count(len(value), "entry", "entries"), arg=arg
        )
    if kw == "uniqueItems":
        return msg("{name} lists {show} twice: list each entry once", name=name, show=show(_first_repeat(value)))
    if kw == "minProperties":
        return msg("{name} is empty: give {schema}", name=name, schema=expected(schema))
    if kw == "maxProperties":
        return msg("{name} has too many fields: at most {arg}", name=name, arg=arg)
    if kw in ("oneOf", "anyOf"):
        return msg(
            "{name} is {value}, which matches none of the allowed forms: give {schema}",
            name=name,
            value=show(value),
            schema=expected(schema),
        )
    if kw == "not":
        both = arg.get("required") if isinstance(arg, dict) else None
        if isinstance(both, list) and len(both) == 2 and set(arg) == {"required"}:
            # `not: {required: [a, b]}`: a and b exclude each other.
            return msg("{name} gives both {a} and {b}: give only one of them", name=name, a=both[0], b=both[1])
        return msg("{name} is {value}, which is not allowed here", name=name, value=show(value))
    if kw == "false" or kw == "additionalProperties":
        return msg("{name} is not allowed here", name=name)
    # A keyword the schemas do not use today: still never Python's wording.
    return msg("{name} is {value}, which does not fit the schema ({kw})", name=name, value=show(value), kw=kw)


def unknown_field(key: str, allowed: Iterable[str]) -> str:
    return msg(
        "unknown field {key}{key2}: fields of your own must start with x-",
        key=repr(key),
        key2=did_you_mean(key, allowed),
    )


def _count(n: int, one: str, many: str) -> str:
    return msg("{n} {value}", n=n, value=one if n == 1 else many)


def _first_repeat(items: Any) -> Any:
    seen: list[Any] = []
    for item in items if isinstance(items, list) else []:
        if item in seen:
            return item
        seen.append(item)
    return None
