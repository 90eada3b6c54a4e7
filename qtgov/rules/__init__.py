"""The rule registry: every finding qtgov emits carries the id of a rule declared here.

A rule is an id (stable, kebab-case), a default severity, a one-line title and a docstring that
is its user documentation (it becomes the rule's handbook page, the `help` URL of its findings).
Cross-record rules also have a `check(index)` generator; rules raised while loading or by other
passes (overlaps, lifecycle against a base) are declared with the same metadata and no check.

A check declared `per_record=True` promises that its findings about a record file depend only on
that file and the charter's record files (`charter/alliance.yaml`, `charter/taxonomy/*.yaml`),
that it reports only at that file or at a charter file, and that it reads no other file
(`Index.observe`). A warm run then reuses its findings for every unchanged record and runs it
only over the records that changed (`qtgov.rules.cache`); break the promise and a warm run
reports what a cold one would not.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qtgov.findings import Finding, Related, Severity

if TYPE_CHECKING:
    from qtgov.records.index import Index

Check = Callable[["Index"], Iterable[Finding]]

DEFAULT_HELP_BASE = "https://quanttide.github.io/qtgov/en/rules/"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    doc: str
    category: str
    check: Check | None = None
    per_record: bool = False  # see the module's docstring

    def finding(
        self,
        path: str,
        line: int,
        column: int,
        message: str,
        *,
        pointer: str = "",
        related: Iterable[Related] = (),
        severity: Severity | None = None,
    ) -> Finding:
        return Finding(
            path,
            line,
            column,
            self.id,
            self.severity if severity is None else severity,
            message,
            pointer,
            tuple(related),
        )


RULES: dict[str, Rule] = {}


def declare(rule_id: str, severity: Severity, title: str, doc: str, category: str) -> Rule:
    """Register a rule whose findings are produced outside the cross-record checks."""
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id} declared twice")
    rule = Rule(rule_id, severity, title, inspect.cleandoc(doc), category)
    RULES[rule_id] = rule
    return rule


def rule(
    rule_id: str, severity: Severity, title: str, category: str, *, per_record: bool = False
) -> Callable[[Check], Rule]:
    """Decorator for a cross-record check; its docstring is the rule's documentation.
    `per_record`: the check looks at one record file at a time (see the module's docstring)."""

    def register(check: Check) -> Rule:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} declared twice")
        r = Rule(rule_id, severity, title, inspect.cleandoc(check.__doc__ or ""), category, check, per_record)
        RULES[rule_id] = r
        return r

    return register


def help_url(rule_id: str, base: str = DEFAULT_HELP_BASE) -> str:
    return f"{base.rstrip('/')}/{rule_id}/"


def all_rules() -> list[Rule]:
    """Every rule, with all rule modules imported so the registry is complete."""
    from qtgov.rules import catalog  # noqa: F401  (imports register the rules)

    return sorted(RULES.values(), key=lambda r: r.id)


def checks() -> Iterator[Rule]:
    for r in all_rules():
        if r.check is not None:
            yield r
