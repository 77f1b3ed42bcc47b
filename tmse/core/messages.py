"""Text the system generates, kept as a message id and parameters and rendered per reader."""

# A service never stores English sentences: it stores `message("Review requested: {key}",
# key="REQ-7")`, and a page renders it in the reader's language with `render(msg, locale)`.
# Extraction keywords (babel.cfg): `message`, `context_message:1c,2`, `N_`, `NP_:1c,2`.

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from tmse.core import i18n


@dataclass(frozen=True, slots=True)
class Message:
    """An English msgid with `{name}` placeholders, its parameters and an optional context."""

    id: str
    params: Mapping[str, Any] = field(default_factory=dict)
    context: str | None = None

    def to_json(self) -> dict[str, Any]:
        params = {
            name: value.to_json() if isinstance(value, Message) else value
            for name, value in self.params.items()
        }
        data: dict[str, Any] = {"id": self.id, "params": params}
        if self.context:
            data["context"] = self.context
        return data

    @classmethod
    def from_json(cls, data: Any) -> Message:
        """The stored form back; a plain string (text stored before messages) is its own id."""
        if isinstance(data, Message):
            return data
        if not isinstance(data, dict):
            return cls("" if data is None else str(data))
        params = {
            name: cls.from_json(value) if isinstance(value, dict) else value
            for name, value in (data.get("params") or {}).items()
        }
        return cls(str(data.get("id", "")), params, data.get("context") or None)


def message(msgid: str, /, **params: Any) -> Message:
    """A message to store; `msgid` must be a literal so extraction finds it."""
    return Message(msgid, params)


def context_message(context: str, msgid: str, /, **params: Any) -> Message:
    """A message whose English words also mean something else elsewhere (`"Pending"`)."""
    return Message(msgid, params, context)


def N_(msgid: str) -> str:  # noqa: N802 - the conventional gettext_noop name
    """Mark a msgid for the catalogs without translating it; it is translated where shown."""
    return msgid


def NP_(context: str, msgid: str) -> Message:  # noqa: N802 - as N_, with a context
    """Mark a label with a context: `NP_("decision status", "Pending")`."""
    return Message(msgid, {}, context)


def translate(locale: str, msgid: str, context: str | None = None) -> str:
    translations = i18n.translations(locale)
    if context:
        return str(translations.pgettext(context, msgid))
    return translations.gettext(msgid)


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(msg: Message | str | None, locale: str) -> str:
    """The message in `locale`, parameters filled in (and rendered too, when they are messages)."""
    if msg is None:
        return ""
    if isinstance(msg, str):
        return translate(locale, msg) if msg else ""
    text = translate(locale, msg.id, msg.context)
    if not msg.params:
        return text
    values = _Params(
        {
            name: render(value, locale) if isinstance(value, Message) else value
            for name, value in msg.params.items()
        }
    )
    try:
        return string.Formatter().vformat(text, (), values)
    except (ValueError, IndexError, AttributeError, KeyError):
        return text  # a translation with a broken placeholder shows unfilled, never fails a page


class MessageColumn(TypeDecorator[Message]):
    """A `Message` stored as JSON (`{"id", "params", "context"}`)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Message | None, dialect: Dialect) -> Any:
        return None if value is None else Message.from_json(value).to_json()

    def process_result_value(self, value: Any, dialect: Dialect) -> Message | None:
        return None if value is None else Message.from_json(value)
