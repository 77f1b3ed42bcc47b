"""Reading a webhook body strictly: JSON within limits, then typed fields named by their path."""
# Every accessor refuses with DeliveryRefused naming the dotted path at fault, so a hostile or
# damaged body never surfaces as a KeyError or TypeError and nothing is half-read.

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from tmse.integrations.cicd_events.refusals import (
    BODY_TOO_LARGE,
    CONTROL_CHARACTER,
    EMPTY_TEXT,
    MISSING,
    NOT_A_COMMIT,
    NOT_A_DATE,
    NOT_JSON,
    NOT_UTF8,
    OUT_OF_RANGE,
    TEXT_TOO_LONG,
    TOO_DEEP,
    UNKNOWN_VALUE,
    WRONG_TYPE,
    DeliveryRefused,
)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64  # real payloads nest about ten levels
TEXT_LIMIT = 4096  # names, titles, URLs; free text (messages, bodies) is bounded by the body size
HEADER_LIMIT = 200  # an event name or a delivery id
MAX_ID = 2**63 - 1  # ids fit a signed 64-bit column
MAX_SECONDS = 10**9  # durations: about 31 years
# C0 controls and DEL are refused in names; free text may hold tab, line feed and carriage
# return. Lone surrogates (from \ud800-style escapes) cannot be stored as text either.
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_CONTROL_IN_FREE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})", re.ASCII)
# GitLab writes "2016-08-12 15:23:28 UTC" and "2021-04-28 21:50:00 +0200" besides ISO 8601.
_SPACED = re.compile(
    r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?(UTC|[+-]\d{2}:?\d{2})", re.ASCII
)
_SHA = re.compile(r"[0-9a-f]{7,64}")  # abbreviated to full SHA-1 or SHA-256 commit ids


