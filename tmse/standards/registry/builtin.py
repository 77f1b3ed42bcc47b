"""Seeding the shipped standards: version 1 of each whose key is free; an organisation then edits
them by publishing new versions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.standards.registry import service
from tmse.standards.registry.models import Standard
from tmse.standards.registry.schemas import RuleIn, StandardCreate, VersionPublish
from tmse.standards.registry.shipped_standards import BUILTIN_CHANGE_NOTE, BUILTIN_STANDARDS


def seed_builtin_standards(session: Session, actor: Actor, owner: str | None = None) -> int:
    """Create and publish each built-in standard whose key is free; returns how many were
    created. Existing standards (edited or not) are left alone, so seeding is idempotent."""
    existing = set(session.scalars(select(Standard.key)))
    created = 0
    for builtin in BUILTIN_STANDARDS:
        if builtin.key in existing:
            continue
        standard = service.create_standard(
            session,
            actor,
            StandardCreate(
                key=builtin.key, name=builtin.name, category=builtin.category, owner=owner
            ),
        )
        service.publish_version(
            session,
            actor,
            builtin.key,
            VersionPublish(
                version=standard.version,
                body=builtin.body,
                rules=[RuleIn(**rule) for rule in builtin.rules],
                change_note=BUILTIN_CHANGE_NOTE,
            ),
        )
        created += 1
    return created
