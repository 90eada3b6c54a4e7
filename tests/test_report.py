"""Every output format, as exact text, on one small fixed list of findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

from qtgov import __version__, disclaimer
from qtgov.findings import Finding, Related, Severity
from qtgov.report import FORMATS, ReportContext, failed, github, sarif, text
from qtgov.report import json as json_report
from qtgov.rules import RULES, Rule

HELP = "https://example.org/rules"

OVERLAP = Finding(
    "members/acme.yaml",
    3,
    5,
    "test-overlap",
    Severity.ERROR,
    "overlaps beta's claim",
    pointer="/claims/0",
    related=(Related("members/beta.yaml", 7, 3, "the other claim"),),
)
# Every character GitHub's workflow commands need escaped, in both the path and the message.
WEIRD = Finding(
    "data/we,ird:name%.yaml",
    2,
    1,
    "test-weird",
    Severity.WARNING,
    "100% sure, really:\nsecond line | <b>*x*</b>",
    pointer="/a",
    new=True,
)
# Its rule is not registered: formats fall back to the id.
NOTE = Finding("agreements/a1.yaml", 10, 2, "unknown-rule", Severity.INFO, "check merger-control filing", new=False)
FINDINGS = [OVERLAP, WEIRD, NOTE]
# Two paragraphs: SARIF's fullDescription is the first, unwrapped.
OVERLAP_DOC = "Two members declare the same\nfocus area.\n\nCoordinate it with an agreement."


@pytest.fixture(autouse=True)
def fake_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    overlap = Rule("test-overlap", Severity.ERROR, "Claims overlap", OVERLAP_DOC, "overlaps")
    monkeypatch.setitem(RULES, "test-overlap", overlap)
    monkeypatch.setitem(RULES, "test-weird", Rule("test-weird", Severity.WARNING, "Weird", "", ""))
    monkeypatch.delitem(RULES, "unknown-rule", raising=False)


# --- text ---------------------------------------------------------------------------------------

TEXT = f"""{disclaimer.TEXT}

agreements/a1.yaml:10:2: info [unknown-rule] check merger-control filing
data/we,ird:name%.yaml:2:1: warning [test-weird] 100% sure, really:
    second line | <b>*x*</b>
members/acme.yaml:3:5: error [test-overlap] overlaps beta's claim
  related: members/beta.yaml:7:3: the other claim

