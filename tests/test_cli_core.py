"""The core commands as a user runs them: exact output of `validate` in every format, exit codes,
NO_COLOR, `status`, `hash` and `rules`, and the disclaimer in `--help`."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import HUB, ROOT, qtgov_env, run_qtgov, write_repo
from test_rules_core import MEMBERS, signed

from qtgov import __version__, disclaimer

SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"

# Two findings only the core can produce: a bad file name (never loaded, so no other rule sees
# it) and a missing public fact of the hub.
TWO_FINDINGS = {
    "members/hub.yaml": HUB.replace("website: https://hub.example.org\n", ""),
    "members/Acme.yaml": "id: acme\n",
}
NAME_MESSAGE = "file name 'Acme.yaml' is not a lower-case slug (letters a-z, digits and '-', 2-63 characters)"
HUB_MESSAGE = "hub record has no website: add the official website once verified"


@pytest.fixture
def two(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "repo", TWO_FINDINGS)


def test_text(two: Path) -> None:
    result = run_qtgov("validate", "-C", two)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (
        "qtgov 只记录协议，不构成法律意见。反垄断标记是启发式提示：有标记不等于违法，没有标记也不等于合规。"
        "划分市场、互不挖角和协调价格可能违反《反垄断法》等竞争法，请咨询律师。\n"
        "qtgov records agreements; it is not legal advice. Antitrust flags are heuristics: a flag is not a "
        "finding of illegality, and no flag is not clearance. Market allocation, no-poach and price "
        "coordination can breach competition law; consult counsel.\n"
        "\n"
        f"members/Acme.yaml:1:1: error [file-name] {NAME_MESSAGE}\n"
        f"members/hub.yaml:1:5: info [hub-facts] {HUB_MESSAGE}\n"
        "\n"
        "1 error, 0 warnings, 1 info\n"
    )


def test_text_is_the_default_outside_github_actions(two: Path) -> None:
    assert run_qtgov("validate", two).stdout == run_qtgov("validate", "--format", "text", two).stdout


def test_text_from_inside_the_repository(two: Path) -> None:
    # The positional REPO defaults to the current directory; paths stay repository-relative.
    result = run_qtgov("validate", cwd=two)
    assert result.returncode == 1
    assert f"\nmembers/Acme.yaml:1:1: error [file-name] {NAME_MESSAGE}\n" in result.stdout


def test_json(two: Path) -> None:
    result = run_qtgov("validate", "--format", "json", "-C", two)
    assert (result.returncode, result.stderr) == (1, "")
    assert json.loads(result.stdout) == {
        "qtgov": __version__,
        "disclaimer": disclaimer.TEXT,
        "status": "fail",
        "summary": {"error": 1, "warning": 0, "info": 1},
        "findings": [
            {
                "path": "members/Acme.yaml",
                "line": 1,
                "column": 1,
                "rule": "file-name",
                "severity": "error",
                "message": NAME_MESSAGE,
                "pointer": "",
                "help": "https://quanttide.github.io/qtgov/en/rules/file-name/",
                "new": None,
                "related": [],
            },
            {
                "path": "members/hub.yaml",
                "line": 1,
                "column": 5,
                "rule": "hub-facts",
                "severity": "info",
                "message": HUB_MESSAGE,
                "pointer": "/website",
                "help": "https://quanttide.github.io/qtgov/en/rules/hub-facts/",
                "new": None,
                "related": [],
            },
        ],
    }


def test_json_help_urls_follow_publish_url(tmp_path: Path) -> None:
    from conftest import ALLIANCE

    alliance = ALLIANCE.replace("  audience: public\n", "  audience: public\n  url: https://gov.example.org/\n")
    root = write_repo(tmp_path / "repo", {**TWO_FINDINGS, "charter/alliance.yaml": alliance})
    report = json.loads(run_qtgov("validate", "--format", "json", root).stdout)
    assert [f["help"] for f in report["findings"]] == [
        "https://gov.example.org/rules/file-name/",
        "https://gov.example.org/rules/hub-facts/",
    ]


def test_github(two: Path) -> None:
    result = run_qtgov("validate", "--format", "github", "-C", two)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (
        f"{disclaimer.ZH}\n{disclaimer.EN}\n"
        f"::error file=members/Acme.yaml,line=1,col=1,title=file-name::{NAME_MESSAGE}\n"
        f"::notice file=members/hub.yaml,line=1,col=5,title=hub-facts::{HUB_MESSAGE}\n"
        "qtgov: 1 error, 0 warnings, 1 info\n"
    )


def test_github_is_the_default_in_actions_and_writes_the_step_summary(two: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = run_qtgov("validate", two, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    assert result.stdout == run_qtgov("validate", "--format", "github", two).stdout
    written = summary.read_text("utf-8")
    assert written.startswith("## qtgov\n")
    assert "| error | members/Acme.yaml:1:1 | [file-name](https://quanttide.github.io/qtgov/en/rules/file-name/) |" in (
        written
    )


def test_sarif_is_valid_sarif_2_1_0(two: Path) -> None:
    result = run_qtgov("validate", "--format", "sarif", "-C", two)
    assert (result.returncode, result.stderr) == (1, "")
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []
    run = log["runs"][0]
    assert [
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in run["results"]
    ] == [
        ("file-name", "error", "members/Acme.yaml", {"startLine": 1, "startColumn": 1}),
        ("hub-facts", "note", "members/hub.yaml", {"startLine": 1, "startColumn": 5}),
    ]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["file-name", "hub-facts"]


def test_output_file(two: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_qtgov("validate", "--format", "json", "--output", out, two)
    assert (result.returncode, result.stdout) == (1, "")
    assert json.loads(out.read_text("utf-8"))["summary"] == {"error": 1, "warning": 0, "info": 1}


# ---------------------------------------------------------------- exit codes


def test_exit_0_on_a_clean_repository(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", {})
    result = run_qtgov("validate", root)
    assert result.returncode == 0
    assert result.stdout.endswith("\n\nno problems found\n")
    assert json.loads(run_qtgov("validate", "--format", "json", root).stdout)["status"] == "ok"


def test_exit_0_with_only_infos_even_when_strict(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", {"members/hub.yaml": HUB.replace("website: https://hub.example.org\n", "")})
    assert run_qtgov("validate", root).returncode == 0
    assert run_qtgov("validate", "--strict", root).returncode == 0


def test_strict_fails_on_warnings_only(tmp_path: Path) -> None:
    # A proposal whose one signature pins other content: a warning until it is executed.
    proposal = signed(
        "id: training\ntype: talent\ntitle: Training\nversion: 1\nstatus: proposed\n"
        "parties:\n  - member: acme\n  - member: beta\nvisibility: public\nterms:\n  kind: training\n"
    ).replace("  kind: training\n", "  kind: part-time\n  employee_consent: true\n")
    root = write_repo(tmp_path / "repo", {**MEMBERS, "agreements/training.yaml": proposal})
    plain = run_qtgov("validate", "--format", "json", root)
    report = json.loads(plain.stdout)
    assert report["summary"]["error"] == 0
    assert report["summary"]["warning"] >= 2
    assert ("agreements/training.yaml", 18, 21, "signature-content") in [
        (f["path"], f["line"], f["column"], f["rule"]) for f in report["findings"]
    ]
    assert (plain.returncode, report["status"]) == (0, "ok")
    strict = run_qtgov("validate", "--format", "json", "--strict", root)
    assert (strict.returncode, json.loads(strict.stdout)["status"]) == (1, "fail")


def test_not_an_alliance_repository(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_qtgov("validate", "-C", tmp_path / "empty")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"qtgov: {tmp_path / 'empty'}: not an alliance repository "
        "(no charter/alliance.yaml and no members/ directory)\n"
    )


def test_missing_directory(tmp_path: Path) -> None:
    result = run_qtgov("validate", "-C", tmp_path / "nowhere")
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        f"qtgov: {tmp_path / 'nowhere'}: not a directory\n",
    )


def test_a_file_is_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "file.yaml").write_text("a: 1\n")
    result = run_qtgov("validate", "-C", tmp_path / "file.yaml")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "is a file" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "--as-of", "2025-13-01"], "qtgov: --as-of '2025-13-01': give a date as YYYY-MM-DD\n"),
        (["status", "--as-of", "tomorrow"], "qtgov: --as-of 'tomorrow': give a date as YYYY-MM-DD\n"),
        (["status", "--as-of", "2025-1-1"], "qtgov: --as-of '2025-1-1': give a date as YYYY-MM-DD\n"),
        (["status", "--due", "soon"], "qtgov: --due 'soon': give a number and a unit, such as 60d, 8w, 3m or 1y\n"),
    ],
)
def test_bad_option_values_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    root = write_repo(tmp_path / "repo", {})
    result = run_qtgov(*args, "-C", root)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message)


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run_qtgov("validate", "--format", "xml", write_repo(tmp_path / "repo", {}))
    assert result.returncode == 2
    assert "Invalid value for '--format'" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- colour


def run_on_tty(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run qtgov with its standard output on a pseudo-terminal; (exit code, output)."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "qtgov", *args], stdout=slave, stderr=subprocess.PIPE, env=env, cwd=ROOT
        )
        os.close(slave)
        chunks = []
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                proc.kill()
                raise AssertionError("qtgov did not finish")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        code = proc.wait(timeout=60)
    finally:
        os.close(master)
    return code, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_colour_on_a_terminal_and_no_color(two: Path) -> None:
    env = qtgov_env()
    del env["NO_COLOR"]
    code, out = run_on_tty(["validate", str(two)], env)
    assert code == 1
    assert f"members/Acme.yaml:1:1: \x1b[1;31merror\x1b[0m [file-name] {NAME_MESSAGE}\n" in out
    assert f"members/hub.yaml:1:5: \x1b[1;36minfo\x1b[0m [hub-facts] {HUB_MESSAGE}\n" in out
    code, out = run_on_tty(["validate", str(two)], {**env, "NO_COLOR": "1"})
    assert code == 1
    assert "\x1b" not in out
    assert f"members/Acme.yaml:1:1: error [file-name] {NAME_MESSAGE}\n" in out


def test_no_colour_in_a_pipe(two: Path) -> None:
    env = qtgov_env()
    del env["NO_COLOR"]
    result = subprocess.run(
        [sys.executable, "-m", "qtgov", "validate", str(two)], capture_output=True, text=True, env=env, check=False
    )
    assert "\x1b" not in result.stdout


# ---------------------------------------------------------------- status


def talent(ident: str, status: str, effective: str, extra: str) -> str:
    return (
        f"id: {ident}\ntype: talent\ntitle: Training\nversion: 1\nstatus: {status}\neffective: {effective}\n"
        "parties:\n  - member: acme\n  - member: beta\nvisibility: public\nterms:\n  kind: training\n" + extra
    )


STATUS_FILES = {
    **MEMBERS,
    # Runs 2024-12-15 … 2025-12-14, then renews for a year unless notice is given a month before.
    "agreements/auto-deal.yaml": signed(
        talent(
            "auto-deal",
            "executed",
            "2024-12-15",
            "term:\n  duration: P12M\nrenewal:\n  auto: true\n  period: P12M\n  notice: P1M\n",
        ),
        "2024-12-01",
    ),
    "agreements/fixed-deal.yaml": signed(
        talent("fixed-deal", "executed", "2025-01-01", "term:\n  end: 2025-11-30\n"), "2024-12-20"
    ),
    # Terminated: its last day in force is 2025-11-30 (termination.date), before its term would end.
    "agreements/ended-deal.yaml": signed(
        talent(
            "ended-deal",
            "terminated",
            "2024-06-01",
            "term:\n  end: 2025-12-20\ntermination:\n  date: 2025-11-30\n  reason: done\n",
        ),
        "2024-05-20",
    ),
    "agreements/draft-deal.yaml": talent("draft-deal", "draft", "2025-01-01", ""),
}


@pytest.fixture
def status_repo(tmp_path: Path) -> Path:
    root = write_repo(tmp_path / "repo", STATUS_FILES)
    assert run_qtgov("validate", root).returncode == 0
    return root


HEAD = f"{disclaimer.ZH}\n{disclaimer.EN}\n\n"


def test_status_as_of(status_repo: Path) -> None:
    result = run_qtgov("status", "--as-of", "2025-11-01", "-C", status_repo)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == HEAD + (
        "In force on 2025-11-01: 3 agreement(s)\n"
        "  auto-deal                        talent           "
        "from 2024-12-15 until and including 2025-12-14  acme, beta\n"
        "  ended-deal                       talent           "
        "from 2024-06-01 until and including 2025-11-30  acme, beta\n"
        "  fixed-deal                       talent           "
        "from 2025-01-01 until and including 2025-11-30  acme, beta\n"
    )


def test_status_as_of_later(status_repo: Path) -> None:
    result = run_qtgov("status", "--as-of", "2025-12-01", "-C", status_repo)
    assert result.stdout == HEAD + (
        "In force on 2025-12-01: 1 agreement(s)\n"
        "  auto-deal                        talent           "
        "from 2024-12-15 until and including 2025-12-14  acme, beta\n"
    )
    # After the automatic renewal, the current term is shown.
    result = run_qtgov("status", "--as-of", "2026-03-01", "-C", status_repo)
    assert result.stdout == HEAD + (
        "In force on 2026-03-01: 1 agreement(s)\n"
        "  auto-deal                        talent           "
        "from 2024-12-15 until and including 2026-12-14  acme, beta\n"
    )


def test_status_due_60d(status_repo: Path) -> None:
    result = run_qtgov("status", "--as-of", "2025-11-01", "--due", "60d", "-C", status_repo)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == HEAD + (
        "Deadlines from 2025-11-01 to 2025-12-31:\n"
        "  2025-11-15  notice   auto-deal                        acme, beta — "
        "last day to give notice before the renewal on 2025-12-15\n"
        "  2025-11-30  expiry   ended-deal                       acme, beta "
        "— in force until and including this day (terminated)\n"
        "  2025-11-30  expiry   fixed-deal                       acme, beta "
        "— in force until and including this day\n"
        "  2025-12-15  renewal  auto-deal                        acme, beta — renews automatically for P12M\n"
    )


def test_status_due_none(status_repo: Path) -> None:
    result = run_qtgov("status", "--as-of", "2025-02-01", "--due", "2w", "-C", status_repo)
    assert result.stdout == HEAD + "Deadlines from 2025-02-01 to 2025-02-15:\n  none\n"


def test_status_json(status_repo: Path) -> None:
    result = run_qtgov("status", "--as-of", "2025-12-10", "--due", "60d", "--format", "json", "-C", status_repo)
    assert json.loads(result.stdout) == {
        "qtgov": __version__,
        "disclaimer": disclaimer.TEXT,
        "as_of": "2025-12-10",
        "due": "60d",
        "deadlines": [
            {
                "date": "2025-12-15",
                "kind": "renewal",
                "id": "auto-deal",
                "path": "agreements/auto-deal.yaml",
                "parties": ["acme", "beta"],
                "note": "renews automatically for P12M",
            }
        ],
    }
    result = run_qtgov("status", "--as-of", "2025-11-01", "--format", "json", "-C", status_repo)
    assert [(a["id"], a["effective"], a["end"]) for a in json.loads(result.stdout)["in_force"]] == [
        ("auto-deal", "2024-12-15", "2025-12-14"),
        ("ended-deal", "2024-06-01", "2025-11-30"),
        ("fixed-deal", "2025-01-01", "2025-11-30"),
    ]


# ---------------------------------------------------------------- help, rules, version


def test_help_carries_both_disclaimers() -> None:
    result = run_qtgov("--help")
    assert result.returncode == 0
    out = " ".join(result.stdout.split())
    assert "qtgov 只记录协议，不构成法律意见。" in out
    assert "没有标记也不等于合规" in out
    assert "qtgov records agreements; it is not legal advice." in out
    assert "no flag is not clearance" in out
    assert " ".join(disclaimer.ZH.split()) in out
    assert " ".join(disclaimer.EN.split()) in out


def test_version() -> None:
    result = run_qtgov("--version")
    assert (result.returncode, result.stdout) == (0, f"qtgov, version {__version__}\n")


def test_rules_lists_every_core_rule() -> None:
    from conftest import CORE_RULES

    result = run_qtgov("rules", "--format", "json")
    assert result.returncode == 0
    listed = {r["id"]: r for r in json.loads(result.stdout)}
    assert set(listed) >= CORE_RULES
    assert listed["hub-facts"] == {
        "id": "hub-facts",
        "severity": "info",
        "title": "The hub's record holds verifiable public facts",
        "category": "hub",
        "help": "https://quanttide.github.io/qtgov/en/rules/hub-facts/",
    }
    text = run_qtgov("rules").stdout.splitlines()
    width = max(len(r) for r in listed)
    assert f"{'yaml-depth':<{width}}  error    Nesting deeper than 64 levels" in text


# ---------------------------------------------------------------- the validation cache


def test_cache_warm_runs_match_cold_and_edits_invalidate(two: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"QTGOV_NO_CACHE": "", "QTGOV_CACHE_DIR": str(cache)}
    cold = run_qtgov("validate", "--format", "json", two, env=env)
    files = list(cache.glob("*.json"))
    assert len(files) == 1
    stored = json.loads(files[0].read_text("utf-8"))
    assert sorted(stored) == [
        "charter/alliance.yaml",
        "charter/taxonomy/sectors.yaml",
        "charter/taxonomy/segments.yaml",
        "members/hub.yaml",
    ]
    warm = run_qtgov("validate", "--format", "json", two, env=env)
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    # An edit is seen at once: the key is a hash of the file's bytes.
    (two / "members" / "hub.yaml").write_text(HUB, encoding="utf-8")
    edited = run_qtgov("validate", "--format", "json", two, env=env)
    assert [f["rule"] for f in json.loads(edited.stdout)["findings"]] == ["file-name"]
    # A broken record is cached with its findings and reported the same way when warm.
    (two / "members" / "hub.yaml").write_text(HUB + "id: again\n", encoding="utf-8")
    first = run_qtgov("validate", "--format", "json", two, env=env)
    again = run_qtgov("validate", "--format", "json", two, env=env)
    assert first.stdout == again.stdout
    assert ("members/hub.yaml", 13, 1, "yaml-duplicate-key") in [
        (f["path"], f["line"], f["column"], f["rule"]) for f in json.loads(again.stdout)["findings"]
    ]


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        '{"members/hub.yaml": {"key": "x"}}',
        '{"members/hub.yaml": 7}',
    ],
)
def test_cache_corrupt_file_is_ignored(two: Path, tmp_path: Path, content: str) -> None:
    cache = tmp_path / "cache"
    env = {"QTGOV_NO_CACHE": "", "QTGOV_CACHE_DIR": str(cache)}
    expected = run_qtgov("validate", "--format", "json", "-C", two)
    run_qtgov("validate", "-C", two, env=env)
    (path,) = cache.glob("*.json")
    path.write_text(content, encoding="utf-8")
    result = run_qtgov("validate", "--format", "json", "-C", two, env=env)
    assert (result.returncode, result.stdout, result.stderr) == (expected.returncode, expected.stdout, "")


def test_cache_entry_with_matching_key_but_bad_shape_is_ignored(two: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"QTGOV_NO_CACHE": "", "QTGOV_CACHE_DIR": str(cache)}
    expected = run_qtgov("validate", "--format", "json", "-C", two, env=env)
    (path,) = cache.glob("*.json")
    entries = json.loads(path.read_text("utf-8"))
    entries["members/hub.yaml"]["doc"] = [{"id": "hub"}, [7], []]
    entries["charter/alliance.yaml"]["load"] = [["x"]]
    path.write_text(json.dumps(entries), encoding="utf-8")
    result = run_qtgov("validate", "--format", "json", "-C", two, env=env)
    assert (result.returncode, result.stdout, result.stderr) == (expected.returncode, expected.stdout, "")


def test_no_cache_flag_writes_nothing(two: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    result = run_qtgov("validate", "--no-cache", two, env={"QTGOV_NO_CACHE": "", "QTGOV_CACHE_DIR": str(cache)})
    assert result.returncode == 1
    assert not cache.exists()
