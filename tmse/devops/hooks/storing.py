"""Storing what a delivery read says, by its source's kind: CI/CD facts, Harbor artifacts and
scans, or a SonarQube quality gate."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.messages import Message, message
from tmse.devops.artifacts.service import record_harbor
from tmse.devops.code.service import BatchCounts, record_batch
from tmse.devops.hooks.receiving import Payload
from tmse.devops.quality_gates.sonar import record_sonar
from tmse.integrations.cicd_events import DeliveryBatch
from tmse.integrations.harbor import HarborDelivery


@dataclass(frozen=True)
class Stored:
    """What storing one delivery did; `ignored` says why it held nothing to store."""

    counts: BatchCounts
    ignored: Message | None = None


def store(session: Session, actor: Actor, kind: str, payload: Payload) -> Stored:
    """Write the payload's records; DeliveryRefused when a fact cannot be recorded."""
    if isinstance(payload, DeliveryBatch):
        if payload.empty:
            return Stored(BatchCounts(), not_read(payload.event))
        return Stored(record_batch(session, actor, kind, payload))
    if isinstance(payload, HarborDelivery):
        if not payload.handled:
            return Stored(BatchCounts(), not_read(payload.event_type))
        return Stored(record_harbor(session, actor, payload))
    recorded = record_sonar(session, actor, payload)
    return Stored(recorded.counts, recorded.ignored)


def not_read(event: str | None) -> Message:
    return message("{event} events are not read", event=event)
