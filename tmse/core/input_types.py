"""The types every request field and parameter is declared with, so that no input the schema
admits can overflow a column or reach the database as a control character."""

# Integers are bounded by the column they land in (Integer → int32, BigInteger → int64) on SQLite as
# on PostgreSQL, so whatever SQLite accepts also restores into PostgreSQL. Strings carry a maximum
# length and refuse C0/C1 control characters (multi-line text keeps tab, newline and carriage
# return). `PatchModel` refuses an explicit null for a field whose column cannot be empty.

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo

T = TypeVar("T")

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

# JSON Schema (ECMA 262) patterns, also valid for pydantic's regex engine.
SINGLE_LINE = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"
MULTI_LINE = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
# Anything a request may carry: every C0/C1 character but tab, newline and carriage return.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

NAME_LENGTH = 200
TEXT_LENGTH = 20_000


def parse_int32(value: object) -> int | None:
    """A number typed by hand (a form field, a query value, `REQ-12`'s digits) as a non-negative
    int32, or None: only ASCII digits count, and nothing a column cannot hold."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    number = int(text)
    return number if number <= INT32_MAX else None


def line(max_length: int, min_length: int = 0) -> Any:
    """A single-line string of at most `max_length` characters: `Annotated[str, line(120)]`."""
    return Field(min_length=min_length, max_length=max_length, pattern=SINGLE_LINE)


def text(max_length: int = TEXT_LENGTH) -> Any:
    """Multi-line text of at most `max_length` characters: `Annotated[str, text(4000)]`."""
    return Field(max_length=max_length, pattern=MULTI_LINE)


def amount(max_digits: int, decimal_places: int, minimum: Decimal | None = None) -> Any:
    """A decimal that fits a `Numeric(max_digits, decimal_places)` column (bounds shown in the
    schema; `minimum` narrows the lower one, e.g. to 0)."""
    largest = Decimal(10) ** (max_digits - decimal_places) - Decimal(10) ** -decimal_places
    return Field(
        max_digits=max_digits,
        decimal_places=decimal_places,
        ge=-largest if minimum is None else minimum,
        le=largest,
    )


# Row ids and references to them: Integer primary keys.
Id = Annotated[int, Field(ge=1, le=INT32_MAX)]
# Optimistic-concurrency versions: an Integer column counting up from 1.
Version = Annotated[
    int, Field(ge=0, le=INT32_MAX, description="The version you read; a stale one gets 409.")
]
# Any other Integer column (counts, positions, scores, years).
Int32 = Annotated[int, Field(ge=-INT32_MAX - 1, le=INT32_MAX)]
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
Offset = Annotated[int, Field(ge=0, le=INT32_MAX, description="Rows to skip.")]
Name = Annotated[str, line(NAME_LENGTH, min_length=1)]
# The name of another record (team, system, service, user) a request refers to.
Reference = Annotated[str, line(NAME_LENGTH, min_length=1)]
Title = Annotated[str, line(NAME_LENGTH, min_length=1)]
# A filter or search term in a query; empty means no filter.
SearchText = Annotated[str, line(NAME_LENGTH)]
Text = Annotated[str, text(TEXT_LENGTH)]
Money = Annotated[Decimal, amount(16, 2)]
Measure = Annotated[Decimal, amount(18, 4)]


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_text(value: Any) -> Any:
    """Dates and times come as ISO 8601 text, as documented; a bare number is not read as
    seconds since 1970."""
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("use an ISO 8601 date, e.g. 2025-01-31")
    if not isinstance(value, str | dt.date):
        raise ValueError("use an ISO 8601 date, e.g. 2025-01-31")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_text)]
IsoDateTime = Annotated[dt.datetime, BeforeValidator(_iso_text)]
# A moment an outside system reports: ISO 8601 with its offset (a time without one is refused),
# between 1970 and 2100, so durations between two such moments fit an Integer of seconds.
Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_text),
    Field(ge=dt.datetime(1970, 1, 1, tzinfo=dt.UTC), lt=dt.datetime(2100, 1, 1, tzinfo=dt.UTC)),
]


class _Clearable:
    """Marks a `PatchModel` field whose column may be emptied by sending null."""


CLEARABLE = _Clearable()
Clearable = Annotated[T | None, CLEARABLE]


def _strip_null_branches(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """In the JSON schema, a field that refuses null does not offer null either."""
    properties = schema.get("properties", {})
    for name, field in model.model_fields.items():
        prop = properties.get(field.alias or name)
        if prop is None or _is_clearable(field) or "anyOf" not in prop:
            continue
        branches = [b for b in prop["anyOf"] if b.get("type") != "null"]
        if len(branches) == 1:
            prop.pop("anyOf")
            prop.update(branches[0])
        else:
            prop["anyOf"] = branches
        if prop.get("default", ...) is None:
            prop.pop("default")


def _is_clearable(field: FieldInfo) -> bool:
    return any(isinstance(item, _Clearable) for item in field.metadata)


class PatchModel(BaseModel):
    """A partial update: a field left out keeps its value; null is refused unless the field is
    declared `Clearable[...]` (its column may be empty)."""

    model_config = ConfigDict(json_schema_extra=_strip_null_branches)

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        # Defaults are not validated, so a None here was sent explicitly.
        field = cls.model_fields.get(info.field_name or "")
        if value is None and field is not None and not _is_clearable(field):
            raise ValueError("may not be null; leave the field out to keep its value")
        return value
