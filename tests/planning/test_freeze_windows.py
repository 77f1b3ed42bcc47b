"""Freeze windows written through planning's service: every write audited as before, bad scopes
refused field by field, and the windows in force read back by scope."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import SYSTEM
from tmse.core.audit import AuditEntry
from tmse.core.db import Database
from tmse.core.errors import InvalidInput, NotFound, StaleVersion
from tmse.planning import queries, service
from tmse.planning.schemas import (
    FreezeWindowCreate,
    FreezeWindowEdit,
    ProjectCreate,
    ReleaseCreate,
)

START, END = dt.date(2026, 11, 20), dt.date(2026, 12, 5)


def _audit(session: Session, window_id: int) -> list[tuple[str, dict[str, object]]]:
    stmt = (
        select(AuditEntry.action, AuditEntry.changes)
        .where(AuditEntry.entity_type == "freeze_window", AuditEntry.entity_id == str(window_id))
        .order_by(AuditEntry.id)
    )
    return [(action, changes) for action, changes in session.execute(stmt)]


def test_create_edit_delete_are_audited(db: Database) -> None:
    with db.session() as session:
        pay = service.create_project(session, SYSTEM, ProjectCreate(key="PAY", name="Payments"))
        release = service.create_release(session, SYSTEM, pay.id, ReleaseCreate(name="2026.12"))
        window = service.create_freeze_window(
            session,
            SYSTEM,
            FreezeWindowCreate(
                name=" Year-end ", release_id=release.id, starts_on=START, ends_on=END
            ),
        )
        assert window.name == "Year-end" and window.version == 1
        edited = service.edit_freeze_window(
            session, SYSTEM, window.id, FreezeWindowEdit(version=1, reason="year-end freeze")
        )
        assert edited.reason == "year-end freeze" and edited.version == 2
        service.delete_freeze_window(session, SYSTEM, window.id)
        trail = _audit(session, window.id)
        with pytest.raises(NotFound):
            service.get_freeze_window(session, window.id)
    assert [action for action, _ in trail] == ["create", "edit", "delete"]
    assert trail[0][1]["name"] == {"before": None, "after": "Year-end"}
    assert trail[1][1] == {"reason": {"before": "", "after": "year-end freeze"}}
    assert trail[2][1]["release_id"] == {"before": release.id, "after": None}


def test_bad_scope_and_stale_version_are_refused(db: Database) -> None:
    with db.session() as session:
        pay = service.create_project(session, SYSTEM, ProjectCreate(key="PAY", name="Payments"))
        crm = service.create_project(session, SYSTEM, ProjectCreate(key="CRM", name="Customers"))
        release = service.create_release(session, SYSTEM, pay.id, ReleaseCreate(name="2026.12"))
        with pytest.raises(InvalidInput) as refused:
            service.create_freeze_window(
                session,
                SYSTEM,
                FreezeWindowCreate(
                    name="x", project_id=crm.id, release_id=release.id, starts_on=END, ends_on=START
                ),
            )
        window = service.create_freeze_window(
            session,
            SYSTEM,
            FreezeWindowCreate(name="Whole PAY", project_id=pay.id, starts_on=START, ends_on=END),
        )
        with pytest.raises(StaleVersion):
            service.edit_freeze_window(
                session, SYSTEM, window.id, FreezeWindowEdit(version=7, name="late")
            )
    errors = refused.value.extra["errors"]
    assert errors == [
        {"field": "release_id", "message": f"release {release.id} is not of this project"},
        {"field": "ends_on", "message": "must not be before starts_on"},
    ]


def test_the_window_in_force_is_read_by_project_or_release(db: Database) -> None:
    with db.session() as session:
        pay = service.create_project(session, SYSTEM, ProjectCreate(key="PAY", name="Payments"))
        release = service.create_release(session, SYSTEM, pay.id, ReleaseCreate(name="2026.12"))
        for name, ends_on in (("short", START + dt.timedelta(days=3)), ("long", END)):
            service.create_freeze_window(
                session,
                SYSTEM,
                FreezeWindowCreate(
                    name=name, release_id=release.id, starts_on=START, ends_on=ends_on
                ),
            )
        in_force = queries.freeze_covering(session, set(), {release.id}, START)
        by_project = queries.freeze_covering(session, {pay.id}, set(), START)
        after = queries.freeze_covering(session, set(), {release.id}, END + dt.timedelta(days=1))
        scope = queries.freeze_scope(session, in_force) if in_force else ""
    assert in_force is not None and in_force.name == "long"  # the one blocking longest
    assert by_project is None  # a release's window does not freeze its whole project
    assert after is None
    assert scope == 'release "2026.12" of project PAY'
