"""The organisation as a tree for the Teams page: units in depth-first order with head counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.identity import service
from tmse.core.identity.models import Membership, Team

KIND_ORDER = {"company": 0, "department": 1, "team": 2}


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    kind: str
    parent_id: int | None
    description: str = ""


@dataclass
class TreeRow:
    unit: Unit
    depth: int
    ancestors: list[Unit] = field(default_factory=list)
    members: int = 0
    headcount: int = 0
    sub_units: int = 0


def tree_rows(units: Iterable[Unit], memberships: Iterable[tuple[int, int]]) -> list[TreeRow]:
    """Every unit once, parents before children (siblings by kind, then name); `members` counts
    direct members, `headcount` the distinct people in the unit and everything below it."""
    by_id = {u.id: u for u in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in by_id.values():
        parent = unit.parent_id if unit.parent_id in by_id else None
        children.setdefault(parent, []).append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda u: (KIND_ORDER.get(u.kind, 9), u.name.lower(), u.id))

    direct: dict[int, set[int]] = {}
    below: dict[int, set[int]] = {}
    for team_id, user_id in memberships:
        if team_id not in by_id:
            continue
        direct.setdefault(team_id, set()).add(user_id)
        current: int | None = team_id
        seen: set[int] = set()
        while current is not None and current in by_id and current not in seen:
            seen.add(current)
            below.setdefault(current, set()).add(user_id)
            current = by_id[current].parent_id

    rows: list[TreeRow] = []
    stack: list[tuple[Unit, int, list[Unit]]] = [
        (u, 0, []) for u in reversed(children.get(None, []))
    ]
    visited: set[int] = set()
    while stack:
        unit, depth, ancestors = stack.pop()
        if unit.id in visited:
            continue
        visited.add(unit.id)
        kids = children.get(unit.id, [])
        rows.append(
            TreeRow(
                unit=unit,
                depth=depth,
                ancestors=ancestors,
                members=len(direct.get(unit.id, ())),
                headcount=len(below.get(unit.id, ())),
                sub_units=len(kids),
            )
        )
        stack.extend((k, depth + 1, [*ancestors, unit]) for k in reversed(kids))
    return rows


def organisation_tree(session: Session) -> list[TreeRow]:
    """All units of the organisation with their member counts, in tree order."""
    units = [
        Unit(r.id, r.name, r.kind, r.parent_id, r.description)
        for r in session.execute(
            select(Team.id, Team.name, Team.kind, Team.parent_id, Team.description)
        )
    ]
    memberships = session.execute(select(Membership.team_id, Membership.user_id))
    return tree_rows(units, ((team_id, user_id) for team_id, user_id in memberships))


def matching_unit_ids(session: Session, q: str | None, kind: str | None) -> set[int]:
    """Ids of the units the Teams page filter selects, by the same filter as the API."""
    query = service.teams_query(q=q or None, kind=kind or None).with_only_columns(Team.id)
    return set(session.scalars(query))


def descendant_ids(rows: list[TreeRow], unit_id: int) -> set[int]:
    """The unit and everything below it (rows in tree order); a unit may not move under these."""
    found = {unit_id}
    for row in rows:
        if row.unit.parent_id in found:
            found.add(row.unit.id)
    return found
