"""Demo step: the company, its departments and teams, and its people, through the identity
service."""

# Every unit and user is created by `tmse.core.identity.service`, so each gets its own audit entry
# (one per team, one per user, one per lead marked) — no summary entries. Users are written in
# batches of `BATCH` per transaction; only the sign-in personas get (Argon2) password hashes.

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.identity import service
from tmse.core.identity.models import Membership
from tmse.core.identity.schemas import TeamCreate, UserCreate
from tmse.demo.company import EMAIL_DOMAIN
from tmse.demo.org_plan import PersonPlan, UnitPlan, organisation_plan
from tmse.demo.steps import DemoContext, register_step

BATCH = 200


def create_organisation(ctx: DemoContext) -> None:
    """Create the planned company and remember its ids for later steps."""
    plan = organisation_plan(ctx.random, ctx.size)
    ctx.expect(len(plan.units) + len(plan.people))
    unit_ids = _create_units(ctx, plan.units)
    for start in range(0, len(plan.people), BATCH):
        with ctx.db.session() as session:
            for person in plan.people[start : start + BATCH]:
                _create_person(session, ctx, person, unit_ids)
                ctx.advance()


def _create_units(ctx: DemoContext, units: list[UnitPlan]) -> dict[str, int]:
    ids: dict[str, int] = {}
    with ctx.db.session() as session:
        for unit in units:
            team = service.create_team(
                session,
                ctx.actor,
                TeamCreate(
                    name=unit.name,
                    kind=unit.kind,
                    description=unit.description,
                    parent_id=ids[unit.parent] if unit.parent else None,
                ),
            )
            ids[unit.name] = team.id
            ctx.remember(str(unit.kind), team.id, unit.name)
            ctx.advance()
    return ids


def _create_person(
    session: Session, ctx: DemoContext, person: PersonPlan, unit_ids: dict[str, int]
) -> None:
    team_id = unit_ids[person.unit] if person.unit else None
    user = service.create_user(
        session,
        ctx.actor,
        UserCreate(
            username=person.name.username,
            display_name=person.name.display_name,
            email=f"{person.name.username}@{EMAIL_DOMAIN}",
            password=ctx.password if person.can_sign_in else None,
            roles=list(person.roles),
            team_ids=[team_id] if team_id else [],
        ),
    )
    ctx.remember("user", user.id, user.username)
    for role in person.roles:
        ctx.remember(f"user:{role}", user.id)
    if person.is_lead and team_id is not None and person.unit is not None:
        mark_lead(session, ctx.actor, user.id, team_id)
        ctx.remember("lead", user.id, person.unit)


def mark_lead(session: Session, actor: Actor, user_id: int, team_id: int) -> None:
    """Mark a membership as the unit's lead, audited (identity has no service call for it yet)."""
    membership = session.scalars(
        select(Membership).where(Membership.user_id == user_id, Membership.team_id == team_id)
    ).one()
    membership.is_lead = True
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        "membership",
        membership.id,
        changes={
            "user_id": user_id,
            "team_id": team_id,
            "is_lead": {"before": False, "after": True},
        },
    )


register_step("organisation", create_organisation, order=100)
