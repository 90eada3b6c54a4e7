"""Human-readable report: the disclaimer, one line per finding, then a summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qtgov import disclaimer
from qtgov.findings import Finding, Severity, sort_findings, summarize

_COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.INFO: "\x1b[1;36m"}
_RESET = "\x1b[0m"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(counts: Mapping[str, int]) -> str:
    """``2 errors, 1 warning, 0 infos``, or ``no problems found``."""
    if not any(counts.values()):
        return "no problems found"
    return ", ".join(_plural(counts[level], level) for level in ("error", "warning", "info"))


def _continued(message: str) -> str:
    # A multi-line message must not look like further findings to `grep path:` or an editor's
    # problem matcher, so continuation lines are indented.
    return "\n    ".join(message.splitlines()) if message else message


def render(findings: Sequence[Finding], *, color: bool = False) -> str:
    """Disclaimer, ``path:line:col: severity [rule] message`` lines, related locations, summary."""
    ordered = sort_findings(findings)
    lines = [disclaimer.TEXT, ""]
    for f in ordered:
        severity = f"{_COLORS[f.severity]}{f.severity}{_RESET}" if color else str(f.severity)
        lines.append(f"{f.path}:{f.line}:{f.column}: {severity} [{f.rule}] {_continued(f.message)}")
        for r in f.related:
            lines.append(f"  related: {r.path}:{r.line}:{r.column}: {_continued(r.message)}".rstrip())
    if ordered:
        lines.append("")
    lines.append(summary_line(summarize(ordered)))
    return "\n".join(lines) + "\n"
