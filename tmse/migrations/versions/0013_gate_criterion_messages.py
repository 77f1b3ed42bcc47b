"""gate decisions keep each criterion's detail as a message too

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 16:50:00

Each stage-gate decision stores the criteria results seen when it was taken. Their English
`detail` stays; a `detail_message` (message id and params) is added, parsed from the built-in
criteria's sentences, or the English text as its own id when it matches none.
"""

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The built-in criteria's sentences as gate_criteria.py wrote them before messages, by msgid.
PATTERNS: list[tuple[str, str]] = [
    (
        r"(?P<count>\d+) of (?P<total>\d+) Must requirements not approved: (?P<keys>.+) and "
        r"(?P<more>\d+) more",
        "{count} of {total} Must requirements not approved: {keys} and {more} more",
    ),
    (
        r"(?P<count>\d+) of (?P<total>\d+) Must requirements not approved: (?P<keys>.+)",
        "{count} of {total} Must requirements not approved: {keys}",
    ),
    (r"no Must requirement in scope", "no Must requirement in scope"),
    (
        r"all (?P<count>\d+) Must requirements approved or later",
        "all {count} Must requirements approved or later",
    ),
    (r"required baseline #(?P<id>\d+) does not exist", "required baseline #{id} does not exist"),
    (r"required baseline '(?P<name>.*)' is signed", "required baseline '{name}' is signed"),
    (r"the project has no approved baseline", "the project has no approved baseline"),
    (r"approved baseline '(?P<name>.*)' \(#(?P<id>\d+)\)", "approved baseline '{name}' (#{id})"),
    (
        r"no requirement of the project touches a service",
        "no requirement of the project touches a service",
    ),
    (
        r"all (?P<count>\d+) touched services passed review",
        "all {count} touched services passed review",
    ),
    (
        r"(?P<count>\d+) open change request\(s\): (?P<ids>.+)",
        "{count} open change request(s): {ids}",
    ),
    (r"no open change request", "no open change request"),
    (r"no criterion '(?P<key>.*)' is registered", "no criterion '{key}' is registered"),
]
INTEGER_PARAMS = {"count", "total", "more", "id"}

votes = sa.table(
    "delivery_gate_votes",
    sa.column("id", sa.Integer),
    sa.column("criteria_results", sa.JSON),
)


def detail_message(detail: str) -> dict[str, Any]:
    """The message a stored English detail was rendered from (its own id when unknown)."""
    for pattern, msgid in PATTERNS:
        found = re.fullmatch(pattern, detail)
        if found:
            params = {
                name: int(value) if name in INTEGER_PARAMS else value
                for name, value in found.groupdict().items()
            }
            return {"id": msgid, "params": params}
    return {"id": detail, "params": {}}


def _rewrite(change: Any) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(votes.c.id, votes.c.criteria_results)).all()
    for vote_id, results in rows:
        if not results:
            continue
        new = [change(dict(result)) for result in results]
        if new != results:
            connection.execute(
                votes.update().where(votes.c.id == vote_id).values(criteria_results=new)
            )


def _with_message(result: dict[str, Any]) -> dict[str, Any]:
    if "detail_message" not in result:
        result["detail_message"] = detail_message(str(result.get("detail", "")))
    return result


def _without_message(result: dict[str, Any]) -> dict[str, Any]:
    result.pop("detail_message", None)
    return result


def upgrade() -> None:
    _rewrite(_with_message)


def downgrade() -> None:
    _rewrite(_without_message)
