"""`qtgov sign`: the signature is inserted as text (comments and layout kept), pins the content
hash, and is refused when the representative cannot sign."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import write_repo
from test_git_support import AGREEMENT, HUB, member

from qtgov.errors import UsageError
from qtgov.gitgov.signing import sign
from qtgov.records.hashing import content_sha256
from qtgov.records.yamlload import load_file

DAY = dt.date(2025, 2, 1)


def repo(tmp_path: Path, agreement: str = AGREEMENT, **members: str) -> Path:
    files = {
        "members/hub.yaml": HUB,
        "members/acme.yaml": member("acme", "acme-ann", "ann"),
        "members/beta.yaml": member("beta", "beta-bob", "bob"),
        "agreements/share-gpu.yaml": agreement,
        **{f"members/{k}.yaml": v for k, v in members.items()},
    }
    return write_repo(tmp_path / "repo", files)


def data(root: Path) -> dict[str, object]:
    result = load_file(root, "agreements/share-gpu.yaml")
    assert result.document is not None and not result.findings
    return result.document.data


def test_sign_appends_after_the_parties_and_keeps_everything_else(tmp_path: Path) -> None:
    root = repo(tmp_path)
    before = (root / "agreements/share-gpu.yaml").read_text("utf-8")
    digest = content_sha256(data(root))
    result = sign(root, "share-gpu", "acme", "acme-ann", day=DAY)
    assert (result.line, result.content_sha256, result.replaced) == (11, digest, False)
    after = (root / "agreements/share-gpu.yaml").read_text("utf-8")
    inserted = (
        "signatures:\n"
        "  - member: acme\n"
        "    signatory: acme-ann\n"
        "    date: 2025-02-01\n"
        "    method: git-commit\n"
        f"    content_sha256: {digest}\n"
    )
    assert after == before.replace("effective:", inserted + "effective:", 1)
    sign(root, Path(root / "agreements/share-gpu.yaml").as_posix(), "beta", "beta-bob", day=DAY)
    signatures = data(root)["signatures"]
    assert isinstance(signatures, list) and [s["member"] for s in signatures] == ["acme", "beta"]


@pytest.mark.parametrize(
    "layout",
    [
        "parties:\n- member: acme\n- member: beta\nsignatures: []  # none yet\n",
        "parties:\n  - member: acme\n  - member: beta\nsignatures:\n",
    ],
)
def test_sign_fills_an_empty_list(tmp_path: Path, layout: str) -> None:
    agreement = AGREEMENT.replace("parties:\n  - member: acme\n  - member: beta\n", layout)
    root = repo(tmp_path, agreement)
    sign(root, "share-gpu", "acme", "acme-ann", day=DAY)
    text = (root / "agreements/share-gpu.yaml").read_text("utf-8")
    assert "signatures:  # none yet\n" in text or "signatures:\n" in text
    assert [s["member"] for s in data(root)["signatures"]] == ["acme"]


def test_a_stale_signature_is_replaced_in_place(tmp_path: Path) -> None:
    root = repo(tmp_path)
    sign(root, "share-gpu", "acme", "acme-ann", day=DAY)
    sign(root, "share-gpu", "beta", "beta-bob", day=DAY)
    path = root / "agreements/share-gpu.yaml"
    path.write_text(path.read_text("utf-8").replace("[CN-SH]", "[CN-SH, CN-ZJ]"), "utf-8")
    result = sign(root, "share-gpu", "acme", "acme-ann", day=DAY + dt.timedelta(days=3))
    assert result.replaced and result.line == 11
    signatures = data(root)["signatures"]
    assert [(s["member"], s["date"]) for s in signatures] == [("acme", "2025-02-04"), ("beta", "2025-02-01")]
    assert signatures[0]["content_sha256"] == content_sha256(data(root)) != signatures[1]["content_sha256"]


def test_crlf_files_stay_crlf(tmp_path: Path) -> None:
    root = repo(tmp_path, AGREEMENT.replace("\n", "\r\n"))
    sign(root, "share-gpu", "acme", "acme-ann", day=DAY)
    raw = (root / "agreements/share-gpu.yaml").read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")


@pytest.mark.parametrize(
    "args, message",
    [
        (("gamma", "gamma-gus"), "'gamma' is not a party to share-gpu"),
        (("acme", "beta-bob"), "'beta-bob' is not a representative of 'acme'"),
        (("beta", "beta-wu"), "'beta-wu' of 'beta' has no signing authority"),
        (("acme", "acme-old"), "'acme-old' can sign for 'acme' only from 2024-01-01 to 2024-12-31, not on 2025-02-01"),
    ],
)
def test_sign_refuses_who_cannot_sign(tmp_path: Path, args: tuple[str, str], message: str) -> None:
    acme = member("acme", "acme-ann", "ann") + (
        "  - id: acme-old\n    name: Old\n    can_sign: true\n    since: 2024-01-01\n    until: 2024-12-31\n"
    )
    beta = (
        member("beta", "beta-bob", "bob")
        + "  - id: beta-wu\n    name: Wu\n    can_sign: false\n    since: 2024-01-01\n"
    )
    root = repo(tmp_path, acme=acme, beta=beta, gamma=member("gamma", "gamma-gus", "gus"))
    before = (root / "agreements/share-gpu.yaml").read_bytes()
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sign(root, "share-gpu", *args, day=DAY)
    assert (root / "agreements/share-gpu.yaml").read_bytes() == before


def test_sign_refuses_twice_and_after_execution(tmp_path: Path) -> None:
    root = repo(tmp_path)
    sign(root, "share-gpu", "acme", "acme-ann", day=DAY)
    with pytest.raises(UsageError, match="already signed"):
        sign(root, "share-gpu", "acme", "acme-ann", day=DAY)
    executed = repo(tmp_path / "x", AGREEMENT.replace("status: proposed", "status: executed"))
    with pytest.raises(UsageError, match="share-gpu is executed"):
        sign(executed, "share-gpu", "acme", "acme-ann", day=DAY)
    with pytest.raises(UsageError, match="no agreement 'nope'"):
        sign(root, "nope", "acme", "acme-ann", day=DAY)
