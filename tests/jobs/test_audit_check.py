import datetime as dt
import json
import logging

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, text

from tests.helpers import SYSTEM
from tmse.core import audit
from tmse.core.db import Database
from tmse.jobs.audit_check import AUDIT_VERIFICATION, audit_verification_job
from tmse.jobs.leader import WORKER_LOCK, try_acquire
from tmse.jobs.models import JobRun
from tmse.jobs.runs import run_job

DUE = dt.datetime(2024, 5, 10, 2, 0, tzinfo=dt.UTC)


def write_entries(db: Database, count: int) -> None:
    with db.session() as session:
        for number in range(count):
            audit.record(session, SYSTEM, "create", "widget", number, after={"name": f"w{number}"})


def tamper(db: Database, entry_id: int) -> None:
    """Rewrite an entry behind the application's back, as someone with database access could."""
    cast = "CAST(:changes AS JSON)" if db.engine.dialect.name == "postgresql" else ":changes"
    with db.engine.begin() as connection:
        connection.execute(
            text(f"UPDATE audit_log SET changes = {cast} WHERE id = :id"),
            {"changes": json.dumps({"name": {"after": "forged"}}), "id": entry_id},
        )


def verify_as_leader(db: Database) -> JobRun:
    with db.session() as session:
        assert try_acquire(session, WORKER_LOCK, "tester", 60)
    run = run_job(db, audit_verification_job("02:00"), "tester", DUE, 60)
    assert run is not None
    return run


def scrape(client: TestClient) -> dict[str, list[tuple[dict[str, str], float]]]:
    body = client.get("/metrics").text
    return {
        family.name: [(s.labels, s.value) for s in family.samples]
        for family in text_string_to_metric_families(body)
    }


def test_intact_chain_is_recorded_as_success(db: Database) -> None:
    write_entries(db, 3)
    run = verify_as_leader(db)
    assert (run.job, run.ok, run.holder, run.scheduled_for) == (
        AUDIT_VERIFICATION,
        True,
        "tester",
        DUE,
    )
    assert run.finished_at is not None
    assert "3 entries" in run.detail


def test_tampered_entry_is_detected_logged_and_exported(
    db: Database, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    assert "tmse_audit_chain_intact" not in scrape(client)  # never verified: no sample
    write_entries(db, 4)
    tamper(db, 2)

    with caplog.at_level(logging.ERROR, logger="tmse.worker.audit"):
        run = verify_as_leader(db)

    assert run.ok is False
    assert "entry 2" in run.detail
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].first_bad_id == 2  # type: ignore[attr-defined]
    with db.session(write=False) as session:
        stored = session.scalars(select(JobRun)).all()
    assert [(r.ok, r.detail) for r in stored] == [(False, run.detail)]

    metrics = scrape(client)
    assert metrics["tmse_audit_chain_intact"] == [({}, 0.0)]
    assert metrics["tmse_job_last_success"] == [({"job": AUDIT_VERIFICATION}, 0.0)]
    assert run.finished_at is not None
    assert metrics["tmse_job_last_run_timestamp_seconds"] == [
        ({"job": AUDIT_VERIFICATION}, pytest.approx(run.finished_at.timestamp()))
    ]
    assert metrics["tmse_worker_leader_info"] == [({"holder": "tester"}, 1.0)]


def test_metric_reads_1_after_a_clean_verification(db: Database, client: TestClient) -> None:
    write_entries(db, 2)
    verify_as_leader(db)
    metrics = scrape(client)
    assert metrics["tmse_audit_chain_intact"] == [({}, 1.0)]
    assert metrics["tmse_job_last_success"] == [({"job": AUDIT_VERIFICATION}, 1.0)]
