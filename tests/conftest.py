"""Shared fixtures: mini alliance repositories in tmp_path, and qtgov run as a real subprocess.

`make_repo({relpath: text})` writes a minimal valid repository (alliance settings, two small
taxonomies and a hub whose record is complete, so it validates with no findings at all) and then
the given files on top; a value of None removes a default file, bytes are written as they are.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]

Files = Mapping[str, str | bytes | None]
FindingTuple = tuple[str, int, int, str]

# The rules of the core (files and YAML, schema, records). Tests of the core compare exactly the
# findings of these rules, so that rules added elsewhere (overlaps, antitrust, …) do not break them.
CORE_RULES = frozenset(
    {
        "file-name", "file-type", "file-size", "file-encoding", "file-characters", "file-empty",
        "yaml-syntax", "yaml-depth", "yaml-anchor", "yaml-tag", "yaml-multi-document",
        "yaml-duplicate-key", "yaml-key", "yaml-number", "yaml-ambiguous", "yaml-punctuation",
        "url-characters", "schema",
        "record-id", "alliance-file", "reference", "signature-authority", "counsel", "dates",
        "lifecycle", "signature-content", "terms", "hub-facts",
    }
)  # fmt: skip

ALLIANCE = """\
id: test-alliance
name: Test alliance
hub: hub
languages: [en]
schemes:
  sector: sectors
  segment: segments
legal:
  strict: false
  counsel: []
publish:
  repository: public
  audience: public
"""

SECTORS = """\
scheme: sectors
version: 1
nodes:
  cloud:
    name: Cloud
  cloud/compute:
    name: Compute
  edu:
    name: Education
"""

SEGMENTS = """\
scheme: segments
version: 1
nodes:
  smb:
    name: Small businesses
"""

HUB = """\
id: hub
kind: hub
name: Hub
legal_name: Hub Ltd
identifiers:
  uscc: 91330100MA2XXXXXXX
jurisdiction: CN-ZJ
website: https://hub.example.org
sources:
  - url: https://hub.example.org/about
status: active
visibility: public
"""

DEFAULT_FILES: dict[str, str] = {
    "charter/alliance.yaml": ALLIANCE,
    "charter/taxonomy/sectors.yaml": SECTORS,
    "charter/taxonomy/segments.yaml": SEGMENTS,
    "members/hub.yaml": HUB,
}


def write_repo(root: Path, files: Files, *, defaults: bool = True) -> Path:
    """Write the default files (unless `defaults` is false) and then `files` under `root`."""
    merged: dict[str, str | bytes | None] = dict(DEFAULT_FILES) if defaults else {}
    merged.update(files)
    for relpath, content in merged.items():
        path = root / relpath
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """Factory: `make_repo(files, defaults=True, name="repo")` -> the repository's root."""

    def make(files: Files | None = None, *, defaults: bool = True, name: str = "repo") -> Path:
        root = tmp_path / name
        root.mkdir(exist_ok=True)
        return write_repo(root, files or {}, defaults=defaults)

    return make


def qtgov_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment qtgov runs in under test: no cache, no colour, not inside GitHub Actions."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "QTGOV_DEBUG")}
    # QTGOV_LANG=en: reports in English whatever the machine's locale (tests of zh set --lang zh).
    env.update({"QTGOV_NO_CACHE": "1", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "QTGOV_LANG": "en"})
    if extra:
        env.update(extra)
    return env


def run_qtgov(
    *args: str | os.PathLike[str],
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m qtgov ARGS` as a subprocess (a crash shows as a negative return code)."""
    return subprocess.run(
        [sys.executable, "-m", "qtgov", *map(str, args)],
        cwd=cwd or ROOT,
        env=qtgov_env(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,  # never a terminal: a missing value is an error, not a prompt
    )


@pytest.fixture
def qtgov() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_qtgov


def finding_tuples(report: str, rules: Collection[str] | None = None) -> list[FindingTuple]:
    """(path, line, column, rule) of the findings in a `validate --format json` report, in order;
    only those of `rules` when given."""
    return [
        (f["path"], f["line"], f["column"], f["rule"])
        for f in json.loads(report)["findings"]
        if rules is None or f["rule"] in rules
    ]


def unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--map-root-user", "--mount", "true"], capture_output=True, check=False)
    return probe.returncode == 0


def read_only(path: Path, *args: str) -> list[str]:
    """`args` run with `path` read-only: a read-only bind mount in a private mount namespace (root
    ignores file modes), or the write bits taken away when we are not root."""
    if unshare_works():
        script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
        return ["unshare", "--map-root-user", "--mount", "sh", "-c", script, str(path), *args]
    if os.geteuid() == 0:
        pytest.skip("root without unshare: cannot make a directory read-only")
    for p in [path, *path.rglob("*")]:
        if p.is_dir():
            p.chmod(0o555)
    return list(args)


def bench_generator() -> ModuleType:
    """benchmarks/generate.py as a module (it is a script, not part of the package): tests that
    need a realistic generated alliance call `bench_generator().generate(root, members=…)`."""
    import importlib.util

    name = "qtgov_bench_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
