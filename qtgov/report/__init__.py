"""Output formats: each is a pure function from a list of findings to text.

Nothing here prints, exits or looks at the environment; the CLI picks the format (and whether to
colour, honouring ``NO_COLOR``), writes the text and chooses the exit code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from qtgov import __version__
from qtgov.findings import Finding
from qtgov.report import github, json, sarif, text
from qtgov.report.json import failed
from qtgov.rules import DEFAULT_HELP_BASE


@dataclass(frozen=True)
class ReportContext:
    """Everything a format may need besides the findings."""

    help_base: str = DEFAULT_HELP_BASE
    #: Colour the severity in text output; the CLI decides (TTY, ``NO_COLOR``).
    color: bool = False
    #: Warnings fail the run too (``--strict``); only the JSON ``status`` depends on it.
    strict: bool = False
    version: str = __version__
    #: Paths changed in the pull request; their GitHub annotations go first.
    changed_paths: frozenset[str] = field(default_factory=frozenset)
    #: Language of the text and github formats (`validate --lang`); JSON and SARIF keep the
    #: English `message` so that tools can match it whatever the reader's language.
    lang: str = "en"


Render = Callable[[Sequence[Finding], ReportContext], str]


def _text(findings: Sequence[Finding], ctx: ReportContext) -> str:
    return text.render(findings, color=ctx.color, lang=ctx.lang)


def _json(findings: Sequence[Finding], ctx: ReportContext) -> str:
    return json.render(findings, help_base=ctx.help_base, strict=ctx.strict, version=ctx.version)


def _github(findings: Sequence[Finding], ctx: ReportContext) -> str:
    return github.render(findings, changed_paths=ctx.changed_paths, lang=ctx.lang)


def _sarif(findings: Sequence[Finding], ctx: ReportContext) -> str:
    return sarif.render(findings, help_base=ctx.help_base, version=ctx.version)


FORMATS: dict[str, Render] = {"text": _text, "json": _json, "github": _github, "sarif": _sarif}

__all__ = ["FORMATS", "Render", "ReportContext", "failed"]
