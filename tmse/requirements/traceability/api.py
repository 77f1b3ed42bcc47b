"""JSON routes of the traceability matrix under /api/v1/traceability, and its CSV/Excel exports."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.input_types import Id, Offset
from tmse.core.openapi_declarations import XLSX_MEDIA_TYPE, file_answer
from tmse.core.pagination import MAX_LIMIT, Page
from tmse.core.permissions import READ
from tmse.core.responses import json_response
from tmse.core.routing import Router
from tmse.requirements.traceability import export
from tmse.requirements.traceability.delivery import (
    DeliveryCells,
    matrix_delivery,
    rows_delivery,
)
from tmse.requirements.traceability.schemas import (
    CellOut,
    DeliveryOut,
    LevelOut,
    MatrixOut,
    PullRequestRefOut,
    RowOut,
)
from tmse.requirements.traceability.service import TraceMatrix, trace_matrix

router = Router(prefix="/api/v1/traceability", tags=["traceability"])
Reader = Annotated[Actor, Depends(require(READ))]
Goal = Annotated[Id | None, Query(description="Only the paths down from this goal.")]
Baseline = Annotated[
    Id | None, Query(description="Requirements and their links as this baseline holds them.")
]
WithDelivery = Annotated[
    bool,
    Query(
        description="Add the columns Pull requests, Deployments (to production) and In "
        "production since, for the requirement of each row."
    ),
]


def levels_out(view: TraceMatrix) -> list[LevelOut]:
    return [
        LevelOut(type=level.type_name, label=level.label, **summary.__dict__)
        for level, summary in zip(view.levels, view.matrix.summary, strict=True)
    ]


def delivery_out(cells: DeliveryCells) -> DeliveryOut:
    return DeliveryOut(
        pull_requests=[PullRequestRefOut(**pr.__dict__) for pr in cells.pull_requests],
        deployments=cells.deployments,
        in_production_since=cells.in_production_since,
    )


def rows_out(session: Session, view: TraceMatrix, offset: int, limit: int) -> list[RowOut]:
    found = []
    rows = view.matrix.page(offset, limit)
    for row, delivered in zip(rows, rows_delivery(session, view, rows), strict=True):
        first = next(index for index, cell in enumerate(row) if cell is not None)
        cells = [None if c is None else CellOut(**c) for c in view.cells(row)]
        found.append(
            RowOut(
                starts_at=view.levels[first].key,
                cells=cells,
                delivery=None if delivered is None else delivery_out(delivered),
            )
        )
    return found


@router.get("/matrix", response_model=MatrixOut)
def matrix(
    session: DbSession,
    _: Reader,
    goal: Goal = None,
    baseline: Baseline = None,
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Page size."),
    offset: Offset = 0,
) -> Response:
    """Coverage, orphans and Suspect links per level, and one page of the matrix's rows."""
    view = trace_matrix(session, goal, baseline)
    rows: Page[RowOut] = Page(
        items=rows_out(session, view, offset, limit),
        total=view.matrix.total,
        limit=limit,
        offset=offset,
    )
    return json_response(
        MatrixOut(goal=goal, baseline=baseline, levels=levels_out(view), rows=rows), MatrixOut
    )


@router.get(
    "/matrix.csv",
    response_class=Response,
    responses=file_answer("text/csv", "The matrix, one row per path."),
)
def matrix_csv(
    session: DbSession,
    _: Reader,
    goal: Goal = None,
    baseline: Baseline = None,
    delivery: WithDelivery = False,
) -> Response:
    """The whole matrix as CSV (UTF-8 with a byte order mark), one row per path."""
    view = trace_matrix(session, goal, baseline)
    delivered = matrix_delivery(session, view) if delivery else None
    return StreamingResponse(
        export.csv_chunks(view, delivered),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export.filename(view, "csv")}"'},
    )


@router.get(
    "/matrix.xlsx",
    response_class=Response,
    responses=file_answer(XLSX_MEDIA_TYPE, "The matrix and a summary, as a workbook."),
)
def matrix_xlsx(
    session: DbSession,
    _: Reader,
    goal: Goal = None,
    baseline: Baseline = None,
    delivery: WithDelivery = False,
) -> Response:
    """The whole matrix as an Excel workbook: a Matrix sheet and a Summary sheet."""
    view = trace_matrix(session, goal, baseline)
    delivered = matrix_delivery(session, view) if delivery else None
    return StreamingResponse(
        export.xlsx_chunks(view, delivered),
        media_type=export.XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{export.filename(view, "xlsx")}"'},
    )
