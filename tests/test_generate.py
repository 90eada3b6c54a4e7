"""The synthetic alliance generator used by the benchmarks (benchmarks/generate.py)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from qtgov.records.hashing import content_sha256
from qtgov.records.yamlload import parse_text

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "benchmarks" / "generate.py"

# Errors a generated alliance must never have: its records are meant to be valid and consistent.
# (Overlap and antitrust warnings are expected: competitors' declared focus areas overlap.)
CORE_RULES = {
    "schema",
    "file-name",
    "file-empty",
    "yaml-syntax",
    "yaml-duplicate-key",
    "record-id",
    "reference",
    "signature-authority",
    "signature-content",
    "counsel",
    "lifecycle",
    "dates",
    "terms",
}


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("qtgov_bench_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _validate(root: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "qtgov", "validate", str(root), "--format", "json", "--no-cache"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode in (0, 1), proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _records(root: Path, folder: str) -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted((root / folder).glob("*.yaml")):
        loaded = parse_text(f"{folder}/{path.name}", path.read_text("utf-8"))
        assert loaded.document is not None and not loaded.findings, (path, loaded.findings)
        out[path.stem] = loaded.document.data
    return out


@pytest.fixture(scope="module")
def alliance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("alliance")
    stats = gen.generate(root, members=30, agreements=120, claims_per_member=6, seed=11)
    assert stats["members"] == 31 and stats["agreements"] == 120
    return root


def test_validate_finds_no_schema_or_consistency_errors(alliance: Path) -> None:
    report = _validate(alliance)
    bad = [f for f in report["findings"] if f["rule"] in CORE_RULES and f["severity"] == "error"]
    assert not bad, "\n".join(f"{f['path']}:{f['line']} {f['rule']} {f['message']}" for f in bad[:20])
    assert not [f for f in report["findings"] if f["rule"] == "schema"]


def test_signatures_pin_the_content_qtgov_loads(alliance: Path) -> None:
    agreements = _records(alliance, "agreements")
    signed = 0
    for ident, data in agreements.items():
        digest = content_sha256(data)
        for sig in data.get("signatures", []):
            assert sig["content_sha256"] == digest, ident
            signed += 1
        if data["status"] in ("executed", "terminated"):
            assert {s["member"] for s in data["signatures"]} == {p["member"] for p in data["parties"]}, ident
        review = data.get("legal_review", {})
        if review.get("status") in ("approved", "approved_with_conditions"):
            assert review["content_sha256"] == digest, ident
    assert signed > len(agreements)  # most agreements are executed, with two or more parties


def test_records_are_realistic(alliance: Path) -> None:
    members = _records(alliance, "members")
    agreements = _records(alliance, "agreements")
    taxonomy = _records(alliance, "charter/taxonomy")
    sectors = set(taxonomy["qt-markets"]["nodes"])
    segments = set(taxonomy["qt-segments"]["nodes"])
    assert (alliance / "charter" / "alliance.yaml").is_file()
    assert [m for m in members.values() if m["kind"] == "hub"] == [members["alliance-hub"]]

    import pycountry

    regions: Counter[str] = Counter()
    for member in members.values():
        assert set(member["name"]) == {"zh", "en"}
        assert 1 <= len(member.get("representatives", [])) <= 3
        for claim in member.get("claims", []):
            assert set(claim["sector"]) <= sectors
            assert set(claim.get("segment", [])) <= segments
            regions.update(claim["region"])
    for code in regions:
        if code == "*":
            continue
        found = pycountry.subdivisions.get(code=code) if "-" in code else pycountry.countries.get(alpha_2=code)
        assert found is not None, code
    china = sum(n for code, n in regions.items() if code.startswith("CN-"))
    assert china > sum(regions.values()) / 2  # provinces of China mostly
    assert any(not code.startswith("CN") and code != "*" for code in regions)  # and some other countries

    types = Counter(a["type"] for a in agreements.values())
    assert set(types) == {"market-boundary", "revenue-share", "talent", "contribution", "shareholding"}
    statuses = Counter(a["status"] for a in agreements.values())
    assert statuses["executed"] > len(agreements) / 2
    assert len(statuses) >= 4


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    def snapshot(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    gen.generate(tmp_path / "a", members=12, agreements=30, seed=5)
    gen.generate(tmp_path / "b", members=12, agreements=30, seed=5)
    gen.generate(tmp_path / "c", members=12, agreements=30, seed=6)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert snapshot(tmp_path / "a") != snapshot(tmp_path / "c")


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    gen.generate(tmp_path, members=3, agreements=2, seed=1)
    (tmp_path / "keep.txt").write_text("not generated")
    with pytest.raises(FileExistsError):
        gen.generate(tmp_path, members=3, agreements=2, seed=1)
    stats = gen.generate(tmp_path, members=4, agreements=0, seed=1, force=True)
    assert stats["members"] == 5
    assert len(list((tmp_path / "members").glob("*.yaml"))) == 5
    assert not list((tmp_path / "agreements").glob("*.yaml"))
    assert (tmp_path / "keep.txt").read_text() == "not generated"


def test_command_line(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    proc = subprocess.run(
        [sys.executable, str(GENERATOR), str(out), "--members", "5", "--agreements", "8", "--seed", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "6 members (hub included), 8 agreements" in proc.stdout
    assert len(list((out / "agreements").glob("*.yaml"))) == 8


@pytest.mark.parametrize(
    "value",
    ["", "yes", "No", "on", "~", "null", "true", "12", "-3", "1.5", "1e3", "0x1F", ".5", "a: b", "a #b", "*", "- x",
     "[x]", "{x}", "x,y", "trailing ", "tab\there", "line\nbreak", "back\\slash", "it's", '"q"', "%x", "@x", "`x`"],
)  # fmt: skip
def test_emitter_round_trips_strings(value: str) -> None:
    """Whatever the emitter writes, qtgov reads back as the same string (in block and flow context)."""
    data = {"text": value, "flow": [value, "x"], "map": {"zh": value, "en": "x"}}
    loaded = parse_text("t.yaml", gen.dump_yaml(data))
    assert loaded.document is not None and not loaded.findings
    assert loaded.document.data == data
