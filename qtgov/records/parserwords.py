"""The YAML parser's own words in a `yaml-syntax` finding, said through the message catalogue.

libyaml (and PyYAML's pure-Python parser, when libyaml is missing) report a syntax error as a
problem ("mapping values are not allowed in this context") and often a context ("while parsing
a block mapping", with where it started). Each phrase listed here becomes a `msg` whose English
is exactly the parser's text, so English output and JSON do not change and the zh report says it
in Chinese. A phrase not listed (a newer parser version, a rare error) stays as the parser wrote
it: an untranslated hint is better than a guessed one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from qtgov.messages import msg

# Phrases without parameters, libyaml's first, then PyYAML's where it words them differently.
_FIXED: dict[str, str] = {
    m: m
    for m in (
        msg("syntax error"),
        msg("could not find expected ':'"),
        msg("did not find expected key"),
        msg("did not find expected '-' indicator"),
        msg("did not find expected node content"),
        msg("did not find expected <document start>"),
        msg("did not find expected alphabetic or numeric character"),
        msg("did not find expected hexdecimal number"),
        msg("did not find expected comment or line break"),
        msg("did not find expected whitespace or line break"),
        msg("did not find the expected '>'"),
        msg("mapping values are not allowed in this context"),
        msg("mapping keys are not allowed in this context"),
        msg("block sequence entries are not allowed in this context"),
        msg("found character that cannot start any token"),
        msg("found a tab character that violates indentation"),
        msg("found a tab character where an indentation space is expected"),
        msg("found an indentation indicator equal to 0"),
        msg("found unexpected end of stream"),
        msg("found unexpected document indicator"),
        msg("found unknown escape character"),
        msg("found invalid Unicode character escape code"),
        msg("found undefined tag handle"),
        msg("found unknown directive name"),
        msg("found duplicate %YAML directive"),
        msg("found duplicate %TAG directive"),
        msg("mapping values are not allowed here"),
        msg("mapping keys are not allowed here"),
        msg("sequence entries are not allowed here"),
        msg("found unexpected document separator"),
        msg("found duplicate YAML directive"),
        msg("expected indentation indicator in the range 1-9, but found 0"),
    )
}

# A closing brace cannot be written in a template, so the brackets are parameters.
_PATTERNS: tuple[tuple[re.Pattern[str], Callable[..., str]], ...] = (
    (
        re.compile(r"did not find expected ',' or (?P<bracket>'[\]}]')"),
        lambda bracket: msg("did not find expected ',' or {bracket}", bracket=bracket),
    ),
    (
        re.compile(r"expected ',' or (?P<bracket>'[\]}]'), but got (?P<found>.+)"),
        lambda bracket, found: msg("expected ',' or {bracket}, but got {found}", bracket=bracket, found=found),
    ),
    (
        re.compile(r"expected <block end>, but found (?P<found>.+)"),
        lambda found: msg("expected <block end>, but found {found}", found=found),
    ),
    (
        re.compile(r"expected '<document start>', but found (?P<found>.+)"),
        lambda found: msg("expected '<document start>', but found {found}", found=found),
    ),
    (
        re.compile(r"expected the node content, but found (?P<found>.+)"),
        lambda found: msg("expected the node content, but found {found}", found=found),
    ),
    (
        re.compile(r"expected alphabetic or numeric character, but found (?P<found>.+)"),
        lambda found: msg("expected alphabetic or numeric character, but found {found}", found=found),
    ),
    (
        re.compile(r"expected '>', but found (?P<found>.+)"),
        lambda found: msg("expected '>', but found {found}", found=found),
    ),
    (
        re.compile(r"expected a comment or a line break, but found (?P<found>.+)"),
        lambda found: msg("expected a comment or a line break, but found {found}", found=found),
    ),
    (
        re.compile(r"expected escape sequence of (?P<n>\d+) hexadecimal numbers, but found (?P<found>.+)"),
        lambda n, found: msg(
            "expected escape sequence of {n} hexadecimal numbers, but found {found}", n=n, found=found
        ),
    ),
    (
        re.compile(r"found character (?P<char>.+) that cannot start any token"),
        lambda char: msg("found character {char} that cannot start any token", char=char),
    ),
    (
        re.compile(r"found unknown escape character (?P<char>.+)"),
        lambda char: msg("found unknown escape character {char}", char=char),
    ),
    (
        re.compile(r"found undefined tag handle (?P<handle>.+)"),
        lambda handle: msg("found undefined tag handle {handle}", handle=handle),
    ),
    (
        re.compile(r"duplicate tag handle (?P<handle>.+)"),
        lambda handle: msg("duplicate tag handle {handle}", handle=handle),
    ),
)

# What PyYAML names a token by, inside "but found '<scalar>'"; other text stays as it is.
_TOKENS: dict[str, str] = {
    m: m
    for m in (
        msg("'<scalar>'"),
        msg("'<block mapping start>'"),
        msg("'<block sequence start>'"),
        msg("'<block end>'"),
        msg("'<stream end>'"),
        msg("'<document start>'"),
        msg("'<document end>'"),
        msg("'\\t'"),
        msg("'\\n'"),
    )
}

# The context: what the parser was reading, after "while parsing" or "while scanning".
_THINGS: dict[str, str] = {
    m: m
    for m in (
        msg("a block collection"),
        msg("a block mapping"),
        msg("a block node"),
        msg("a flow mapping"),
        msg("a flow sequence"),
        msg("a flow node"),
        msg("a node"),
        msg("a block scalar"),
        msg("a plain scalar"),
        msg("a quoted scalar"),
        msg("a double-quoted scalar"),
        msg("a simple key"),
        msg("a tag"),
        msg("a directive"),
        msg("an alias"),
        msg("an anchor"),
    )
}
_CONTEXT = re.compile(r"while (?P<verb>parsing|scanning) (?P<thing>.+)")


def _token(text: str) -> str:
    return _TOKENS.get(text, text)


def problem_words(problem: str) -> str:
    """The parser's problem phrase, as a `msg` when it is a known one."""
    fixed = _FIXED.get(problem)
    if fixed is not None:
        return fixed
    for pattern, make in _PATTERNS:
        match = pattern.fullmatch(problem)
        if match:
            return make(**{k: _token(v) for k, v in match.groupdict().items()})
    return problem


def context_words(context: str, started: tuple[int, int] | None) -> str:
    """The parser's context ("while parsing a block mapping"), with the 1-based line and column
    it started at when that is another line than the problem's."""
    match = _CONTEXT.fullmatch(context)
    thing = _THINGS.get(match["thing"]) if match else None
    if match is None or thing is None:
        if context == "while scanning for the next token" and not started:
            return msg("while scanning for the next token")
        where = f" started at line {started[0]}, column {started[1]}" if started else ""
        return f"{context}{where}"
    if match["verb"] == "parsing":
        if started:
            return msg(
                "while parsing {thing} started at line {line}, column {column}",
                thing=thing,
                line=started[0],
                column=started[1],
            )
        return msg("while parsing {thing}", thing=thing)
    if started:
        return msg(
            "while scanning {thing} started at line {line}, column {column}",
            thing=thing,
            line=started[0],
            column=started[1],
        )
    return msg("while scanning {thing}", thing=thing)


def parser_problem(problem: str | None, context: str | None, started: tuple[int, int] | None) -> str:
    """`problem (context started at line L, column C)` in the catalogue's words."""
    said = problem_words(problem or "syntax error")
    if not context:
        return said
    return msg("{problem} ({context})", problem=said, context=context_words(context, started))
