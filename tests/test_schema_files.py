"""The shipped schema files work on their own: check-jsonschema validates every record of this
repository and of the demo against the file its modeline names, with the network unreachable."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo-alliance"
CHECK = Path(sys.executable).with_name("check-jsonschema")
KIND_BY_FOLDER = {"members": "member", "agreements": "agreement", "taxonomy": "taxonomy", "charter": "alliance"}
MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)")


def _offline_env() -> dict[str, str]:
    # Every HTTP(S) request goes to a closed local port: a schema that needs the network fails.
    dead = "http://127.0.0.1:9"
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy",)}
    env.update(HTTP_PROXY=dead, HTTPS_PROXY=dead, ALL_PROXY=dead, http_proxy=dead, https_proxy=dead)
    return env


def _check(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHECK), "--no-cache", "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        env=_offline_env(),
        timeout=120,
        check=False,
    )


def _records(root: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for folder in ("charter", "charter/taxonomy", "members", "agreements"):
        for path in sorted((root / folder).glob("*.yaml")):
            out.setdefault(KIND_BY_FOLDER[path.parent.name], []).append(path)
    return out


def test_check_jsonschema_is_installed() -> None:
    assert CHECK.is_file(), "check-jsonschema belongs to the dev extras (pip install -e .[dev])"


@pytest.mark.parametrize("root", [ROOT, DEMO], ids=["this-repository", "demo"])
def test_every_record_passes_its_modeline_schema_offline(root: Path) -> None:
    records = _records(root)
    assert set(records) >= {"alliance", "taxonomy", "member"}
    for kind, files in records.items():
        schema = ROOT / "schemas" / f"{kind}.schema.json"
        for path in files:
            first = path.read_text("utf-8").splitlines()[0]
            target = MODELINE.fullmatch(first)
            assert target, path
            assert (path.parent / target.group(1)).resolve() == schema, path
        result = _check(schema, *files)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "ok -- validation done" in result.stdout


def test_a_bad_record_fails_offline(tmp_path: Path) -> None:
    bad = tmp_path / "xinghe-cloud.yaml"
    shutil.copy(DEMO / "members" / "xinghe-cloud.yaml", bad)
    text = bad.read_text("utf-8")
    assert "\nkind: member\n" in text
    bad.write_text(text.replace("\nkind: member\n", "\nkind: partner\n"), "utf-8")
    result = _check(ROOT / "schemas" / "member.schema.json", bad)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "'partner' is not one of ['hub', 'member']" in result.stdout
    assert "Connection" not in result.stdout + result.stderr  # it failed on the record, not the network


def test_a_schema_that_needs_the_network_fails_here(tmp_path: Path) -> None:
    """The offline environment really is offline: a reference to the published URL cannot load."""
    schema = tmp_path / "remote.schema.json"
    schema.write_text(
        '{"$schema": "https://json-schema.org/draft/2020-12/schema",'
        ' "$ref": "https://quanttide.github.io/qtgov/schemas/member.schema.json"}',
        "utf-8",
    )
    result = _check(schema, DEMO / "members" / "xinghe-cloud.yaml")
    assert result.returncode != 0
