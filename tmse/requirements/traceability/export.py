"""The matrix as CSV (csv module) and as an Excel workbook (openpyxl, write-only): streamed in
chunks so a matrix of hundreds of thousands of rows never sits in memory as one text."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook

from tmse.requirements.traceability.service import TraceMatrix

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows per CSV chunk handed to the response.
CSV_CHUNK_ROWS = 2000
# An Excel sheet holds 1,048,576 rows, the header included.
XLSX_MAX_ROWS = 1_048_575
SUMMARY_HEADER = ["Level", "Items", "Covered", "Coverage %", "Orphans", "Suspect links"]


def header(view: TraceMatrix) -> list[str]:
    """Per level: its id and label, the state of the link into it (below the top) and, for a
    level with derived items, the id of the item each is derived from."""
    columns: list[str] = []
    for index, level in enumerate(view.levels):
        columns += [f"{level.label} ID", level.label]
        if index:
            columns.append(f"{level.label} link")
        if level.link_types_within:
            columns.append(f"{level.label} derived from")
    return columns


def _flat_rows(view: TraceMatrix) -> Iterator[list[Any]]:
    labels = [view.labels[level.key] for level in view.levels]
    shape = [(index > 0, bool(level.link_types_within)) for index, level in enumerate(view.levels)]
    for row in view.matrix.rows():
        flat: list[Any] = []
        for cell, names, (has_link, has_via) in zip(row, labels, shape, strict=True):
            if cell is None:
                flat += [None, None]
                if has_link:
                    flat.append(None)
                if has_via:
                    flat.append(None)
                continue
            flat += [cell[0], names.get(cell[0], "")]
            if has_link:
                flat.append(cell[1])
            if has_via:
                flat.append(cell[2])
        yield flat


def summary_rows(view: TraceMatrix) -> list[list[Any]]:
    return [
        [s.key, s.count, s.covered, s.coverage, s.orphans, s.suspect] for s in view.matrix.summary
    ]


def csv_chunks(view: TraceMatrix) -> Iterator[str]:
    """The CSV text in pieces, starting with a byte order mark so spreadsheets read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header(view))
    pending = 0
    for flat in _flat_rows(view):
        writer.writerow(flat)
        pending += 1
        if pending >= CSV_CHUNK_ROWS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def write_xlsx(view: TraceMatrix, target: Any) -> None:
    """A "Matrix" sheet with every row (cut at Excel's row limit, noted on the Summary) and a
    "Summary" sheet with coverage, orphans and Suspect links per level."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Matrix")
    sheet.append(header(view))
    written = 0
    for flat in _flat_rows(view):
        if written >= XLSX_MAX_ROWS - 1:
            break
        sheet.append(flat)
        written += 1
    summary = workbook.create_sheet("Summary")
    summary.append(SUMMARY_HEADER)
    for row in summary_rows(view):
        summary.append(row)
    summary.append([])
    summary.append(["Rows", view.matrix.total])
    if view.goal_id is not None:
        summary.append(["Goal", view.goal_id, view.labels[view.levels[0].key].get(view.goal_id)])
    if view.baseline_id is not None:
        summary.append(["Baseline", view.baseline_id, view.baseline_name])
    if written < view.matrix.total:
        summary.append(["Rows in the Matrix sheet", written, "cut at Excel's row limit"])
    workbook.save(target)


def xlsx_chunks(view: TraceMatrix, chunk_size: int = 1 << 16) -> Iterator[bytes]:
    """The workbook's bytes, written to a temporary file (a zip is complete only at its end)."""
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        write_xlsx(view, spool)
        spool.seek(0)
        while chunk := spool.read(chunk_size):
            yield chunk


def filename(view: TraceMatrix, extension: str) -> str:
    parts = ["traceability"]
    if view.goal_id is not None:
        parts.append(f"goal-{view.goal_id}")
    if view.baseline_id is not None:
        parts.append(f"baseline-{view.baseline_id}")
    return "-".join(parts) + f".{extension}"
