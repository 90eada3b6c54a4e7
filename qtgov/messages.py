"""The one message catalogue: every generated sentence a reader sees, in English and Chinese.

English text is the message id (gettext style). A call site writes `msg("placeholder in
{field}: {what}", field=..., what=...)`: the result is an ordinary `str` (the English sentence,
so findings, sorting, JSON and SARIF are unchanged) that also remembers its template and
parameters, so `render(text, "zh")` can say it in Chinese later, for instance once per handbook
edition in one run. The Chinese catalogue is the table in `qtgov/locale/zh.py`; a template
missing there is shown in English (and `tests/test_messages.py` lists it). Design:
docs/design/i18n.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

#: Languages findings and generated text can be rendered in.
LANGUAGES = ("zh", "en")


class Message(str):
    """An English sentence that knows the template and parameters it was made from."""

    template: str
    _params: Mapping[str, Any] | None
    _raw: Mapping[str, Any] | None  # parameters as the cache stored them, decoded on first use

    def __new__(cls, template: str, params: Mapping[str, Any]) -> Message:
        self = super().__new__(cls, template.format_map(params))
        self.template = template
        self._params = dict(params)
        self._raw = None
        return self

    @classmethod
    def cached(cls, text: str, template: str, raw: Mapping[str, Any]) -> Message:
        """A message read back from the cache: its English text as stored, its parameters
        decoded only when someone renders it in another language (a warm run mostly never does)."""
        self = str.__new__(cls, text)
        self.template = template
        self._params = None
        self._raw = raw
        return self

    @property
    def params(self) -> Mapping[str, Any]:
        if self._params is None:
            raw = self._raw or {}
            self._params = {k: from_json(v) if isinstance(v, (str, dict)) else v for k, v in raw.items()}
        return self._params

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.template, self.params))


class Joined(Message):
    """Messages (or plain text) joined by a separator, each item translated on its own."""

    separator: str
    items: tuple[str, ...]

    def __new__(cls, separator: str, items: tuple[str, ...]) -> Joined:
        self = str.__new__(cls, separator.join(items))
        self.template = ""
        self._params = {}
        self._raw = None
        self.separator = separator
        self.items = items
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Joined, (self.separator, self.items))


def joined(separator: str, items: Iterable[str]) -> Joined:
    """`separator.join(items)` that stays translatable (the separator is a message id too)."""
    return Joined(separator, tuple(items))


def msg(template: str, /, **params: Any) -> Message:
    """Mark a generated sentence for translation; `template` is the English text, `{name}` its
    parameters (a parameter may itself be a `msg`, translated with it)."""
    return Message(template, params)


def catalogue(lang: str) -> Mapping[str, str]:
    """English template → the template in `lang` (empty for English)."""
    if lang.split("-")[0].lower() != "zh":
        return {}
    from qtgov.locale.zh import CATALOGUE

    return CATALOGUE


def render(text: str, lang: str) -> str:
    """`text` in `lang`: a `Message` through the catalogue (its parameters too), any other
    string as it is (record-provided text, file paths, ids)."""
    if not isinstance(text, Message):
        return text
    table = catalogue(lang)
    if not table:
        return str.__str__(text)
    if isinstance(text, Joined):
        return table.get(text.separator, text.separator).join(render(item, lang) for item in text.items)
    params = {k: render(v, lang) if isinstance(v, str) else v for k, v in text.params.items()}
    return table.get(text.template, text.template).format_map(params)


def translate(text: str, lang: str) -> str:
    """Like `render`, and a plain string is looked up as a message id too (a rule title, a
    fixed sentence): only for text qtgov wrote, never for record-provided text."""
    if isinstance(text, Message):
        return render(text, lang)
    return catalogue(lang).get(text, text)


def to_json(text: str) -> Any:
    """A message as JSON (for the validation cache): a plain string, or its template and
    parameters."""
    if isinstance(text, Joined):
        return {"join": text.separator, "items": [to_json(item) for item in text.items]}
    if not isinstance(text, Message):
        return str(text)
    params = {k: to_json(v) if isinstance(v, str) else v for k, v in text.params.items()}
    return {"template": text.template, "params": params, "text": str(text)}


def from_json(value: Any) -> str:
    """The inverse of `to_json`."""
    if isinstance(value, dict) and "join" in value:
        return Joined(value["join"], tuple(from_json(item) for item in value["items"]))
    if isinstance(value, dict):
        return Message.cached(value["text"], value["template"], value["params"])
    return str(value)


def resolve_lang(option: str | None, alliance_languages: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()) -> str:
    """The language of the report: `--lang`, else `QTGOV_LANG`, else a zh/en locale
    (`LC_ALL`, `LC_MESSAGES`, `LANG`), else the alliance's first language, else English.
    `alliance_languages` may be a function, called only when nothing before it decides (reading
    the alliance's settings can mean loading the records)."""
    for value in (option, os.environ.get("QTGOV_LANG")):
        if value:
            return _known(value) or "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            found = _known(value)
            if found:
                return found
            break  # the first locale variable set decides (POSIX); C or another language: go on
    for value in alliance_languages() if callable(alliance_languages) else alliance_languages:
        found = _known(value)
        if found:
            return found
    return "en"


def _known(value: str) -> str | None:
    code = value.split(".")[0].split("_")[0].split("-")[0].lower()
    return code if code in LANGUAGES else None
