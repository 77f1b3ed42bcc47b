"""The matrix as CSV (csv module) and as an Excel workbook (openpyxl, write-only): streamed in
chunks so a matrix of hundreds of thousands of rows never sits in memory as one text."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from itertools import islice
from typing import Any

from openpyxl import Workbook

from tmse.integrations.spreadsheet_cells import spreadsheet_cell, spreadsheet_row
from tmse.requirements.traceability import delivery as delivery_columns
from tmse.requirements.traceability.delivery import DeliveryCells
from tmse.requirements.traceability.matrix import Cell, collector_paused
from tmse.requirements.traceability.service import TraceMatrix

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows per CSV chunk handed to the response.
CSV_CHUNK_ROWS = 2000
# An Excel sheet holds 1,048,576 rows, the header included.
XLSX_MAX_ROWS = 1_048_575
SUMMARY_HEADER = ["Level", "Items", "Covered", "Coverage %", "Orphans", "Suspect links"]
# A requirement's delivery cells by its id; None leaves the delivery columns out.
Deliveries = dict[int, DeliveryCells] | None


def header(view: TraceMatrix, delivery: Deliveries = None) -> list[str]:
    """Per level: its id and label, the state of the link into it (below the top) and, for a
    level with derived items, the id of the item each is derived from; then, with `delivery`,
    the row's requirement's pull requests, production deployments and first production day."""
    extra = delivery_columns.HEADER if delivery is not None else []
    return spreadsheet_row(_columns(view) + extra)


def _columns(view: TraceMatrix) -> list[str]:
    columns: list[str] = []
    for index, level in enumerate(view.levels):
        columns += [f"{level.label} ID", level.label]
        if index:
            columns.append(f"{level.label} link")
        if level.link_types_within:
            columns.append(f"{level.label} derived from")
    return columns


def _flat_rows(view: TraceMatrix, delivery: Deliveries = None) -> Iterator[tuple[Any, ...]]:
    """Each row as flat values. A cell stands in many rows (every path through it), so its
    values are made once and joined."""
    shapes = []
    for index, level in enumerate(view.levels):
        shapes.append((view.labels[level.key], index > 0, bool(level.link_types_within)))
    blanks = [(None,) * (2 + has_link + has_via) for _, has_link, has_via in shapes]
    made: list[dict[Cell, tuple[Any, ...]]] = [{} for _ in shapes]

    def values(index: int, cell: Cell) -> tuple[Any, ...]:
        names, has_link, has_via = shapes[index]
        # Made safe here, once per cell, not per row it stands in.
        found: tuple[Any, ...] = (cell[0], spreadsheet_cell(names.get(cell[0], "")))
        if has_link:
            found += (spreadsheet_cell(cell[1]),)
        if has_via:
            found += (spreadsheet_cell(cell[2]),)
        made[index][cell] = found
        return found

    at = delivery_columns.requirement_index(view) if delivery is not None else None
    blank_delivery = delivery_columns.NONE.flat()
    for row in view.matrix.rows():
        flat: tuple[Any, ...] = ()
        for index, cell in enumerate(row):
            if cell is None:
                flat += blanks[index]
            else:
                flat += made[index].get(cell) or values(index, cell)
        if delivery is not None:
            requirement = delivery_columns.requirement_of(row, at)
            found = None if requirement is None else delivery.get(requirement)
            flat += tuple(spreadsheet_row(list(found.flat()))) if found else blank_delivery
        yield flat


def summary_rows(view: TraceMatrix) -> list[list[Any]]:
    return [
        spreadsheet_row([s.key, s.count, s.covered, s.coverage, s.orphans, s.suspect])
        for s in view.matrix.summary
    ]


def csv_chunks(view: TraceMatrix, delivery: Deliveries = None) -> Iterator[str]:
    """The CSV text in pieces, starting with a byte order mark so spreadsheets read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header(view, delivery))
    rows = _flat_rows(view, delivery)
    while True:
        with collector_paused():  # never across a yield: the response is sent in between
            chunk = list(islice(rows, CSV_CHUNK_ROWS))
            writer.writerows(chunk)
        if not chunk:
            break
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def write_xlsx(view: TraceMatrix, target: Any, delivery: Deliveries = None) -> None:
    """A "Matrix" sheet with every row (cut at Excel's row limit, noted on the Summary) and a
    "Summary" sheet with coverage, orphans and Suspect links per level."""
    with collector_paused():
        _write_workbook(view, target, delivery)


def _write_workbook(view: TraceMatrix, target: Any, delivery: Deliveries) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Matrix")
    sheet.append(header(view, delivery))
    written = 0
    for flat in _flat_rows(view, delivery):
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
        goal = view.labels[view.levels[0].key].get(view.goal_id)
        summary.append(["Goal", view.goal_id, spreadsheet_cell(goal)])
    if view.baseline_id is not None:
        summary.append(["Baseline", view.baseline_id, spreadsheet_cell(view.baseline_name)])
    if written < view.matrix.total:
        summary.append(["Rows in the Matrix sheet", written, "cut at Excel's row limit"])
    workbook.save(target)


def xlsx_chunks(
    view: TraceMatrix, delivery: Deliveries = None, chunk_size: int = 1 << 16
) -> Iterator[bytes]:
    """The workbook's bytes, written to a temporary file (a zip is complete only at its end)."""
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        write_xlsx(view, spool, delivery)
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
