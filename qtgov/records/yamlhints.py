"""What other YAML tools make of a plain scalar, and full-width punctuation typed where YAML
needs ASCII (docs/design/bad-input.md).

Both produce the wording of findings; `qtgov.records.yamlload` decides where they apply and
places them. Nothing here parses YAML.
"""

from __future__ import annotations

import math
import re
from typing import Any

from qtgov.messages import msg

# ---------------------------------------------------------------- other readings of plain scalars

# A reading other than "text". `_VALUE` is YAML 1.1's `=` ("the default value" key), which most
# YAML 1.1 loaders refuse to construct at all.
_TEXT = object()
_VALUE = object()
# A number too long to convert (Python refuses more than 4300 digits); its value does not matter.
_BIG = object()

_INT_QTGOV = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_DECIMAL_QTGOV = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+\Z")

# The YAML 1.2 core schema (what yaml-language-server and most editors apply).
_C12_NULL = re.compile(r"(~|Null|NULL)\Z")
_C12_BOOL = re.compile(r"(true|True|TRUE|false|False|FALSE)\Z")
_C12_INT = re.compile(r"[-+]?[0-9]+\Z")
_C12_OCT = re.compile(r"0o[0-7]+\Z")
_C12_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_C12_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")

# The YAML 1.1 type repository (PyYAML, Ruby, go-yaml v2, many CI tools).
_Y11_BOOL_TRUE = re.compile(r"(y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)\Z")
_Y11_BOOL_FALSE = re.compile(r"(n|N|no|No|NO|false|False|FALSE|off|Off|OFF)\Z")
_Y11_NULL = re.compile(r"(~|null|Null|NULL)\Z")
_Y11_BIN = re.compile(r"[-+]?0b[01_]+\Z")
_Y11_OCT = re.compile(r"[-+]?0[0-7_]+\Z")
_Y11_DEC = re.compile(r"[-+]?(0|[1-9][0-9_]*)\Z")
_Y11_HEX = re.compile(r"[-+]?0x[0-9a-fA-F_]+\Z")
_Y11_SEXA = re.compile(r"[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?\Z")
_Y11_FLOAT = re.compile(r"[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?\Z")


# Every typed form starts with one of these; most record values do not, and skip the patterns.
_MAYBE_TYPED = frozenset("0123456789+-.~=yYnNoOtTfF")


def _signed(text: str) -> tuple[int, str]:
    if text[:1] in "+-":
        return (-1 if text[0] == "-" else 1), text[1:]
    return 1, text


def _int(text: str, base: int) -> Any:
    return int(text, base) if len(text) <= 64 else _BIG


