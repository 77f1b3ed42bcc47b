"""The backup file: JSON lines in gzip, value encoding and decoding, and a checked reader."""

from __future__ import annotations

import base64
import datetime as dt
import enum
import gzip
import io
import json
import os
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Enum,
    Interval,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    Time,
    Uuid,
)
from sqlalchemy.types import TypeDecorator, TypeEngine

from tmse.core.messages import Message
from tmse.core.table_versions.models import TableVersion

FORMAT = "tmse-backup"
FORMAT_VERSION = 1
# Not data: how far each table's writes have gone in this database, for its read caches. A
# restore's own writes move the target's on; a value from another database would mean nothing.
NOT_BACKED_UP = frozenset({TableVersion.__tablename__})


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why and what to do."""


def backed_up_tables(metadata: MetaData) -> list[Table]:
    """The tables a backup holds, in dependency order."""
    return [t for t in metadata.sorted_tables if t.name not in NOT_BACKED_UP]


def _encode(value: Any) -> Any:
    # Only what json cannot write itself; reading back is driven by the column's type.
    if isinstance(value, dt.datetime | dt.time):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dt.timedelta):
        return value // dt.timedelta(microseconds=1)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Message):  # a MessageColumn value; restored through the same column
        return value.to_json()
    raise TypeError(f"a {type(value).__name__} cannot be written to a backup")


def encode_line(item: Any) -> str:
    """One line of the file: compact JSON, non-ASCII text kept as is."""
    return json.dumps(item, default=_encode, ensure_ascii=False, separators=(",", ":")) + "\n"


def decoder_for(type_: TypeEngine[Any]) -> Callable[[Any], Any] | None:
    """The inverse of the encoding for a column type; None when the JSON value is already right."""
    # Interval is itself a TypeDecorator over DateTime, so it is recognised before unwrapping.
    if isinstance(type_, Interval):
        return lambda v: dt.timedelta(microseconds=v)
    base = type_.impl_instance if isinstance(type_, TypeDecorator) else type_
    if isinstance(base, JSON):
        return None
    if isinstance(base, DateTime):
        return dt.datetime.fromisoformat
    if isinstance(base, Date):
        return dt.date.fromisoformat
    if isinstance(base, Time):
        return dt.time.fromisoformat
    if isinstance(base, Numeric):
        return (lambda v: Decimal(str(v))) if base.asdecimal else float
    if isinstance(base, LargeBinary):
        return base64.b64decode
    if isinstance(base, Uuid) and base.as_uuid:
        return uuid.UUID
    if isinstance(base, Enum) and base.enum_class is not None:
        return base.enum_class
    return None


class BackupReader:
    """The lines of a backup file after its header; damage to the file becomes BackupError."""

    def __init__(self, path: Path) -> None:
        self.path, self.line_no = path, 0
        try:
            self._raw = path.open("rb")
        except OSError as exc:
            raise BackupError(f"cannot read {path}: {exc.strerror}") from exc
        self.size = os.fstat(self._raw.fileno()).st_size
        self._text = io.TextIOWrapper(gzip.GzipFile(fileobj=self._raw), encoding="utf-8")
        try:
            self.header = self._read_header()
        except BackupError:
            self.close()
            raise

    def __enter__(self) -> BackupReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._text.close()
        self._raw.close()

    def _read_header(self) -> dict[str, Any]:
        try:
            header = json.loads(self._text.readline())
        except (OSError, EOFError, ValueError):
            header = None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise BackupError(f"{self.path} is not a tmse backup")
        if header.get("version") != FORMAT_VERSION or not isinstance(header.get("revision"), str):
            raise BackupError(
                f"{self.path} is in backup format version {header.get('version')}; "
                f"this tmse reads version {FORMAT_VERSION}"
            )
        self.line_no = 1
        return header

    def position(self) -> int:
        """Compressed bytes read so far, for progress against `size`."""
        return self._raw.tell()

    def damaged(self, why: str) -> BackupError:
        return BackupError(f"{self.path} is damaged at line {self.line_no}: {why}")

    def __iter__(self) -> Iterator[Any]:
        try:
            for line in self._text:
                self.line_no += 1
                yield json.loads(line)
        except (OSError, EOFError, ValueError) as exc:
            raise self.damaged(str(exc) or type(exc).__name__) from exc
