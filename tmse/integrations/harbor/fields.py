"""Typed reads of a Harbor delivery's JSON: every miss names its field path, never a KeyError."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tmse.integrations.harbor.errors import (
    BAD_EPOCH,
    BAD_PATTERN,
    BAD_TIMESTAMP,
    BODY_TOO_LARGE,
    CONTROL_CHARACTER,
    EMPTY,
    MISSING,
    NEGATIVE,
    NOT_JSON,
    OUT_OF_RANGE,
    TOO_LONG,
    TOO_MANY,
    WRONG_TYPE,
    DeliveryRefused,
)
from tmse.integrations.json_text import JsonRefused, load_json

MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_TEXT = 255
MAX_URL = 2048
MAX_ITEMS = 1000
# Seconds from 1970 to the last second of year 9999, the largest instant a datetime holds.
LATEST_EPOCH = 253_402_300_799
# C0 controls (tab and newlines too: no name holds them), DEL and the C1 controls.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
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
    """One JSON object and its path from the root (`event_data.resources[0]`)."""

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
        """The path of a member: dotted for plain names, bracketed and quoted for others."""
        if not _PLAIN_KEY.fullmatch(key):
            return f"{self.path}[{json.dumps(key)}]"
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def node(self, key: str) -> Node:
        return Node.of(self._required(key), self.where(key))

    def nodes(self, key: str) -> list[Node]:
        """The objects of a required array."""
        items = self._required(key)
        where = self.where(key)
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

    def matching(self, key: str, pattern: re.Pattern[str], kind: str) -> str:
        value = self.text(key)
        if not pattern.fullmatch(value):
            raise DeliveryRefused(BAD_PATTERN, self.where(key), value=value[:80], kind=kind)
        return value

    def count(self, key: str, limit: int) -> int:
        """A required non-negative integer no larger than `limit`."""
        value = self._required(key)
        return checked_count(value, self.where(key), limit)

    def epoch(self, key: str) -> datetime:
        """A required time in whole seconds since 1970, as an aware UTC datetime."""
        value = self._required(key)
        where = self.where(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise DeliveryRefused(WRONG_TYPE, where, expected="integer", found=json_type(value))
        if not 0 <= value <= LATEST_EPOCH:
            raise DeliveryRefused(BAD_EPOCH, where, value=value)
        return datetime.fromtimestamp(value, UTC)

    def timestamp(self, key: str) -> datetime:
        value = self.optional_timestamp(key)
        if value is None:
            raise DeliveryRefused(MISSING, self.where(key))
        return value

    def optional_timestamp(self, key: str) -> datetime | None:
        """An RFC 3339 time with a zone, in UTC; None when absent or Go's zero time."""
        value = self.optional_text(key, 64)
        if value is None or value.startswith("0001-01-01T00:00:00"):
            return None
        if not _RFC3339.fullmatch(value):
            raise DeliveryRefused(BAD_TIMESTAMP, self.where(key), value=value)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise DeliveryRefused(BAD_TIMESTAMP, self.where(key), value=value) from None
        return parsed.astimezone(UTC)

    def _required(self, key: str) -> Any:
        value = self.data.get(key)
        if value is None:
            raise DeliveryRefused(MISSING, self.where(key))
        return value


def checked_text(value: Any, where: str, limit: int = MAX_TEXT) -> str:
    """A string, stripped, with no control characters and at most `limit` characters."""
    if not isinstance(value, str):
        raise DeliveryRefused(WRONG_TYPE, where, expected="string", found=json_type(value))
    if _CONTROL.search(value):
        raise DeliveryRefused(CONTROL_CHARACTER, where)
    if len(value) > limit:
        raise DeliveryRefused(TOO_LONG, where, limit=limit)
    return value.strip()


def checked_count(value: Any, where: str, limit: int) -> int:
    """A non-negative integer (not a boolean, not a float) no larger than `limit`."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise DeliveryRefused(WRONG_TYPE, where, expected="integer", found=json_type(value))
    if value < 0:
        raise DeliveryRefused(NEGATIVE, where, value=value)
    if value > limit:
        raise DeliveryRefused(OUT_OF_RANGE, where, value=value, limit=limit)
    return value