def _reading_12(value: str) -> Any:
    if _C12_NULL.match(value):
        return None
    if _C12_BOOL.match(value):
        return value.lower() == "true"
    if _C12_INT.match(value):
        return _int(value, 10)
    if _C12_OCT.match(value):
        return _int(value[2:], 8)
    if _C12_HEX.match(value):
        return _int(value[2:], 16)
    if _C12_FLOAT.match(value) or _INF.match(value):
        return float(value.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf"))
    if _NAN.match(value):
        return math.nan
    return _TEXT


def _reading_11(value: str) -> Any:
    if value == "=":
        return _VALUE
    if _Y11_NULL.match(value):
        return None
    if _Y11_BOOL_TRUE.match(value):
        return True
    if _Y11_BOOL_FALSE.match(value):
        return False
    digits = value.replace("_", "")
    sign, body = _signed(digits)
    for pattern, start, base in ((_Y11_BIN, 2, 2), (_Y11_HEX, 2, 16), (_Y11_OCT, 1, 8), (_Y11_DEC, 0, 10)):
        if pattern.match(value) and body[start:]:
            number = _int(body[start:], base)
            return number if number is _BIG else sign * number
    if _Y11_SEXA.match(value) and len(body) <= 64:
        whole, _, fraction = body.partition(".")
        total = 0
        for part in whole.split(":"):
            total = total * 60 + int(part)
        return sign * (total + float(f"0.{fraction or 0}")) if "." in body else sign * total
    if _INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if _NAN.match(value):
        return math.nan
    if _Y11_FLOAT.match(value) and any(c.isdigit() for c in value):
        return float(digits)
    return _TEXT


def _describe(reading: Any) -> str:
    if reading is None:
        return msg("null (no value)")
    if reading is _BIG:
        return msg("a number")
    if reading is _VALUE:
        return msg("a special key (most of them cannot load it at all)")
    if isinstance(reading, bool):
        return msg("the boolean {value}", value=str(reading).lower())
    if isinstance(reading, float):
        if math.isnan(reading):
            return msg("not-a-number")
        if math.isinf(reading):
            return msg("minus infinity") if reading < 0 else msg("infinity")
        return msg("the number {value}", value=f"{reading:g}" if abs(reading) < 1e16 else repr(reading))
    return msg("the number {value}", value=str(reading))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def _in_qtgov_terms(reading: Any) -> str | None:
    """How to write `reading` so that every tool, qtgov included, reads the same thing."""
    if reading is None:
        return "null"
    if isinstance(reading, bool):
        return str(reading).lower()
    if isinstance(reading, int) and _INT_QTGOV.match(str(reading)):
        return str(reading)
    if isinstance(reading, float) and math.isfinite(reading):
        if reading.is_integer() and abs(reading) <= 2**53 - 1:
            return str(int(reading))
        text = repr(reading)
        if _DECIMAL_QTGOV.match(text):
            return text
    return None


def ambiguity(value: str, *, key: bool = False) -> str | None:
    """Why a plain scalar that qtgov reads as text would be read differently by other YAML
    tools (YAML 1.2 editors, YAML 1.1 libraries), or None when every tool reads it as text.

    A key is always text, so for a key the message offers no other spelling. Dates
    (`2025-01-01`) are deliberately not covered: YAML 1.2 reads them as text too, and every
    record is full of them.
    """
    if value[:1] not in _MAYBE_TYPED:
        return None
    r12, r11 = _reading_12(value), _reading_11(value)
    if r12 is _TEXT and r11 is _TEXT:
        return None
    if r12 is not _TEXT and r11 is not _TEXT and _same(r12, r11):
        how = msg("YAML tools read it as {reading}", reading=_describe(r12))
        readings = [r12]
    elif r11 is _TEXT:
        how = msg("YAML 1.2 tools such as editors read it as {reading}", reading=_describe(r12))
        readings = [r12]
    elif r12 is _TEXT:
        how = msg("YAML 1.1 tools read it as {reading}", reading=_describe(r11))
        readings = [r11]
    else:
        how = msg(
            "YAML 1.2 tools such as editors read it as {reading} and YAML 1.1 tools as {other}",
            reading=_describe(r12),
            other=_describe(r11),
        )
        readings = [r12, r11]
    shown = value if len(value) <= 40 else value[:37] + "..."
    fix = _in_qtgov_terms(readings[0]) if len(readings) == 1 and not key else None
    if fix is None:
        return msg(
            '{value} is text to qtgov, but {how}: quote it ("{shown}") if it is text',
            value=repr(shown),
            how=how,
            shown=shown,
        )
    if readings[0] is None:
        return msg(
            '{value} is text to qtgov, but {how}: quote it ("{shown}") if it is text, or write {fix} for no value',
            value=repr(shown),
            how=how,
            shown=shown,
            fix=fix,
        )
    return msg(
        '{value} is text to qtgov, but {how}: quote it ("{shown}") if it is text, or write {fix}',
        value=repr(shown),
        how=how,
        shown=shown,
        fix=fix,
    )


# ---------------------------------------------------------------- full-width punctuation

# Look-alikes an input method produces where YAML needs ASCII, with the character meant.
_DASHES = "\uff0d\u2013\u2014\u2212"  # － – — −
_OPEN_BRACKETS = "【［｛〔"
_CLOSE_BRACKETS = "】］｝〕"
_CURLY_QUOTES = "“”‘’「」"
_COMMAS = "，、"
_KEY_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*[ \t\u3000]*：")
_NAMES = {
    "：": msg("full-width colon '：' (U+FF1A): YAML needs an ASCII colon ':' followed by a space"),
    "，": msg("full-width comma '，' (U+FF0C) between items: YAML separates items with an ASCII comma ','"),
    "、": msg("ideographic comma '、' (U+3001) between items: YAML separates items with an ASCII comma ','"),
    "\u3000": msg("full-width space (U+3000) used as indentation: indent with ASCII spaces"),
}


def _message(kind: str, char: str) -> str:
    code = f"{ord(char):04X}"
    if kind == "brackets":
        return msg(
            "'{char}' (U+{code}) is not a YAML bracket: write [ ] for a list or {{ }} for a mapping",
            char=char,
            code=code,
        )
    if kind == "dash":
        return msg(
            "'{char}' (U+{code}) is not a YAML list dash: start each item with an ASCII '- '", char=char, code=code
        )
    if kind == "quotes":
        return msg(
            "curly quote '{char}' (U+{code}) is not a YAML quote: write the key plain or in ASCII quotes \"…\"",
            char=char,
            code=code,
        )
    return _NAMES[kind]


def punctuation_in_scalar(value: str, *, key: bool, in_flow: bool, starts_line: bool = True) -> tuple[int, str] | None:
    """(offset in `value`, hint) when a plain key or value shows full-width punctuation in a
    place where the writer evidently meant YAML's ASCII syntax; None otherwise. `starts_line`:
    only ASCII spaces precede the scalar on its line, so a leading full-width space is indentation.

    Chinese prose uses `：`, `，` and `【】` all the time, so values are flagged only where the
    pattern is structural: `：` right after a field-like ASCII word, `，` between two ASCII words
    inside `[ ]` or `{ }`, a value wholly wrapped in `【 】`. Quoted values are never checked
    (quoting is the way out).
    """
    if value.isascii():
        return None
    if value.startswith("\u3000") and starts_line:
        return 0, _message("\u3000", "\u3000")
    # A full-width space after `key: ` is only spacing; look at what follows it.
    shift = len(value) - len(value.lstrip("\u3000"))
    found = _structural(value[shift:], key=key, in_flow=in_flow)
    return None if found is None else (found[0] + shift, found[1])


def _structural(value: str, *, key: bool, in_flow: bool) -> tuple[int, str] | None:
    if value[:1] and value[0] in _DASHES and value[1:2] in (" ", "\u3000"):
        return 0, _message("dash", value[0])
    if key and value[:1] and value[0] in _CURLY_QUOTES:
        return 0, _message("quotes", value[0])
    colon = value.find("：")
    if colon >= 0 and (key or _KEY_TOKEN.match(value)):
        return colon, _message("：", "：")
    if (
        not key
        and len(value) >= 2
        and value[0] in _OPEN_BRACKETS
        and value[-1] == _CLOSE_BRACKETS[_OPEN_BRACKETS.index(value[0])]
    ):
        return 0, _message("brackets", value[0])
    if in_flow:
        comma = _between_ascii_words(value)
        if comma is not None:
            return comma, _message(value[comma], value[comma])
    return None


def _between_ascii_words(text: str) -> int | None:
    """Offset of the first full-width comma with an ASCII word on each side (`zh，en`, `a、 b`):
    ids and codes are ASCII, while a comma between Chinese words is most likely prose."""
    for i, char in enumerate(text):
        if char in _COMMAS:
            before, after = text[:i].rstrip(" \u3000"), text[i + 1 :].lstrip(" \u3000")
            if before[-1:].isascii() and before[-1:].isalnum() and after[:1].isascii() and after[:1].isalnum():
                return i
    return None


_LINE_START = re.compile(r"[ \t]*(?:- +)*")
_FLOW_VALUE = re.compile(r"[ \t]*(?:- +)*[A-Za-z_][A-Za-z0-9_-]*: +")
# A key in curly quotes: the quoted run is followed by a colon (ASCII or full-width).
_CURLY_KEY = re.compile(r"[“‘「][^”’」]*[”’」][ \t]*[:：]")


def _wrapped(text: str) -> bool:
    """Whether `text` (a value without its comment) is wholly wrapped in full-width brackets."""
    text = text.split(" #", 1)[0].rstrip()
    return len(text) >= 2 and text[0] in _OPEN_BRACKETS and text[-1] == _CLOSE_BRACKETS[_OPEN_BRACKETS.index(text[0])]


def punctuation_in_line(line: str) -> tuple[int, str] | None:
    """(offset in `line`, hint) for the first full-width look-alike in a structural place of a
    line the parser stopped at, or None. Used only after a syntax error, to explain it; the
    conditions are those of `punctuation_in_scalar`, so prose nearby is not blamed."""
    start = _LINE_START.match(line)
    head = start.end() if start else 0
    rest = line[head:]
    if rest.startswith("\u3000"):
        return head, _message("\u3000", "\u3000")
    if rest[:1] and rest[0] in _DASHES and rest[1:2] in (" ", "\u3000"):
        return head, _message("dash", rest[0])
    if _CURLY_KEY.match(rest):
        return head, _message("quotes", rest[0])
    if _wrapped(rest):
        return head, _message("brackets", rest[0])
    if _KEY_TOKEN.match(rest):
        return head + rest.index("："), _message("：", "：")
    value = _FLOW_VALUE.match(line)
    if value is not None:
        after = line[value.end() :]
        if _wrapped(after):
            return value.end(), _message("brackets", after[0])
        if after[:1] in ("[", "{"):
            comma = _between_ascii_words(after.split(" #", 1)[0])
            if comma is not None:
                return value.end() + comma, _message(after[comma], after[comma])
    return None
