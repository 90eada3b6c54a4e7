"""The other commands' text reports speak Chinese too: `history`, `provenance`, `review`,
`status`, `ownership` and `overlaps` take `--lang zh|en` and, without it, follow the same order
as `validate` (QTGOV_LANG, a zh/en locale, the alliance's first language). JSON stays English.
Commit ids differ from run to run of git's hashing inputs, so they are masked as <sha>."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from conftest import ALLIANCE
from test_git_story import executed_story

from qtgov.gitgov.history import describe_change
from qtgov.messages import render

SHA = re.compile(r"\b[0-9a-f]{12}\b")


def body(text: str) -> list[str]:
    """A report's lines after the bilingual disclaimer, with commit ids masked."""
    _, _, rest = text.partition("consult counsel.\n")
    return SHA.sub("<sha>", rest).strip("\n").splitlines()


def test_history_of_a_record_and_the_changelog_in_chinese(tmp_path: Path) -> None:
    story = executed_story(tmp_path)
    result = story.qtgov("history", "share-gpu", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    assert SHA.sub("<sha>", result.stdout).splitlines() == [
        "Shared GPU market 的历史（agreements/share-gpu.yaml）",
        "2025-01-07  <sha>  Ann Acme  （合并于 <sha>）",
        "    协议提议",
        "2025-01-07  <sha>  Ann Acme  （合并于 <sha>）",
        "    Ann Acme 代表 Acme 签署（2025-02-01）",
        "2025-01-07  <sha>  Bob Beta  （合并于 <sha>）",
        "    Bob Beta 代表 Beta 签署（2025-02-03）",
        "2025-01-07  <sha>  Hu Bo  （合并于 <sha>）",
        "    状态 已提议 → 已签署",
    ]
    changelog = SHA.sub("<sha>", story.qtgov("history", "--lang", "zh").stdout).splitlines()
    assert changelog[0] == "2025-01-07  <sha>  agreements/share-gpu.yaml: 协议提议  (Ann Acme)"
    assert changelog[-4:] == [
        "2025-01-02  <sha>  members/acme.yaml: 成员 Acme 已加入记录（状态 正式）  (Hu Bo)",
        "2025-01-02  <sha>  charter/taxonomy/segments.yaml: 分类体系 segments 已新增  (Hu Bo)",
        "2025-01-02  <sha>  charter/taxonomy/sectors.yaml: 分类体系 sectors 已新增  (Hu Bo)",
        "2025-01-02  <sha>  charter/alliance.yaml: 联盟设置已新增  (Hu Bo)",
    ]
    # In English too, the text names people and records as their records do today; JSON keeps
    # the ids (scripts match on them) and English whatever --lang says.
    english = SHA.sub("<sha>", story.qtgov("history", "share-gpu", "--lang", "en").stdout).splitlines()
    assert english[:5] == [
        "History of Shared GPU market (agreements/share-gpu.yaml)",
        "2025-01-07  <sha>  Ann Acme  (merged in <sha>)",
        "    agreement proposed",
        "2025-01-07  <sha>  Ann Acme  (merged in <sha>)",
        "    signature added by Ann Acme for Acme (2025-02-01)",
    ]
    entries = json.loads(story.qtgov("history", "share-gpu", "--format", "json", "--lang", "zh").stdout)
    assert [e["changes"] for e in entries["history"]["entries"]][1:] == [
        ["signature added by acme-ann for acme (2025-02-01)"],
        ["signature added by beta-bob for beta (2025-02-03)"],
        ["status proposed → executed"],
    ]


def test_provenance_in_chinese(tmp_path: Path) -> None:
    story = executed_story(tmp_path)
    result = story.qtgov("provenance", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    assert body(result.stdout) == [
        "agreements/share-gpu.yaml:12:16：已证实：acme-ann 代表 acme 的签署：由 ann@acme.example.org 在 <sha> 中提交，"
        "这是 acme-ann（acme） 的 commit_emails 之一",
        "agreements/share-gpu.yaml:17:16：已证实：beta-bob 代表 beta 的签署：由 bob@beta.example.org 在 <sha> 中提交，"
        "这是 beta-bob（beta） 的 commit_emails 之一",
        "2 项中有 2 项由 git 证实",
    ]
    english = body(story.qtgov("provenance").stdout)
    assert english[-1] == "2 of 2 vouched for by git"
    assert english[0] == (
        "agreements/share-gpu.yaml:12:16: vouched: signature of acme-ann for acme: committed by "
        "ann@acme.example.org in <sha>, one of the commit_emails of acme-ann (acme)"
    )
    data = json.loads(story.qtgov("provenance", "--format", "json", "--lang", "zh").stdout)
    assert data["provenance"][0]["note"] == "committed in " + data["provenance"][0]["commit"][:12] + (
        " from an address registered for acme-ann (acme)"
    )


def test_review_comment_in_chinese(tmp_path: Path) -> None:
    story = executed_story(tmp_path)
    story.branch("leave")
    story.edit("members/acme.yaml", "status: active", "status: withdrawn\nleft: 2025-03-01")
    story.commit("acme leaves", person="ann")
    result = story.qtgov("review", "main..HEAD", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    assert body(result.stdout) == [
        "基准 `main`（<sha>）· 合并基点 <sha> · 头部 <sha>",
        "",
        "### 变更内容",
        "",
        "- `members/acme.yaml`: 状态 正式 → 已退出（2025-03-01 退出）",
        "",
        "### 所需批准",
        "",
        "根据基准版本计算，因此任何人都不能批准自己的加入。",
        "",
        "| | 批准 | 原因 | 可由谁批准 |",
        "|---|---|---|---|",
        "| ⏳ | hub（枢纽） | acme 的成员资格变更（status, left） | @hu-hub (hub-hu) |",
        "| ⏳ | 法定人数：枢纽以外的 1 个成员，不含 acme | acme 的成员资格变更（status, left） | @bob-gh (beta-bob) |",
    ]
    english = body(story.qtgov("review", "main..HEAD").stdout)
    assert english[4] == "- `members/acme.yaml`: status active → withdrawn (left 2025-03-01)"
    assert english[-1] == (
        "| ⏳ | quorum: 1 member(s) other than the hub, not acme | membership of acme changes (status, left) "
        "| @bob-gh (beta-bob) |"
    )
    reviews = tmp_path / "reviews.json"
    reviews.write_text("[]", encoding="utf-8")
    checked = story.qtgov("review", "main..HEAD", "--check-approvals", "--approvals", str(reviews), "--lang", "zh")
    assert checked.returncode == 1
    assert checked.stderr == "qtgov：仍缺少批准：hub（枢纽）；法定人数：枢纽以外的 1 个成员，不含 acme\n"
    assert body(checked.stdout)[-1] == "**仍缺少批准。**"
    data = json.loads(story.qtgov("review", "main..HEAD", "--format", "json", "--lang", "zh").stdout)
    assert [g["label"] for g in data["approvals"]] == ["hub (hub)", "quorum: 1 member(s) other than the hub, not acme"]


def test_status_and_ownership_in_chinese(tmp_path: Path) -> None:
    story = executed_story(tmp_path)
    result = story.qtgov("status", "--as-of", "2025-03-01", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    assert body(result.stdout) == [
        "2025-03-01 生效的协议：1 份",
        "  share-gpu                        市场边界         自 2025-02-03 起，无终止日  acme, beta",
    ]
    assert body(story.qtgov("status", "--as-of", "2025-03-01").stdout) == [
        "In force on 2025-03-01: 1 agreement(s)",
        "  share-gpu                        market-boundary  from 2025-02-03, with no end date  acme, beta",
    ]
    due = story.qtgov("status", "--as-of", "2025-03-01", "--due", "30d", "--lang", "zh")
    assert body(due.stdout) == ["2025-03-01 至 2025-03-31 的期限：", "  无"]
    owned = story.qtgov("ownership", "--as-of", "2025-03-01", "--lang", "zh")
    assert body(owned.stdout) == ["截至 2025-03-01 的持股：0 项持股生效", "", "这一天没有生效的持股。"]


def test_the_default_is_the_alliance_s_first_language(make_repo: Any, qtgov: Any) -> None:
    zh_first = ALLIANCE.replace("languages: [en]", "languages: [zh, en]")
    root = make_repo({"charter/alliance.yaml": zh_first})
    # No QTGOV_LANG, and a locale that is neither zh nor en: the alliance decides.
    env = {"QTGOV_LANG": "", "LC_ALL": "C"}
    result = qtgov("status", "--as-of", "2025-03-01", "-C", root, env=env)
    assert result.returncode == 0, result.stderr
    assert body(result.stdout) == ["2025-03-01 生效的协议：0 份"]
    overlaps = qtgov("overlaps", "-C", root, env=env)
    assert body(overlaps.stdout) == ["声明的重点领域之间待协调的重叠", "声明的重点领域之间没有重叠。"]
    assert body(qtgov("status", "--as-of", "2025-03-01", "-C", root, "--lang", "en", env=env).stdout) == [
        "In force on 2025-03-01: 0 agreement(s)",
    ]


def test_related_locations_are_said_in_the_report_s_language(make_repo: Any, qtgov: Any) -> None:
    hub = """\
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
representatives:
  - id: hub-hu
    name: Hu Bo
    can_sign: false
    since: 2024-01-01
  - id: hub-hu
    name: Hu Bo again
    can_sign: false
    since: 2024-01-01
"""
    root = make_repo({"members/hub.yaml": hub})
    zh = qtgov("validate", "--lang", "zh", "-C", root).stdout
    en = qtgov("validate", "-C", root).stdout
    assert "  相关位置: members/hub.yaml:14:9: 第一次出现的 'hub-hu'" in zh.splitlines()
    assert "  related: members/hub.yaml:14:9: first 'hub-hu'" in en.splitlines()


def test_every_history_event_has_a_chinese_sentence() -> None:
    """The events of a record's life, rendered in Chinese, hold no English words but the
    record's own ids and field names."""
    member_v1 = {"id": "acme", "status": "prospective", "kind": "member", "representatives": []}
    member_v2 = {
        "id": "acme",
        "status": "active",
        "joined": "2025-01-01",
        "kind": "member",
        "claims": [{"id": "gpu"}],
        "representatives": [{"id": "acme-ann", "can_sign": True}],
    }
    agreement_v1 = {"id": "share", "status": "draft", "visibility": "alliance", "amends": "old"}
    agreement_v2 = {
        "id": "share",
        "status": "executed",
        "visibility": "public",
        "amends": "old",
        "signatures": [{"member": "acme", "signatory": "acme-ann", "date": "2025-02-01"}],
        "legal_review": {"status": "approved", "reviewer": "lee"},
        "termination": {"date": "2026-01-01"},
    }
    events = [
        *describe_change("members/acme.yaml", None, member_v1),
        *describe_change("members/acme.yaml", member_v1, member_v2),
        *describe_change("agreements/share.yaml", None, agreement_v1),
        *describe_change("agreements/share.yaml", agreement_v1, agreement_v2),
        *describe_change("charter/alliance.yaml", {"id": "a"}, {"id": "b"}),
        *describe_change("charter/taxonomy/sectors.yaml", {"nodes": {"a": {}}}, {"nodes": {"b": {}}}),
        *describe_change("charter/rules.md", None, {}),
    ]
    said = [render(e.summary, "zh") for e in events]
    assert said == [
        "成员 acme 已加入记录（状态 候选）",
        "状态 候选 → 正式（2025-01-01 加入）",
        "新增重点领域声明 gpu",
        "新增代表 acme-ann，有签署权",
        "old 的修订：协议起草",
        "状态 草稿 → 已签署",
        "acme-ann 代表 acme 签署（2025-02-01）",
        "法律审查已批准（审查人 lee）",
        "可见性 联盟内 → 公开",
        "已记录终止（2026-01-01）",
        "联盟设置已修改（id）",
        "分类体系 sectors：新增 1 个节点，删除 1 个节点",
        "章程文本 charter/rules.md 已新增",
    ]
    assert [str(e.summary) for e in events][:2] == [
        "member acme added (status prospective)",
        "status prospective → active (joined 2025-01-01)",
    ]


def test_handbook_history_and_changelog_in_each_language(tmp_path: Path) -> None:
    """The history table of a record page and the changelog render the events in the page's
    language, naming the member as its record does (and JSON-free: a real MkDocs build)."""
    import os
    import subprocess

    from handbook_fixtures import make_alliance

    from qtgov.site.pipeline import BuildOptions, build

    repo = make_alliance(tmp_path / "repo")

    def git(*args: str, date: str) -> None:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "Zhou Ming",
            "GIT_AUTHOR_EMAIL": "zhou@example.org",
            "GIT_COMMITTER_NAME": "Zhou Ming",
            "GIT_COMMITTER_EMAIL": "zhou@example.org",
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main", date="2025-03-01T10:00:00+08:00")
    git("add", "-A", date="2025-03-01T10:00:00+08:00")
    git("commit", "-q", "-m", "Found the alliance", date="2025-03-01T10:00:00+08:00")
    member = repo / "members" / "acme.yaml"
    member.write_text(member.read_text("utf-8").replace("status: active", "status: suspended"), encoding="utf-8")
    git("commit", "-q", "-am", "Suspend acme", date="2025-04-02T09:30:00+08:00")
    out = tmp_path / "site"
    build(BuildOptions(repo, out=out, audience="public"))

    def history(lang: str) -> str:
        page = (out / lang / "members" / "acme" / "index.html").read_text("utf-8")
        return html.unescape(page.split('id="history"')[1].split("<h2")[0])

    zh_changelog = html.unescape((out / "zh" / "changelog" / "index.html").read_text("utf-8"))
    en_changelog = html.unescape((out / "en" / "changelog" / "index.html").read_text("utf-8"))
    assert "状态 正式 → 暂停" in history("zh") and "状态 正式 → 暂停" in zh_changelog
    assert "成员 Acme Cloud 艾克米云 已加入记录（状态 正式）" in history("zh")
    assert "status active → suspended" not in history("zh") + zh_changelog
    assert "status active → suspended" in history("en") and "status active → suspended" in en_changelog
    assert "member Acme Cloud 艾克米云 added (status active)" in history("en")
    # The Atom feed says the same as the changelog, in its own language.
    zh_feed = html.unescape((out / "zh" / "feed.xml").read_text("utf-8"))
    en_feed = html.unescape((out / "en" / "feed.xml").read_text("utf-8"))
    assert "状态 正式 → 暂停" in zh_feed and "status active → suspended" not in zh_feed
    assert "status active → suspended" in en_feed


def test_events_name_what_the_reader_may_see_and_keep_ids_otherwise() -> None:
    from qtgov.gitgov.history import named, record_names

    acme = {"name": {"zh": "艾克米云", "en": "Acme Cloud"}, "representatives": [{"id": "acme-ann", "name": "Ann"}]}
    new = {
        "id": "share",
        "status": "draft",
        "amends": "secret-deal",
        "signatures": [{"member": "acme", "signatory": "acme-ann", "date": "2025-02-01"}],
    }
    events = describe_change("agreements/share.yaml", None, new)
    # `secret-deal` is not among the records given (not shown in this edition): it keeps its id.
    for lang, expected in (
        ("zh", ["secret-deal 的修订：协议起草", "Ann 代表 艾克米云 签署（2025-02-01）"]),
        ("en", ["amendment of secret-deal: agreement drafted", "signature added by Ann for Acme Cloud (2025-02-01)"]),
    ):
        names = record_names({"acme": acme}, {}, lang, ("zh", "en"))
        assert [render(named(e.summary, names), lang) for e in events] == expected
    # The event itself is unchanged: its English text and JSON keep the ids.
    assert [str(e.summary) for e in events] == [
        "amendment of secret-deal: agreement drafted",
        "signature added by acme-ann for acme (2025-02-01)",
    ]
    assert json.loads(json.dumps(events[1].as_dict()))["summary"] == "signature added by acme-ann for acme (2025-02-01)"


def test_the_note_about_unreadable_records_is_in_the_report_s_language(tmp_path: Path, qtgov: Any) -> None:
    from conftest import write_repo
    from test_rules_core import DEAL, MEMBERS, signed

    root = write_repo(
        tmp_path / "repo",
        {
            **MEMBERS,
            "agreements/deal.yaml": signed(DEAL),
            "agreements/other.yaml": "id: other\ntype: talent\ntitle: [x\n",
        },
    )
    result = qtgov("status", "--as-of", "2024-06-30", "--lang", "zh", "-C", root)
    assert result.returncode == 1
    assert body(result.stdout) == [
        "2024-06-30 生效的协议：1 份",
        "  deal                             人才             自 2024-03-01 起，无终止日  acme, beta",
    ]
    lines = result.stderr.splitlines()
    assert lines[0].startswith("agreements/other.yaml:4:1: 错误 [yaml-syntax] ")
    assert lines[1:] == [
        "qtgov：有 1 个记录文件无法读取，因此此列表可能遗漏部分生效的协议；"
        "请先修复它（`qtgov validate` 会列出所有问题）"
    ]


def test_an_init_made_alliance_reports_in_chinese_by_default(tmp_path: Path, qtgov: Any) -> None:
    """`qtgov init` writes languages [zh, en]: with no --lang, no QTGOV_LANG and a C locale,
    the reports are Chinese, and the history names the hub as its record does."""
    import os
    import subprocess

    repo = tmp_path / "alliance"
    init = qtgov(
        "init", repo, "--id", "acme-alliance", "--name", "Acme Alliance", "--hub", "acme", "--hub-name", "Acme 科技",
        "--rep", "ada", "--rep-name", "Ada Lovelace", "--rep-github", "ada-l",
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    when = "2025-05-01T09:00:00+08:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ada Lovelace", "GIT_AUTHOR_EMAIL": "ada@example.org", "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": "Ada Lovelace", "GIT_COMMITTER_EMAIL": "ada@example.org", "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }  # fmt: skip
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Found the alliance"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    plain = {"QTGOV_LANG": "", "LC_ALL": "C"}
    status = qtgov("status", "--as-of", "2025-06-01", "-C", repo, env=plain)
    assert (status.returncode, body(status.stdout)) == (0, ["2025-06-01 生效的协议：0 份"])
    history = qtgov("history", "acme", "-C", repo, env=plain)
    assert history.returncode == 0, history.stderr
    assert SHA.sub("<sha>", history.stdout).splitlines() == [
        "Acme 科技 的历史（members/acme.yaml）",
        "2025-05-01  <sha>  Ada Lovelace",
        "    成员 Acme 科技 已加入记录（状态 正式）",
    ]
    english = qtgov("history", "acme", "-C", repo, "--lang", "en", env=plain).stdout
    assert SHA.sub("<sha>", english).splitlines()[2] == "    member Acme 科技 added (status active)"
