"""Find English sentences in the generated text of a zh handbook page (tests/test_messages.py).

A page's Markdown is reduced to the words a reader sees that qtgov wrote: front matter, code,
HTML tags and attributes, link targets, URLs and e-mail addresses go, and so does every piece of
text the records themselves provide (names, titles, notes, charter prose), which is shown as
written. What remains is English when it has three or more consecutive English words (letters
only: ids such as `mb-gpu-shanghai`, paths and codes are not words)."""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_CODE = re.compile(r"`[^`\n]*`")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PRE = re.compile(r"<pre\b.*?</pre>", re.S)  # record diffs: the records' own lines
_TAG = re.compile(r"<[^>]*>")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_URL = re.compile(r"\b(?:https?|mailto):[^\s)|<>]*|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?[,.;:!?]?")
MIN_WORDS = 3


def record_texts(root: Path) -> list[str]:
    """Every string a record or a charter page provides, longest first (removed before checking)."""
    out: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            out.update(part.strip() for part in value.splitlines() if part.strip())
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for path in sorted(root.rglob("*.yaml")):
        try:
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
        except yaml.YAMLError:
            continue
    for path in sorted(root.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n") and "\n---\n" in text[3:]:  # a Markdown record's front matter
            with contextlib.suppress(yaml.YAMLError):
                walk(yaml.safe_load(text[4 : text.index("\n---\n", 3)]))
        for line in text.splitlines():
            text = line.strip().lstrip("#>-*| ").strip()
            if text:
                out.add(text)
    return sorted((t for t in out if len(t) >= 3), key=len, reverse=True)


def visible_text(markdown: str, provided: Iterable[str] = ()) -> str:
    text = _FRONT.sub("", markdown)
    for pattern in (_FENCE, _COMMENT, _PRE, _CODE, _LINK_TARGET, _TAG):
        text = pattern.sub(" ", text)
    # After the tags (an escaped `&lt;` is text), before the rest: `mb&#45;gpu` is the id mb-gpu.
    text = html.unescape(text)
    for pattern in (_CODE, _URL):
        text = pattern.sub(" ", text)
    pieces = [p for p in provided if p in text]
    if pieces:
        # Whole words only: a record's "port" must not cut "report" apart.
        alternatives = "|".join(re.escape(p) for p in sorted(pieces, key=len, reverse=True))
        text = re.sub(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])", " ", text)
    return text


def english_runs(text: str, min_words: int = MIN_WORDS) -> Iterator[str]:
    """Runs of at least `min_words` English words in a row (a non-word token breaks a run)."""
    for line in text.splitlines():
        run: list[str] = []
        for token in [*line.split(), ""]:
            if token and _WORD.fullmatch(token):
                run.append(token)
                continue
            if len(run) >= min_words:
                yield " ".join(run)
            run = []
