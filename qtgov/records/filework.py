"""The work done for one record file that the per-file cache cannot answer: parse, positions,
loader findings, schema findings and an agreement's content hash; and the process pool that
spreads that work over the machine's CPUs when there are many such files.

The pool changes nothing a reader sees: results come back in the order of the files, as the
same JSON values the per-file cache stores (`cache.entry_of`), so one worker or many give the
same findings, byte for byte. Workers are forked where the system allows it (they inherit the
parent's imports and compiled schemas, so they start in milliseconds); elsewhere they are
spawned and import only this module's dependencies.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any

from qtgov.errors import UsageError
from qtgov.findings import Finding, Severity
from qtgov.messages import msg
from qtgov.records.cache import entry_of, result_of
from qtgov.records.schemas import schema_findings
from qtgov.records.yamlload import LoadResult, parse_bytes

# Below this many files to compute, starting workers costs more than it saves. Measured on the
# project's shared 2-core machine (load average 9, best of 3, members and agreements of a
# generated alliance): one process 170 ms and two workers 380 ms for 128 files, 806 ms and
# 713 ms for 256 (docs/design/performance.md).
PARALLEL_MIN_FILES = 200

Task = tuple[str, str, bytes]  # kind, repository-relative path, the file's bytes


def jobs_from_env() -> int | None:
    """`QTGOV_JOBS` as a number of workers, None when unset."""
    value = os.environ.get("QTGOV_JOBS", "").strip()
    if not value:
        return None
    return check_jobs(value, "QTGOV_JOBS")


def check_jobs(value: str | int, source: str = "--jobs") -> int:
    """A worker count given by a user: a whole number of 1 or more."""
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise UsageError(f"{source} must be a whole number of 1 or more (1 = no worker processes), not {value!r}")
    return jobs


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity mask, where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def resolve_jobs(jobs: int | None) -> int:
    """The worker count of a run: `jobs` if given, else `QTGOV_JOBS`, else the CPUs."""
    if jobs is not None:
        return check_jobs(jobs)
    from_env = jobs_from_env()
    return from_env if from_env is not None else cpu_count()


def compute(kind: str, relpath: str, raw: bytes) -> tuple[LoadResult, list[Finding]]:
    """Parse one record file and check it against its kind's schema."""
    result = parse_bytes(relpath, raw)
    schema_errors: list[Finding] = []
    if result.document is not None and not result.findings:
        if result.document.data is None:
            schema_errors = [Finding(relpath, 1, 1, "file-empty", Severity.ERROR, msg("the file holds no record"))]
        else:
            schema_errors = schema_findings(kind, result.document)
    doc = result.document
    if kind == "agreement" and doc is not None and not schema_errors and isinstance(doc.data, dict):
        # Every run needs it (signatures, reviews); computing it here puts it in the cache.
        from qtgov.records.hashing import content_sha256

        doc.content_hash = content_sha256(doc.data)
    return result, schema_errors


def _work(task: Task) -> dict[str, Any]:
    """A worker's share: one file computed and sent back as the cache's JSON values."""
    kind, relpath, raw = task
    return entry_of(*compute(kind, relpath, raw))


def _worker_start() -> None:
    # Ctrl-C reaches the whole process group; only the parent decides what it means (it stops
    # the pool). A worker keeps the default SIGTERM, which is how the parent stops it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def _terminate_on_sigterm() -> Iterator[None]:
    """While workers run, SIGTERM unwinds the parent (stopping its workers on the way out)
    instead of killing it outright and leaving them behind."""
    if multiprocessing.current_process().name != "MainProcess" or not _is_main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    # fork: the workers inherit the loaded modules and compiled schemas. Not on macOS, where
    # system libraries may not survive a fork.
    method = "fork" if "fork" in methods and sys.platform != "darwin" else "spawn"
    return multiprocessing.get_context(method)


def pool_size(files: int, jobs: int) -> int:
    """How many worker processes compute `files` files with `jobs` allowed: none (0) for one
    job or too few files, else no more than one per half threshold of files."""
    workers = min(jobs, files // (PARALLEL_MIN_FILES // 2))
    return workers if files >= PARALLEL_MIN_FILES and workers > 1 else 0


def compute_all(tasks: Sequence[Task], jobs: int) -> Iterator[tuple[LoadResult, list[Finding], dict[str, Any] | None]]:
    """Compute every task, yielding (load result, schema findings, cache entry) in the order of
    `tasks`. With one job, or too few files for a pool to pay off, everything runs in this
    process and the entry is None (the caller makes it only if it keeps a cache); from a worker
    it is the entry the result was decoded from."""
    workers = pool_size(len(tasks), jobs)
    if workers == 0:
        for kind, relpath, raw in tasks:
            yield (*compute(kind, relpath, raw), None)
        return
    # Compiled once here, before the fork, instead of once per worker.
    from qtgov.records.schemas import _fast_validators

    _fast_validators()
    chunk = max(1, min(64, len(tasks) // (workers * 8)))
    pool = _context().Pool(workers, initializer=_worker_start)
    try:
        with _terminate_on_sigterm():
            for (_kind, relpath, _raw), entry in zip(tasks, pool.imap(_work, tasks, chunksize=chunk), strict=True):
                decoded = result_of(relpath, entry)
                assert decoded is not None, relpath  # a worker always sends a well-formed entry
                yield (*decoded, entry)
        pool.close()
    finally:
        pool.terminate()
        pool.join()
