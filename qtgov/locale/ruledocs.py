"""A rule's documentation in the reader's language.

A rule's docstring is its English documentation (its handbook page). The Chinese text of rule
`<id>` is the file `qtgov/locale/rules/zh/<id>.md`, shipped with the package. Its first line
names the English text it translates:

    <!-- en: 0123456789abcdef -->

the first 16 hex digits of the SHA-256 of the docstring (UTF-8, exactly as `Rule.doc` holds it),
then a blank line, then the Chinese Markdown. When the English text changes, the hash no longer
matches: the page shows the current English text until someone translates it again (an outdated
explanation of a legal risk is worse than an untranslated one), and `tests/test_rule_docs.py`
names the rule. Design: docs/design/i18n.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

#: Where the translations live: `<lang>/<rule id>.md`.
DOCS_DIR = Path(__file__).resolve().parent / "rules"

_HEADER = re.compile(r"<!-- en: ([0-9a-f]{16}) -->\n\n")


class DocumentedRule(Protocol):
    """What a translation needs of a rule (`qtgov.rules.Rule`, which sits above the catalogues)."""

    @property
    def id(self) -> str: ...
    @property
    def doc(self) -> str: ...


@dataclass(frozen=True)
class Translation:
    source_hash: str  # the `en:` hash: which English text this translates
    text: str  # the Markdown after the header


def source_hash(doc: str) -> str:
    """The hash a translation of `doc` carries in its first line."""
    return hashlib.sha256(doc.encode("utf-8")).hexdigest()[:16]


def _lang(lang: str) -> str:
    return lang.split("-")[0].split("_")[0].lower()


@cache
def translation(rule_id: str, lang: str) -> Translation | None:
    """The file's translation of rule `rule_id`, current or not; None when there is no file or its
    first line is not the `en:` header."""
    path = DOCS_DIR / _lang(lang) / f"{rule_id}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    header = _HEADER.match(text)
    if header is None:
        return None
    return Translation(header.group(1), text[header.end() :].strip("\n"))


def is_translated(rule: DocumentedRule, lang: str) -> bool:
    """Whether `lang` has a translation of the rule's current English documentation."""
    found = translation(rule.id, lang)
    return found is not None and found.source_hash == source_hash(rule.doc)


def rule_doc(rule: DocumentedRule, lang: str) -> str:
    """The rule's documentation (Markdown) in `lang`: the translation when it translates the
    current docstring, else the docstring itself (English is the docstring)."""
    if _lang(lang) == "en" or not is_translated(rule, lang):
        return rule.doc
    found = translation(rule.id, lang)
    assert found is not None  # is_translated said so
    return found.text
