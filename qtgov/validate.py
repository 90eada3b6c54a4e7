"""`qtgov validate`: every finding of a repository in one run, sorted.

A run's findings are cached as a whole (docs/design/performance.md): when no input changed since
the last run, they are reused and the records are not even parsed; the index is then loaded only
if a caller asks for it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qtgov.findings import Finding, failing, sort_findings, summarize
from qtgov.records.index import Index
from qtgov.records.repo import input_digest, load_repository
from qtgov.rules import checks
from qtgov.rules.cache import RecordRuleCache


class Validation:
    """The findings of a run and the index they were found in (loaded on first use when the
    findings came from the cache)."""

    def __init__(
        self,
        index: Index | Callable[[], Index],
        findings: list[Finding],
        *,
        site_url: str | None = None,
        languages: tuple[str, ...] | None = None,
    ) -> None:
        self._index = index if isinstance(index, Index) else None
        self._load = None if isinstance(index, Index) else index
        self.findings = findings
        # Records the per-record rules ran over (None: a hit of the whole-run cache, or no cache).
        self.per_record_runs: int | None = None
        self.site_url = self._index.settings.url if self._index is not None else site_url
        self._languages = languages

    @property
    def languages(self) -> tuple[str, ...]:
        """The alliance's languages (from the cache on a hit, without loading the records)."""
        if self._index is None and self._languages is not None:
            return self._languages
        return self.index.settings.languages

    @property
    def index(self) -> Index:
        if self._index is None:
            assert self._load is not None
            self._index = self._load()
        return self._index

    @property
    def summary(self) -> dict[str, int]:
        return summarize(self.findings)

    def failed(self, strict: bool = False) -> bool:
        return failing(self.findings, strict=strict)


def run_checks(
    index: Index, *, record_rules: RecordRuleCache | None = None, digests: dict[str, str] | None = None
) -> list[Finding]:
    """Every cross-record rule over an already loaded index. With `record_rules` (and the
    record files' `digests`), the per-record rules run only over the records that changed."""
    out: list[Finding] = []
    rules = list(checks())
    if record_rules is not None:
        out.extend(record_rules.run(index, [r for r in rules if r.per_record], digests or {}))
        rules = [r for r in rules if not r.per_record]
    for rule in rules:
        assert rule.check is not None
        out.extend(rule.check(index))
    return out


def _rules_salt() -> str:
    """The rules that run and their default severities: part of the result cache's key."""
    return ",".join(f"{rule.id}:{int(rule.severity)}" for rule in checks())


def validate(root: Path, *, use_cache: bool = True, jobs: int | None = None) -> Validation:
    """Every finding of the repository at `root`. `jobs` worker processes parse and check the
    files that changed (default: `QTGOV_JOBS`, else one per CPU; 1 = none)."""
    root = Path(root)
    if not use_cache:
        loaded = load_repository(root, use_cache=False, jobs=jobs)
        return Validation(loaded.index, sort_findings(loaded.findings + run_checks(loaded.index)))
    from qtgov.records.cache import ResultCache

    cache = ResultCache.open(root, _rules_salt())
    digest = input_digest(root)
    hit = cache.get(root, digest)
    if hit is not None:
        findings, url, languages = hit
        return Validation(lambda: load_repository(root, jobs=jobs).index, findings, site_url=url, languages=languages)
    loaded = load_repository(root, jobs=jobs)
    record_rules = RecordRuleCache.open(root)
    findings = sort_findings(
        loaded.findings + run_checks(loaded.index, record_rules=record_rules, digests=loaded.digests)
    )
    validation = Validation(loaded.index, findings)
    validation.per_record_runs = record_rules.ran
    cache.put(digest, findings, validation.site_url, loaded.index.observed, loaded.index.settings.languages)
    return validation