1 error, 1 warning, 1 info
"""


def test_text_exact() -> None:
    assert text.render(FINDINGS) == TEXT
    assert text.render(list(reversed(FINDINGS))) == TEXT


def test_text_colours_only_the_severity() -> None:
    out = text.render(FINDINGS, color=True)
    assert "members/acme.yaml:3:5: \x1b[1;31merror\x1b[0m [test-overlap] overlaps beta's claim\n" in out
    assert "data/we,ird:name%.yaml:2:1: \x1b[1;33mwarning\x1b[0m [test-weird]" in out
    assert "agreements/a1.yaml:10:2: \x1b[1;36minfo\x1b[0m [unknown-rule]" in out
    assert "\x1b" not in text.render(FINDINGS)


def test_text_without_findings() -> None:
    assert text.render([]) == f"{disclaimer.TEXT}\n\nno problems found\n"


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        ({"error": 2, "warning": 1, "info": 0}, "2 errors, 1 warning, 0 infos"),
        ({"error": 1, "warning": 0, "info": 1}, "1 error, 0 warnings, 1 info"),
        ({"error": 0, "warning": 0, "info": 3}, "0 errors, 0 warnings, 3 infos"),
        ({"error": 0, "warning": 0, "info": 0}, "no problems found"),
    ],
)
def test_summary_plurals(counts: dict[str, int], line: str) -> None:
    assert text.summary_line(counts) == line


# --- json ---------------------------------------------------------------------------------------

JSON = """{
  "qtgov": "0.1.0",
  "disclaimer": DISCLAIMER,
  "status": "fail",
  "summary": {
    "error": 1,
    "warning": 1,
    "info": 1
  },
  "findings": [
    {
      "path": "agreements/a1.yaml",
      "line": 10,
      "column": 2,
      "rule": "unknown-rule",
      "severity": "info",
      "message": "check merger-control filing",
      "pointer": "",
      "help": "https://example.org/rules/unknown-rule/",
      "new": false,
      "related": []
    },
    {
      "path": "data/we,ird:name%.yaml",
      "line": 2,
      "column": 1,
      "rule": "test-weird",
      "severity": "warning",
      "message": "100% sure, really:\\nsecond line | <b>*x*</b>",
      "pointer": "/a",
      "help": "https://example.org/rules/test-weird/",
      "new": true,
      "related": []
    },
    {
      "path": "members/acme.yaml",
      "line": 3,
      "column": 5,
      "rule": "test-overlap",
      "severity": "error",
      "message": "overlaps beta's claim",
      "pointer": "/claims/0",
      "help": "https://example.org/rules/test-overlap/",
      "new": null,
      "related": [
        {
          "path": "members/beta.yaml",
          "line": 7,
          "column": 3,
          "message": "the other claim"
        }
      ]
    }
  ]
}
""".replace("DISCLAIMER", json.dumps(disclaimer.TEXT, ensure_ascii=False))


def test_json_exact() -> None:
    out = json_report.render(FINDINGS, help_base=HELP, version="0.1.0")
    assert out == JSON
    assert "反垄断" in out  # not \u-escaped


@pytest.mark.parametrize(
    ("findings", "strict", "status"),
    [
        ([], False, "ok"),
        ([NOTE], True, "ok"),
        ([WEIRD, NOTE], False, "ok"),
        ([WEIRD, NOTE], True, "fail"),
        ([OVERLAP], False, "fail"),
    ],
)
def test_json_status(findings: list[Finding], strict: bool, status: str) -> None:
    document = json.loads(json_report.render(findings, help_base=HELP, strict=strict))
    assert document["status"] == status
    assert failed(findings, strict=strict) is (status == "fail")
    assert document["qtgov"] == __version__


# --- github -------------------------------------------------------------------------------------

GITHUB = f"""{disclaimer.TEXT}
::error file=members/acme.yaml,line=3,col=5,title=test-overlap::overlaps beta's claim%0Arelated: members/beta.yaml:7:3: the other claim
::notice file=agreements/a1.yaml,line=10,col=2,title=unknown-rule::check merger-control filing
::warning file=data/we%2Cird%3Aname%25.yaml,line=2,col=1,title=test-weird::100%25 sure, really:%0Asecond line | <b>*x*</b>
qtgov: 1 error, 1 warning, 1 info
"""  # noqa: E501


def test_github_exact() -> None:
    assert github.render(FINDINGS, changed_paths={"members/acme.yaml"}) == GITHUB


def test_github_without_changed_paths_keeps_sorted_order() -> None:
    lines = github.render(FINDINGS).splitlines()[2:5]
    assert [line.split(" ", 1)[0] for line in lines] == ["::notice", "::warning", "::error"]


def test_github_escapes() -> None:
    assert github.escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert github.escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
    # `%` is escaped first, so an escape sequence in the input is not mistaken for one.
    assert github.escape_data("%0A") == "%250A"


def test_github_whole_file_finding_has_no_position() -> None:
    finding = Finding("a.yaml", 0, 0, "test-weird", Severity.WARNING, "empty file")
    assert github.annotation(finding) == "::warning file=a.yaml,title=test-weird::empty file"


def _many(path: str, severity: Severity, n: int) -> list[Finding]:
    return [Finding(path, line, 1, "test-weird", severity, f"m{line}") for line in range(1, n + 1)]


def test_github_changed_files_first_and_ten_per_level() -> None:
    findings = (
        _many("a.yaml", Severity.ERROR, 12)
        + _many("z.yaml", Severity.ERROR, 3)
        + _many("b.yaml", Severity.WARNING, 4)
        + _many("y.yaml", Severity.INFO, 10)
    )
    commands = [line for line in github.render(findings, changed_paths=["z.yaml"]).splitlines() if line[:2] == "::"]
    errors = [c for c in commands if c.startswith("::error ")]
    assert len(errors) == 10
    # The changed file's errors come first although `z` sorts last; the rest in sorted order.
    assert errors[:3] == [f"::error file=z.yaml,line={n},col=1,title=test-weird::m{n}" for n in (1, 2, 3)]
    assert errors[3:] == [f"::error file=a.yaml,line={n},col=1,title=test-weird::m{n}" for n in range(1, 8)]
    assert len([c for c in commands if c.startswith("::warning ")]) == 4
    # Nine info notices: the tenth notice slot is kept for the overflow notice.
    assert len([c for c in commands if c.startswith("::notice ")]) == 9
    assert commands[-1] == (
        "::notice::qtgov: 6 more findings (5 errors, 0 warnings, 1 info) not annotated because GitHub shows "
        "10 annotations per level; the full report is in the job summary."
    )
    assert github.render(findings).splitlines()[-1] == "qtgov: 15 errors, 4 warnings, 10 infos"


def test_github_exactly_ten_per_level_needs_no_overflow_notice() -> None:
    findings = [
        *_many("a.yaml", Severity.ERROR, 10),
        *_many("a.yaml", Severity.WARNING, 10),
        *_many("a.yaml", Severity.INFO, 10),
    ]
    out = github.render(findings)
    assert out.count("\n::") == 30
    assert "::notice::" not in out


STEP_SUMMARY = f"""## qtgov

