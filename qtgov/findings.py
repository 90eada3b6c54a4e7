"""The single finding type every check produces, and its deterministic order."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """How bad a finding is; the integer order is used for sorting (errors first)."""

    ERROR = 0
    WARNING = 1
    INFO = 2

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


@dataclass(frozen=True, order=True)
class Related:
    """Another location a finding points at, such as the other claim of an overlap."""

    path: str
    line: int
    column: int
    message: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class Finding:
    """One problem at one place: 1-based line and column, a stable rule id and a severity."""

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    pointer: str = ""
    related: tuple[Related, ...] = field(default=())
    # None when no base was compared; True/False with `validate --base`.
    new: bool | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (self.path, self.line, self.column, int(self.severity), self.rule, self.message)

    def as_dict(self, help_url: str) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "pointer": self.pointer,
            "help": help_url,
            "new": self.new,
            "related": [r.as_dict() for r in self.related],
        }


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Deterministic order: by path, position, severity, rule and message; duplicates dropped."""
    return sorted(set(findings), key=lambda f: f.sort_key)


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        counts[str(f.severity)] += 1
    return counts


def failing(findings: Iterable[Finding], *, strict: bool = False) -> bool:
    """Whether findings fail a run (exit 1): an error, or a warning when strict. Findings that a
    change did not introduce (`new is False`, from `validate --base`) never fail it."""
    worst = Severity.WARNING if strict else Severity.ERROR
    return any(f.severity <= worst and f.new is not False for f in findings)
