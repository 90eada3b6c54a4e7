"""One Chinese word per term (docs/design/i18n.md, "Glossary"): the rejected variants appear in
no generated zh text — the message catalogue, the site labels, the rule documents and the
schemas' field descriptions."""

from __future__ import annotations

import json
from pathlib import Path

from qtgov.locale.ruledocs import DOCS_DIR
from qtgov.locale.zh import CATALOGUE
from qtgov.site import i18n

ROOT = Path(__file__).resolve().parent.parent

#: rejected word → the word the glossary uses instead
REJECTED = {
    "业务范围": "重点领域",  # reads like 经营范围, the registered business scope
    "业务声明": "重点领域声明",
    "已执行": "已签署",
    "合并请求": "拉取请求",
    "细分市场": "客户群",
}


def _zh_texts() -> dict[str, str]:
    texts = {f"zh.py: {en}": zh for en, zh in CATALOGUE.items()}
    texts.update({f"i18n.py: {key}": zh for key, (zh, _en) in i18n._STRINGS.items()})
    texts.update(
        {f"i18n.py: {kind}.{key}": zh for kind, values in i18n._VALUES.items() for key, (zh, _en) in values.items()}
    )
    texts.update({f"rules/zh/{p.name}": p.read_text(encoding="utf-8") for p in sorted((DOCS_DIR / "zh").glob("*.md"))})
    for path in sorted((ROOT / "schemas").glob("*.json")):
        texts[f"schemas/{path.name}"] = json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
    return texts


def test_zh_text_uses_one_word_per_term() -> None:
    found = [f"{where}: {bad} (use {good})" for where, text in _zh_texts().items()
             for bad, good in REJECTED.items() if bad in text]  # fmt: skip
    assert not found, "\n".join(found)


def test_the_glossary_words_are_the_ones_in_use() -> None:
    everything = "\n".join(_zh_texts().values())
    for word in ("声明的重点领域", "重点领域声明", "已签署", "拉取请求", "客户群"):
        assert word in everything, word
