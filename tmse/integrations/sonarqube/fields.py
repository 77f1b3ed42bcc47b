"""Typed reads of a SonarQube delivery's JSON: every miss names its field path, never a KeyError."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

from tmse.integrations.json_text import JsonRefused, load_json
from tmse.integrations.sonarqube.errors import (
    BAD_PATTERN,
    BAD_TIMESTAMP,
    BODY_TOO_LARGE,
    CONTROL_CHARACTER,
    EMPTY,
    MISSING,
    NOT_JSON,
    NOT_ONE_OF,
    TOO_LONG,
    TOO_MANY,
    WRONG_TYPE,
    DeliveryRefused,
)

MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_TEXT = 255
MAX_ITEMS = 1000
# C0 controls (tab and newlines too: no key or name holds them), DEL and the C1 controls.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# SonarQube writes "2016-11-18T10:46:28+0100"; the RFC 3339 forms are accepted as well.
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})")
_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer"}


def load_body(body: bytes, max_bytes: int) -> Node:
    """The top-level object of a delivery body; DeliveryRefused when too large or not JSON."""
    if len(body) > max_bytes:
        raise DeliveryRefused(BODY_TOO_LARGE, "body", size=len(body), limit=max_bytes)
    try:
        data = load_json(body)
    except JsonRefused as error:
        raise DeliveryRefused(NOT_JSON, "body", reason=str(error)) from None
    return Node.of(data, "")


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    return _JSON_TYPES.get(type(value), "number")


class Node:
    """One JSON object and its path from the root (`qualityGate.conditions[2]`)."""

    def __init__(self, data: Mapping[str, Any], path: str) -> None:
        self.data = data
        self.path = path

    @classmethod
    def of(cls, value: Any, path: str) -> Node:
        if not isinstance(value, dict):
            raise DeliveryRefused(
                WRONG_TYPE, path or "body", expected="object", found=json_type(value)
            )
        return cls(value, path)

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def node(self, key: str) -> Node:
        value = self.data.get(key)
        if value is None:
            raise DeliveryRefused(MISSING, self.where(key))
        return Node.of(value, self.where(key))

    def nodes(self, key: str) -> list[Node]:
        """The objects of an array; an absent array has none."""
        items = self.data.get(key)
        where = self.where(key)
        if items is None:
            return []
        if not isinstance(items, list):
            raise DeliveryRefused(WRONG_TYPE, where, expected="array", found=json_type(items))
        if len(items) > MAX_ITEMS:
            raise DeliveryRefused(TOO_MANY, where, limit=MAX_ITEMS)
        return [Node.of(item, f"{where}[{index}]") for index, item in enumerate(items)]

    def text(self, key: str, limit: int = MAX_TEXT) -> str:
        value = self.optional_text(key, limit)
        if value is None:
            raise DeliveryRefused(MISSING if self.data.get(key) is None else EMPTY, self.where(key))
        return value

    def optional_text(self, key: str, limit: int = MAX_TEXT) -> str | None:
        """A string without control characters, or None when absent, null or empty."""
        value = self.data.get(key)
        if value is None:
            return None
        return checked_text(value, self.where(key), limit) or None

    def matching(self, key: str, pattern: re.Pattern[str], kind: str) -> str | None:
        """An optional string that must match `pattern` when present."""
        value = self.optional_text(key)
        if value is not None and not pattern.fullmatch(value):
            raise DeliveryRefused(BAD_PATTERN, self.where(key), value=value[:80], kind=kind)
        return value

    def choice(self, key: str, choices: Collection[str]) -> str:
        value = self.optional_choice(key, choices)
        if value is None:
            raise DeliveryRefused(MISSING if self.data.get(key) is None else EMPTY, self.where(key))
        return value

    def optional_choice(self, key: str, choices: Collection[str]) -> str | None:
        value = self.optional_text(key, 40)
        if value is not None and value not in choices:
            listed = ", ".join(sorted(choices))
            raise DeliveryRefused(NOT_ONE_OF, self.where(key), value=value, choices=listed)
        return value

    def optional_flag(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is not None and not isinstance(value, bool):
            raise DeliveryRefused(
                WRONG_TYPE, self.where(key), expected="boolean", found=json_type(value)
            )
        return value

    def optional_timestamp(self, key: str) -> datetime | None:
        """An ISO 8601 time with a zone ("2016-11-18T10:46:28+0100"), in UTC; None when absent."""
        value = self.optional_text(key, 64)
        if value is None:
            return None
        if not _ISO_TIME.fullmatch(value):
            raise DeliveryRefused(BAD_TIMESTAMP, self.where(key), value=value)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise DeliveryRefused(BAD_TIMESTAMP, self.where(key), value=value) from None
        return parsed.astimezone(UTC)


def checked_text(value: Any, where: str, limit: int = MAX_TEXT) -> str:
    """A string, stripped, with no control characters and at most `limit` characters."""
    if not isinstance(value, str):
        raise DeliveryRefused(WRONG_TYPE, where, expected="string", found=json_type(value))
    if _CONTROL.search(value):
        raise DeliveryRefused(CONTROL_CHARACTER, where)
    if len(value) > limit:
        raise DeliveryRefused(TOO_LONG, where, limit=limit)
    return value.strip()
