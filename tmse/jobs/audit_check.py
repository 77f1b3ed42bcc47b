"""The nightly audit-chain verification job."""

from __future__ import annotations

import logging

from tmse.core.audit import save_checkpoint, verify
from tmse.core.db import Database
from tmse.jobs.runs import Outcome, ScheduledJob

AUDIT_VERIFICATION = "audit_chain_verification"

log = logging.getLogger("tmse.worker.audit")


def verify_audit_chain(db: Database) -> Outcome:
    """Walk the audit chain; a break is logged as an ERROR naming the first bad entry."""
    # A read session: on SQLite a writer transaction would block every write for the whole walk.
    with db.session(write=False) as session:
        report = verify(session)
    if report.intact:
        with db.session() as session:
            save_checkpoint(session, report)
        return Outcome(True, f"audit chain intact: {report.checked} entries")
    detail = (
        f"audit chain broken at entry {report.first_bad_id}: {report.reason} "
        f"({report.checked} entries verified before it)"
    )
    log.error(detail, extra={"first_bad_id": report.first_bad_id, "reason": report.reason})
    return Outcome(False, detail)


def audit_verification_job(at: str) -> ScheduledJob:
    return ScheduledJob(AUDIT_VERIFICATION, at, verify_audit_chain)
