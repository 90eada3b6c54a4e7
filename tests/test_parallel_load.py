"""Parsing and schema-checking in worker processes (docs/design/performance.md): the report is
the same byte for byte whatever the number of workers, and an interrupted run leaves neither
workers nor a partial cache behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qtgov.errors import UsageError
from qtgov.records.cache import FileCache
from qtgov.records.filework import PARALLEL_MIN_FILES, compute, pool_size, resolve_jobs
from qtgov.records.repo import load_repository
from qtgov.validate import validate
from tests.conftest import bench_generator, qtgov_env, run_qtgov


def _break(root: Path) -> None:
    """Deliberate errors of every per-file kind, in files spread over the list."""
    members = sorted((root / "members").glob("*.yaml"))
    agreements = sorted((root / "agreements").glob("*.yaml"))
    text = members[2].read_text("utf-8")
    members[2].write_text(text.replace("\nclaims:", "\nclaimz:", 1), "utf-8")  # schema: unknown field
    members[5].write_text(members[5].read_text("utf-8") + "name: again\n", "utf-8")  # duplicate key
    members[9].write_text("id: [unclosed\n", "utf-8")  # YAML syntax
    members[13].write_bytes(b"id: caf\xe9\n")  # not UTF-8
    (root / "members" / "Bad Name.yaml").write_text("id: x\n", "utf-8")  # file name
    (root / "members" / "empty-one.yaml").write_text("# nothing\n", "utf-8")  # no record
    text = agreements[4].read_text("utf-8")
    agreements[4].write_text(text.replace("content_sha256: ", "content_sha256: 0", 1), "utf-8")  # bad pin
    agreements[7].write_text(agreements[7].read_text("utf-8") + "effective: 2025-13-40\n", "utf-8")


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parallel") / "repo"
    bench_generator().generate(root, members=80, agreements=150, claims_per_member=3, seed=5)
    _break(root)
    return root


def test_enough_files_for_a_pool(broken: Path) -> None:
    files = len(list((broken / "members").iterdir())) + len(list((broken / "agreements").iterdir()))
    assert files >= PARALLEL_MIN_FILES
    assert pool_size(files, 2) == 2
    assert pool_size(PARALLEL_MIN_FILES - 1, 2) == 0  # a small repository stays in one process
    assert pool_size(files, 1) == 0


def test_one_worker_or_two_give_the_same_findings(broken: Path) -> None:
    serial = load_repository(broken, use_cache=False, jobs=1)
    parallel = load_repository(broken, use_cache=False, jobs=2)
    assert (serial.workers, parallel.workers) == (0, 2)
    assert parallel.findings == serial.findings
    rules = {f.rule for f in serial.findings}
    assert {"schema", "yaml-duplicate-key", "yaml-syntax", "file-encoding", "file-name", "file-empty"} <= rules
    assert sorted(serial.index.members) == sorted(parallel.index.members)
    for ident, record in serial.index.agreements.items():
        other = parallel.index.agreements[ident]
        assert other.doc == record.doc  # data and every position
        assert other.doc.content_hash == record.doc.content_hash
    assert validate(broken, use_cache=False, jobs=2).findings == validate(broken, use_cache=False, jobs=1).findings


def _report(root: Path, *options: str, cache: Path | None = None) -> str:
    env = {"QTGOV_NO_CACHE": "", "QTGOV_CACHE_DIR": str(cache)} if cache is not None else {}
    proc = run_qtgov("validate", "-C", root, "--format", "json", *options, env=env)
    assert proc.returncode == 1, proc.stderr  # the deliberate errors
    return proc.stdout


def test_reports_are_byte_identical_across_worker_counts(broken: Path, tmp_path: Path) -> None:
    serial = _report(broken, "--no-cache", "--jobs", "1")
    assert '"rule": "yaml-syntax"' in serial and '"rule": "schema"' in serial
    assert _report(broken, "--no-cache", "--jobs", "2") == serial
    proc = run_qtgov("validate", "-C", broken, "--format", "json", "--no-cache", env={"QTGOV_JOBS": "2"})
    assert proc.stdout == serial
    # A cache filled by two workers answers a one-worker run with the same report, and back.
    cache = tmp_path / "cache"
    assert _report(broken, "--jobs", "2", cache=cache) == serial
    shutil.rmtree(cache / "runs")  # the per-file cache alone answers the next run
    assert _report(broken, "--jobs", "1", cache=cache) == serial
    assert _report(broken, "--jobs", "1", "--format", "text", cache=cache) == _report(
        broken, "--no-cache", "--jobs", "2", "--format", "text"
    )


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_bad_worker_count_is_a_usage_error(broken: Path, value: str) -> None:
    proc = run_qtgov("validate", "-C", broken, "--jobs", value)
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith(
        f"--jobs must be a whole number of 1 or more (1 = no worker processes), not {value!r}"
    )
    assert "Traceback" not in proc.stderr
    proc = run_qtgov("validate", "-C", broken, env={"QTGOV_JOBS": value})
    assert proc.returncode == 2
    assert f"QTGOV_JOBS must be a whole number of 1 or more (1 = no worker processes), not {value!r}" in proc.stderr


def test_default_is_the_environment_then_the_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QTGOV_JOBS", "3")
    assert resolve_jobs(None) == 3
    assert resolve_jobs(1) == 1
    monkeypatch.delenv("QTGOV_JOBS")
    assert resolve_jobs(None) == len(os.sched_getaffinity(0))
    with pytest.raises(UsageError):
        resolve_jobs(0)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found.update(int(c) for c in text.split())
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parallel-large") / "repo"
    bench_generator().generate(root, members=400, agreements=800, claims_per_member=4, seed=6)
    return root


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to see the workers")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_leaves_no_workers_and_no_cache(large: Path, tmp_path: Path, signum: int) -> None:
    cache = tmp_path / "cache"
    env = qtgov_env({"QTGOV_NO_CACHE": "", "QTGOV_CACHE_DIR": str(cache)})
    proc = subprocess.Popen(
        [sys.executable, "-m", "qtgov", "validate", "-C", str(large), "--jobs", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 60
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
            workers = _children(proc.pid)
            time.sleep(0.01)
        assert len(workers) == 2, "the workers never started"
        os.kill(proc.pid, signum)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if signum == signal.SIGINT:
        assert proc.returncode == 2
        assert err.decode().strip().endswith("interrupted")
    else:
        assert proc.returncode == 128 + signal.SIGTERM
    assert b"Traceback" not in err
    assert [pid for pid in workers if _alive(pid)] == []
    # No half-written file: whatever is there (the stat index, written before any record was
    # parsed; the per-file cache if the signal came after the pool) is complete JSON.
    left = [p for p in cache.rglob("*") if p.is_file()] if cache.exists() else []
    assert [p.name for p in left if p.name.startswith(".tmp-")] == []
    for path in left:
        assert isinstance(json.loads(path.read_text("utf-8")), dict), path
    assert not (cache / "runs").exists()  # the run never finished


def test_a_few_changed_files_do_not_rewrite_the_per_file_cache(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(broken, root)
    monkeypatch.setenv("QTGOV_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("QTGOV_NO_CACHE", raising=False)
    files = load_repository(root, jobs=1)
    assert files.computed > 200
    (stored,) = (tmp_path / "cache").glob("*.json")
    written = stored.read_bytes()
    member = sorted((root / "members").glob("*.yaml"))[20]
    member.write_text(member.read_text("utf-8").replace("\nclaims:", "\nclaimz:", 1), "utf-8")
    changed = load_repository(root, jobs=1)
    assert changed.computed == 1
    assert stored.read_bytes() == written  # one file in 230: parsed again next time instead
    assert changed.findings == load_repository(root, use_cache=False, jobs=1).findings
    assert load_repository(root, jobs=1).computed == 1
    # Enough changed files make it worth writing again.
    for path in sorted((root / "members").glob("*.yaml"))[21:24]:
        path.write_text(path.read_text("utf-8") + "# edited\n", "utf-8")
    assert load_repository(root, jobs=1).computed == 4
    assert stored.read_bytes() != written
    assert load_repository(root, jobs=1).computed == 0


def test_the_per_file_cache_is_written_as_json_dumps_would(broken: Path, tmp_path: Path) -> None:
    cache = FileCache(tmp_path / "files.json", {})
    load = load_repository(broken, use_cache=False, jobs=1)
    assert load.findings
    for relpath in sorted(load.digests)[:40]:
        raw = (broken / relpath).read_bytes()
        cache.put(relpath, raw, *compute("member" if relpath.startswith("members/") else "agreement", relpath, raw))
    cache.entries['中文 \\ "quoted"'] = {"x": ["é", 1.5, None, True]}
    cache.save()
    expected = json.dumps(cache.entries, ensure_ascii=False, separators=(",", ":"))
    assert (tmp_path / "files.json").read_text("utf-8") == expected