> {disclaimer.ZH}
>
> {disclaimer.EN}

**1 error, 1 warning, 1 info**

| Severity | Location | Rule | Message |
| --- | --- | --- | --- |
| info | agreements/a1.yaml:10:2 | [unknown-rule](https://example.org/rules/unknown-rule/) | check merger-control filing |
| warning | data/we,ird:name%.yaml:2:1 | [test-weird](https://example.org/rules/test-weird/) | 100% sure, really:<br>second line \\| \\<b\\>\\*x\\*\\</b\\> |
| error | members/acme.yaml:3:5 | [test-overlap](https://example.org/rules/test-overlap/) | overlaps beta's claim<br>related: members/beta.yaml:7:3: the other claim |
"""  # noqa: E501


def test_step_summary_exact() -> None:
    assert github.step_summary(FINDINGS, help_base=HELP) == STEP_SUMMARY


def test_step_summary_lists_every_finding() -> None:
    findings = _many("a.yaml", Severity.ERROR, 25)
    assert github.step_summary(findings).count("\n| error | a.yaml:") == 25


def test_step_summary_without_findings() -> None:
    out = github.step_summary([])
    assert out.endswith("\n**no problems found**\n")
    assert "|" not in out


# --- sarif --------------------------------------------------------------------------------------


def _sarif_schema() -> dict[str, object]:
    shared = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sarif-schema-2.1.0.json"
    path = shared if shared.is_file() else Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
    schema: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def _validate_sarif(out: str) -> None:
    schema = _sarif_schema()
    # The OASIS schema declares draft-04; pick the validator it asks for, and never fetch anything.
    validator = validator_for(schema)(schema, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(json.loads(out)), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def _location(uri: str, line: int, column: int) -> dict[str, object]:
    return {
        "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": line, "startColumn": column},
    }


SARIF: dict[str, object] = {
    "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
    "version": "2.1.0",
    "runs": [
        {
            "tool": {
                "driver": {
                    "name": "qtgov",
                    "version": "0.1.0",
                    "informationUri": "https://quanttide.github.io/qtgov/",
                    "rules": [
                        {
                            "id": "test-overlap",
                            "name": "TestOverlap",
                            "shortDescription": {"text": "Claims overlap"},
                            "fullDescription": {"text": "Two members declare the same focus area."},
                            "helpUri": "https://example.org/rules/test-overlap/",
                            "help": {"text": OVERLAP_DOC, "markdown": OVERLAP_DOC},
                            "defaultConfiguration": {"level": "error"},
                            "properties": {"tags": ["overlaps"]},
                        },
                        {
                            "id": "test-weird",
                            "name": "TestWeird",
                            "shortDescription": {"text": "Weird"},
                            "fullDescription": {"text": "Weird"},
                            "helpUri": "https://example.org/rules/test-weird/",
                            "defaultConfiguration": {"level": "warning"},
                        },
                        {
                            "id": "unknown-rule",
                            "name": "UnknownRule",
                            "shortDescription": {"text": "unknown-rule"},
                            "fullDescription": {"text": "unknown-rule"},
                            "helpUri": "https://example.org/rules/unknown-rule/",
                            "defaultConfiguration": {"level": "note"},
                        },
                    ],
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": [
                {
                    "ruleId": "unknown-rule",
                    "ruleIndex": 2,
                    "level": "note",
                    "message": {"text": "check merger-control filing"},
                    "locations": [{"physicalLocation": _location("agreements/a1.yaml", 10, 2)}],
                    "properties": {"pointer": "", "new": False},
                },
                {
                    "ruleId": "test-weird",
                    "ruleIndex": 1,
                    "level": "warning",
                    "message": {"text": "100% sure, really:\nsecond line | <b>*x*</b>"},
                    "locations": [{"physicalLocation": _location("data/we%2Cird%3Aname%25.yaml", 2, 1)}],
                    "properties": {"pointer": "/a", "new": True},
                },
                {
                    "ruleId": "test-overlap",
                    "ruleIndex": 0,
                    "level": "error",
                    "message": {"text": "overlaps beta's claim"},
                    "locations": [{"physicalLocation": _location("members/acme.yaml", 3, 5)}],
                    "relatedLocations": [
                        {
                            "id": 1,
                            "physicalLocation": _location("members/beta.yaml", 7, 3),
                            "message": {"text": "the other claim"},
                        }
                    ],
                    "properties": {"pointer": "/claims/0"},
                },
            ],
            "properties": {"disclaimer": disclaimer.TEXT},
        }
    ],
}


def test_sarif_exact() -> None:
    out = sarif.render(FINDINGS, help_base=HELP, version="0.1.0")
    assert out == json.dumps(SARIF, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize(
    "findings",
    [
        FINDINGS,
        [],
        # A whole-file finding still has a location, just no region.
        [Finding("a b/ü.yaml", 0, 0, "test-weird", Severity.WARNING, "empty file")],
        [Finding("a.yaml", 1, 1, "test-overlap", Severity.ERROR, "x", related=(Related("b.yaml", 2, 0),))],
    ],
)
def test_sarif_is_valid(findings: list[Finding]) -> None:
    out = sarif.render(findings, help_base=HELP)
    _validate_sarif(out)
    for result in json.loads(out)["runs"][0]["results"]:
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def test_sarif_whole_file_and_related_without_message() -> None:
    findings = [Finding("a b/ü.yaml", 0, 0, "test-weird", Severity.WARNING, "m", related=(Related("b.yaml", 2, 0),))]
    (result,) = json.loads(sarif.render(findings))["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "a%20b/%C3%BC.yaml", "uriBaseId": "%SRCROOT%"}
    }
    assert result["relatedLocations"][0]["physicalLocation"]["region"] == {"startLine": 2}
    assert result["relatedLocations"][0]["message"] == {"text": "b.yaml:2:0"}


# --- registry -----------------------------------------------------------------------------------


def test_formats_dispatch_with_context() -> None:
    assert sorted(FORMATS) == ["github", "json", "sarif", "text"]
    ctx = ReportContext(help_base=HELP, changed_paths=frozenset({"members/acme.yaml"}), version="0.1.0")
    assert FORMATS["text"](FINDINGS, ctx) == TEXT
    assert FORMATS["json"](FINDINGS, ctx) == JSON
    assert FORMATS["github"](FINDINGS, ctx) == GITHUB
    assert json.loads(FORMATS["sarif"](FINDINGS, ctx)) == SARIF
    assert json.loads(FORMATS["json"]([WEIRD], ReportContext(strict=True)))["status"] == "fail"
    assert "\x1b[" in FORMATS["text"](FINDINGS, ReportContext(color=True))