def load_body(body: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Node:
    """The top-level JSON object of a delivery body; DeliveryRefused when it is not one."""
    if not isinstance(body, bytes | bytearray):
        raise DeliveryRefused(WRONG_TYPE, "body", expected="bytes", found=type(body).__name__)
    if len(body) > max_bytes:
        raise DeliveryRefused(BODY_TOO_LARGE, "body", limit=max_bytes)
    try:
        text = bytes(body).decode("utf-8")
    except UnicodeDecodeError:
        raise DeliveryRefused(NOT_UTF8, "body") from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise DeliveryRefused(NOT_JSON, "body", reason=error.msg) from None
    except RecursionError:
        raise DeliveryRefused(TOO_DEEP, "body", limit=MAX_DEPTH) from None
    except ValueError as error:  # NaN/Infinity, or an integer with more digits than Python reads
        raise DeliveryRefused(NOT_JSON, "body", reason=str(error)) from None
    if _deeper_than(data, MAX_DEPTH):
        raise DeliveryRefused(TOO_DEEP, "body", limit=MAX_DEPTH)
    if not isinstance(data, dict):
        raise DeliveryRefused(WRONG_TYPE, "body", expected="object", found=_kind(data))
    return Node(data, "")


def header_value(value: str | None, header: str, *, required: bool) -> str | None:
    """A request header's value (event name, delivery id): one short line of text."""
    if value is not None and not isinstance(value, str):
        raise DeliveryRefused(WRONG_TYPE, header, expected="text", found=_kind(value))
    if value is None or not value.strip():
        if required:
            raise DeliveryRefused(MISSING, header)
        return None
    if _CONTROL.search(value):
        raise DeliveryRefused(CONTROL_CHARACTER, header)
    if len(value) > HEADER_LIMIT:
        raise DeliveryRefused(TEXT_TOO_LONG, header, limit=HEADER_LIMIT)
    return value.strip()


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (walked without recursion)."""
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, level = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            if level + 1 > limit:
                return True
            pending.extend((child, level + 1) for child in value)
    return False


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "list"
    return "object"


class Node:
    """One JSON object of a payload and its path, with typed, refusing accessors."""

    def __init__(self, data: Mapping[str, Any], path: str) -> None:
        self.data = data
        self.path = path

    def where(self, name: str) -> str:
        if name.startswith("["):
            return f"{self.path}{name}"
        return f"{self.path}.{name}" if self.path else name

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    def _value(self, name: str, required: bool) -> Any:
        value = self.data.get(name)
        if value is None and required:
            raise DeliveryRefused(MISSING, self.where(name))
        return value

    def _typed(self, name: str, value: Any, expected: str, kinds: tuple[type, ...]) -> Any:
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise DeliveryRefused(
                WRONG_TYPE, self.where(name), expected=expected, found=_kind(value)
            )
        return value

    def child(self, name: str) -> Node:
        value = self._typed(name, self._value(name, True), "object", (dict,))
        return Node(value, self.where(name))

    def optional_child(self, name: str) -> Node | None:
        value = self._value(name, False)
        if value is None:
            return None
        return Node(self._typed(name, value, "object", (dict,)), self.where(name))

    def children(self, name: str) -> list[Node]:
        """The objects of a list field (absent or null: none)."""
        items = self._value(name, False) or []
        self._typed(name, items, "list", (list,))
        where = self.where(name)
        nodes = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                found = _kind(item)
                raise DeliveryRefused(
                    WRONG_TYPE, f"{where}[{index}]", expected="object", found=found
                )
            nodes.append(Node(item, f"{where}[{index}]"))
        return nodes

    def text(self, name: str, *, free: bool = False) -> str:
        """A required, non-empty text; `free` text may span lines and has no length limit."""
        value = self.optional_text(name, free=free)
        if value is None:
            raise DeliveryRefused(MISSING, self.where(name))
        return value

    def optional_text(self, name: str, *, free: bool = False) -> str | None:
        """A text, or None when absent, null or empty."""
        value: str | None = self._typed(name, self._value(name, False), "text", (str, type(None)))
        if not value:
            return None
        pattern = _CONTROL_IN_FREE_TEXT if free else _CONTROL
        if pattern.search(value):
            raise DeliveryRefused(CONTROL_CHARACTER, self.where(name))
        if not free and len(value) > TEXT_LIMIT:
            raise DeliveryRefused(TEXT_TOO_LONG, self.where(name), limit=TEXT_LIMIT)
        if not free and not value.strip():
            raise DeliveryRefused(EMPTY_TEXT, self.where(name))
        return value

    def optional_sha(self, name: str) -> str | None:
        """A commit id: 7 to 64 hexadecimal digits, in lower case."""
        value = self.optional_text(name)
        if value is None:
            return None
        if not _SHA.fullmatch(value.lower()):
            raise DeliveryRefused(NOT_A_COMMIT, self.where(name), value=value[:40])
        return value.lower()

    def sha(self, name: str) -> str:
        value = self.optional_sha(name)
        if value is None:
            raise DeliveryRefused(MISSING, self.where(name))
        return value

    def integer(self, name: str) -> int:
        value = self.optional_integer(name)
        if value is None:
            raise DeliveryRefused(MISSING, self.where(name))
        return value

    def optional_integer(self, name: str) -> int | None:
        value = self._typed(name, self._value(name, False), "integer", (int, type(None)))
        if value is not None and not 0 <= value <= MAX_ID:
            raise DeliveryRefused(OUT_OF_RANGE, self.where(name), value=value)
        return value  # type: ignore[no-any-return]

    def identifier(self, name: str) -> str:
        """An id that sources send as a number (sometimes as text): its text form."""
        value = self._value(name, True)
        if isinstance(value, str):
            return self.text(name)
        return str(self.integer(name))

    def optional_seconds(self, name: str, *, unit: float = 1.0) -> float | None:
        """A duration in seconds (given in `unit` seconds): finite, from 0 to about 30 years."""
        value = self._typed(name, self._value(name, False), "number", (int, float, type(None)))
        if value is None:
            return None
        if not math.isfinite(value) or not 0 <= value * unit <= MAX_SECONDS:
            raise DeliveryRefused(OUT_OF_RANGE, self.where(name), value=value)
        return float(value * unit)

    def flag(self, name: str) -> bool:
        """A boolean; absent or null reads as false."""
        value = self._typed(name, self._value(name, False), "boolean", (bool, type(None)))
        return bool(value)

    def texts(self, name: str) -> tuple[str, ...]:
        """The texts of a list of strings (absent or null: none)."""
        items = self._value(name, False) or []
        self._typed(name, items, "list", (list,))
        holder = Node({f"[{i}]": item for i, item in enumerate(items)}, self.where(name))
        found = (holder.optional_text(f"[{i}]") for i in range(len(items)))
        return tuple(text for text in found if text)

    def text_map(self, name: str) -> dict[str, str]:
        """An object of texts (absent or null: empty); null or empty values are left out."""
        holder = self.optional_child(name)
        if holder is None:
            return {}
        found = {}
        for key in holder.data:
            shown = holder.where(_CONTROL.sub("?", key[:40]))
            if _CONTROL.search(key):
                raise DeliveryRefused(CONTROL_CHARACTER, shown)
            if len(key) > TEXT_LIMIT:
                raise DeliveryRefused(TEXT_TOO_LONG, shown, limit=TEXT_LIMIT)
            value = holder.optional_text(key)
            if value is not None:
                found[key] = value
        return found

    def timestamp(self, name: str) -> datetime:
        value = self.optional_timestamp(name)
        if value is None:
            raise DeliveryRefused(MISSING, self.where(name))
        return value

    def optional_timestamp(self, name: str) -> datetime | None:
        """An aware UTC datetime from ISO 8601 text, GitLab's spaced form, or epoch seconds."""
        value = self._value(name, False)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            if not 0 <= value <= 253402300799:  # up to 9999-12-31
                raise DeliveryRefused(OUT_OF_RANGE, self.where(name), value=value)
            return datetime.fromtimestamp(value, UTC)
        text = self._typed(name, value, "date and time", (str,))
        parsed = parse_timestamp(text)
        if parsed is None:
            raise DeliveryRefused(NOT_A_DATE, self.where(name), value=text[:40])
        return parsed

    def choice(self, name: str, mapping: Mapping[str, Any], *, default: Any = None) -> Any:
        """The mapped value of an enumerated text field; an unknown value is refused."""
        value = self.optional_text(name)
        if value is None:
            if default is None:
                raise DeliveryRefused(MISSING, self.where(name))
            return default
        if value not in mapping:
            raise DeliveryRefused(UNKNOWN_VALUE, self.where(name), value=value[:40])
        return mapping[value]


def parse_timestamp(text: str) -> datetime | None:
    """Aware UTC datetime of ISO 8601 or "YYYY-MM-DD HH:MM:SS UTC|±HHMM" text; None otherwise."""
    spaced = _SPACED.fullmatch(text)
    if spaced:
        day, clock, zone = spaced.groups()
        zone = "+00:00" if zone == "UTC" else zone
        text = f"{day}T{clock}{zone}"
    elif not _ISO.fullmatch(text):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC)


def utc_from_parts(day_and_time: str, millis: int, offset_minutes: int) -> datetime | None:
    """Aware UTC datetime of "YYYY-MM-DDTHH:MM:SS" plus milliseconds and an offset, or None."""
    try:
        local = datetime.fromisoformat(day_and_time)
    except ValueError:
        return None
    zone = timezone(timedelta(minutes=offset_minutes))
    return (local.replace(tzinfo=zone) + timedelta(milliseconds=millis)).astimezone(UTC)


def first_line(text: str) -> str:
    """The first line of a message, as a title."""
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def sha_in_url(url: str | None) -> str | None:
    """The commit id that ends a commit URL (".../commit/<sha>"), or None."""
    if not url:
        return None
    last = url.rstrip("/").rsplit("/", 1)[-1].lower()
    return last if _SHA.fullmatch(last) else None
