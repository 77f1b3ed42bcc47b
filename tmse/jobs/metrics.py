"""Prometheus metrics about scheduled jobs, read from the database at scrape time."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from tmse.core.db import Database
from tmse.jobs.audit_check import AUDIT_VERIFICATION
from tmse.jobs.leader import WORKER_LOCK, current_holder
from tmse.jobs.runs import latest_finished_runs

log = logging.getLogger("tmse.metrics")


def _families() -> dict[str, GaugeMetricFamily]:
    return {
        "intact": GaugeMetricFamily(
            "tmse_audit_chain_intact",
            "1 if the latest audit-chain verification found the chain intact, else 0",
        ),
        "last_run": GaugeMetricFamily(
            "tmse_job_last_run_timestamp_seconds",
            "Unix time the latest run of each scheduled job finished",
            labels=["job"],
        ),
        "last_success": GaugeMetricFamily(
            "tmse_job_last_success",
            "1 if the latest run of each scheduled job succeeded",
            labels=["job"],
        ),
        "leader": GaugeMetricFamily(
            "tmse_worker_leader_info", "The worker holding the leader lock", labels=["holder"]
        ),
    }


class JobMetricsCollector(Collector):
    """Reads job runs and the leader lock on each scrape, so every web replica reports the same."""

    def __init__(self, db: Database | None = None) -> None:
        self.db = db

    def describe(self) -> Iterable[GaugeMetricFamily]:
        # Without describe() the registry would call collect(), touching the database at import.
        return list(_families().values())

    def collect(self) -> Iterable[GaugeMetricFamily]:
        if self.db is None:
            return []
        families = _families()
        try:
            with self.db.session(write=False) as session:
                runs = latest_finished_runs(session)
                holder = current_holder(session, WORKER_LOCK)
        except SQLAlchemyError:
            # A scrape must still return the process metrics when the database is unreachable.
            log.warning("job metrics unavailable", exc_info=True)
            return []
        for run in runs:
            assert run.finished_at is not None
            families["last_run"].add_metric([run.job], run.finished_at.timestamp())
            families["last_success"].add_metric([run.job], 1.0 if run.ok else 0.0)
            if run.job == AUDIT_VERIFICATION:
                families["intact"].add_metric([], 1.0 if run.ok else 0.0)
        if holder is not None:
            families["leader"].add_metric([holder], 1.0)
        # A metric with no sample is left out entirely, so PromQL sees it as absent.
        return [family for family in families.values() if family.samples]


_COLLECTOR = JobMetricsCollector()
_registered = False


def register_job_metrics(db: Database) -> JobMetricsCollector:
    """Point the process-wide collector at `db`; it is registered once however many apps exist."""
    global _registered
    _COLLECTOR.db = db
    if not _registered:
        REGISTRY.register(_COLLECTOR)
        _registered = True
    return _COLLECTOR
