"""The JSON report's writer gives exactly the bytes of `json.dumps(indent=2, ensure_ascii=False)`."""

from __future__ import annotations

import json
import random

from qtgov.findings import Finding, Related, Severity
from qtgov.report import json as json_report

TEXTS = ["", "a", "名称 — “quoted”", 'back\\slash "q"', "line\nbreak\ttab", "\x00\x1f\u2028", "😀", "/x/0"]


def random_value(rng: random.Random, depth: int = 0) -> object:
    pick = rng.randrange(9 if depth < 3 else 5)
    if pick == 0:
        return rng.choice(TEXTS)
    if pick == 1:
        return rng.randint(-(10**12), 10**12)
    if pick == 2:
        return rng.choice([0.5, -1e300, 3.0, 1e-7])
    if pick == 3:
        return rng.choice([True, False, None])
    if pick == 4:
        return rng.choice(TEXTS) * rng.randint(0, 3)
    if pick in (5, 6):
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(TEXTS) + str(i): random_value(rng, depth + 1) for i in range(rng.randint(0, 4))}


def test_encoder_matches_json_dumps_on_random_documents() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        value = random_value(rng)
        assert json_report.encode(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_report_matches_json_dumps() -> None:
    findings = [
        Finding("members/a.yaml", 3, 5, "overlap", Severity.WARNING, "a “b”\n", "/claims/0"),
        Finding("members/b.yaml", 1, 1, "schema", Severity.ERROR, "x", related=(Related("members/a.yaml", 2, 3, "y"),)),
    ]
    text = json_report.render(findings)
    document = json.loads(text)
    assert text == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    assert [f["rule"] for f in document["findings"]] == ["overlap", "schema"]
