"""The matrix's delivery columns: for the requirement of each row, its pull requests, the
production deployments that carried them, and the day it first reached production."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tmse.devops.trace import Delivery
from tmse.requirements.delivery_links import deliveries
from tmse.requirements.traceability.matrix import Row
from tmse.requirements.traceability.service import TraceMatrix

REQUIREMENT_LEVEL = "requirement"
HEADER = ["Pull requests", "Deployments", "In production since"]


@dataclass(frozen=True)
class PullRequestRef:
    ref: str  # "owner/repo#12"
    url: str | None  # only an http(s) address
    state: str


@dataclass(frozen=True)
class DeliveryCells:
    """What a row shows of its requirement's delivery."""

    pull_requests: tuple[PullRequestRef, ...]
    deployments: int
    in_production_since: str | None  # an ISO date (UTC)

    def flat(self) -> tuple[str, int, str]:
        """The three export cells: pull requests joined by spaces, a count, a date or ""."""
        refs = " ".join(pr.ref for pr in self.pull_requests)
        return refs, self.deployments, self.in_production_since or ""


NONE = DeliveryCells((), 0, None)


def web_url(url: str | None) -> str | None:
    """The address when it is a web one (a link never runs script)."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def cells_of(delivery: Delivery) -> DeliveryCells:
    refs = tuple(
        PullRequestRef(f"{pr.repository}#{pr.number}", web_url(pr.url), pr.state)
        for pr in delivery.pull_requests
    )
    since = delivery.in_production_at
    return DeliveryCells(
        refs, len(delivery.deployments), since.date().isoformat() if since else None
    )


def requirement_index(view: TraceMatrix) -> int | None:
    """The position of the requirement level in the rows (None if the chain has none)."""
    keys = [level.key for level in view.levels]
    return keys.index(REQUIREMENT_LEVEL) if REQUIREMENT_LEVEL in keys else None


def requirement_of(row: Row, index: int | None) -> int | None:
    cell = None if index is None else row[index]
    return None if cell is None else cell[0]


def delivery_by_requirement(
    session: Session, requirement_ids: Iterable[int]
) -> dict[int, DeliveryCells]:
    """The cells of each requirement, read a batch at a time."""
    return {rid: cells_of(found) for rid, found in deliveries(session, requirement_ids).items()}


def rows_delivery(
    session: Session, view: TraceMatrix, rows: list[Row]
) -> list[DeliveryCells | None]:
    """The delivery cells of each row of a page (None where the row has no requirement)."""
    index = requirement_index(view)
    ids = [requirement_of(row, index) for row in rows]
    known = delivery_by_requirement(session, {rid for rid in ids if rid is not None})
    return [None if rid is None else known.get(rid, NONE) for rid in ids]


def matrix_delivery(session: Session, view: TraceMatrix) -> dict[int, DeliveryCells]:
    """Every requirement of the matrix's cells, for an export (read before streaming it)."""
    index = requirement_index(view)
    if index is None:
        return {}
    key = view.levels[index].key
    return delivery_by_requirement(session, view.labels.get(key, {}).keys())
