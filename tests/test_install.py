"""A real, non-editable install into a fresh virtualenv: the wheel carries the schemas and the
installed command works on this repository exactly as the development checkout does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, qtgov_env, run_qtgov

from qtgov import disclaimer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("install") / "venv"
    # No --system-site-packages: every dependency must come from the package's metadata.
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
    result = subprocess.run(
        [str(path / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return path


def run_installed(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "qtgov"), *args],
        cwd=cwd,
        env=qtgov_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_package_is_installed_not_linked(venv: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import qtgov, pathlib; print(pathlib.Path(qtgov.__file__).parent)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    package = Path(result.stdout.strip())
    assert package.is_relative_to(venv)
    assert not package.is_relative_to(ROOT / "qtgov")
    shipped = sorted(p.name for p in (package / "schemas").glob("*.schema.json"))
    assert shipped == sorted(p.name for p in (ROOT / "schemas").glob("*.schema.json"))
    assert (package / "schemas" / "member.schema.json").read_bytes() == (
        ROOT / "schemas" / "member.schema.json"
    ).read_bytes()
    assert (package / "py.typed").is_file()
    # The rules' Chinese documentation is package data too (qtgov/locale/ruledocs.py reads it).
    zh_docs = sorted(p.name for p in (package / "locale" / "rules" / "zh").glob("*.md"))
    assert zh_docs and zh_docs == sorted(p.name for p in (ROOT / "qtgov" / "locale" / "rules" / "zh").glob("*.md"))


def test_installed_help(venv: Path, tmp_path: Path) -> None:
    result = run_installed(venv, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert " ".join(disclaimer.ZH.split()) in out
    assert " ".join(disclaimer.EN.split()) in out


def test_installed_validate_matches_the_checkout(venv: Path, tmp_path: Path) -> None:
    installed = run_installed(venv, "validate", "--format", "json", str(ROOT), cwd=tmp_path)
    assert installed.returncode in (0, 1), installed.stderr
    assert "Traceback" not in installed.stderr
    checkout = run_qtgov("validate", "--format", "json", ROOT)
    assert (installed.returncode, installed.stdout) == (checkout.returncode, checkout.stdout)
