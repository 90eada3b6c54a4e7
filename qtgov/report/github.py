"""GitHub Actions output: workflow-command annotations for the log, Markdown for the job summary.

GitHub shows at most 10 annotations of each level per step and drops the rest silently, so
findings in the pull request's changed files are annotated first, the overflow is counted in one
last notice, and every finding goes to the job summary (``$GITHUB_STEP_SUMMARY``, written by the CLI).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from qtgov import disclaimer
from qtgov.findings import Finding, Severity, sort_findings, summarize
from qtgov.messages import msg
from qtgov.messages import render as say
from qtgov.report.text import summary_line
from qtgov.rules import DEFAULT_HELP_BASE, help_url

#: Annotations GitHub displays per level and step.
ANNOTATIONS_PER_LEVEL = 10

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    """Escape a command's message as @actions/core does (``%`` first, or it escapes the others)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a command property: the data escapes plus ``:`` and ``,``, which delimit properties."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _message(f: Finding, lang: str = "en") -> str:
    lines = [say(f.message, lang)]
    related = say(msg("related"), lang)
    lines.extend(f"{related}: {r.path}:{r.line}:{r.column}: {say(r.message, lang)}".rstrip() for r in f.related)
    return "\n".join(lines)


def annotation(f: Finding, lang: str = "en") -> str:
    """One ``::error file=…,line=…,col=…,title=rule::message`` command."""
    properties = [("file", f.path)]
    # A 0 line or column means "the whole file" or "the whole line"; GitHub wants them left out.
    if f.line >= 1:
        properties.append(("line", str(f.line)))
        if f.column >= 1:
            properties.append(("col", str(f.column)))
    properties.append(("title", f.rule))
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{_COMMANDS[f.severity]} {props}::{escape_data(_message(f, lang))}"


def render(
    findings: Sequence[Finding],
    *,
    changed_paths: Collection[str] = (),
    per_level: int = ANNOTATIONS_PER_LEVEL,
    lang: str = "en",
) -> str:
    """Annotations, changed files first, at most ``per_level`` per level, then a count of the rest."""
    ordered = sort_findings(findings)
    changed = set(changed_paths)
    ordered.sort(key=lambda f: f.path not in changed)  # stable: keeps the sort within each group
    counts = summarize(ordered)
    budget = {level: per_level for level in Severity}
    if any(n > per_level for n in counts.values()):
        # The overflow notice is itself a notice and must not be the one GitHub drops.
        budget[Severity.INFO] = max(per_level - 1, 0)
    lines = disclaimer.TEXT.splitlines()
    hidden = {level: 0 for level in Severity}
    for f in ordered:
        if budget[f.severity] > 0:
            budget[f.severity] -= 1
            lines.append(annotation(f, lang))
        else:
            hidden[f.severity] += 1
    if any(hidden.values()):
        total = sum(hidden.values())
        breakdown = summary_line({str(level): n for level, n in hidden.items()})
        lines.append(
            f"::notice::qtgov: {total} more {'finding' if total == 1 else 'findings'} ({breakdown}) not annotated "
            f"because GitHub shows {per_level} annotations per level; the full report is in the job summary."
        )
    lines.append(f"qtgov: {summary_line(counts, lang)}")
    return "\n".join(lines) + "\n"


_MARKDOWN_SPECIAL = frozenset("\\`*_[]<>|~&")


def _cell(value: str) -> str:
    # Record text must not become markup (emphasis, links, HTML, entities) or leave its table cell.
    escaped = "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in value)
    return "<br>".join(escaped.splitlines())


def step_summary(findings: Sequence[Finding], *, help_base: str = DEFAULT_HELP_BASE) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: the disclaimer and a table of every finding."""
    ordered = sort_findings(findings)
    lines = ["## qtgov", ""]
    lines.extend(["> " + disclaimer.ZH, ">", "> " + disclaimer.EN])
    lines.extend(["", f"**{summary_line(summarize(ordered))}**"])
    if ordered:
        lines.extend(["", "| Severity | Location | Rule | Message |", "| --- | --- | --- | --- |"])
        for f in ordered:
            message = _message(f)
            rule = f"[{_cell(f.rule)}]({help_url(f.rule, help_base)})"
            lines.append(f"| {f.severity} | {_cell(f'{f.path}:{f.line}:{f.column}')} | {rule} | {_cell(message)} |")
    return "\n".join(lines) + "\n"
