"""Demo step: per demo project, a signed baseline of its approved requirements and a draft of its
wider scope awaiting the `pm` persona's signature, taken through the baseline service."""

# The draft is taken by another product manager, so `pm` sees the Sign button. Going through the
# service makes every snapshot, signature and audit entry real; the instance secret is the
# demo's own (settings), so `verify` holds on the running instance.

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.core.actor import Actor
from tmse.core.identity.models import User, UserRole
from tmse.core.permissions import Role
from tmse.demo.steps import DemoContext, register_step
from tmse.planning import queries as planning
from tmse.requirements.baselines import service
from tmse.requirements.baselines.schemas import BaselineCreate
from tmse.requirements.models import Requirement, RequirementStatus
from tmse.settings import Settings, secret_key

SIGNED_SCOPE = [RequirementStatus.APPROVED]
DRAFT_SCOPE = [
    RequirementStatus.ACCEPTED,
    RequirementStatus.IN_REVIEW,
    RequirementStatus.APPROVED,
    RequirementStatus.IN_PROGRESS,
]


def _product_managers(session: Session) -> list[Actor]:
    rows = session.execute(
        select(User.id, User.username)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.PRODUCT_MANAGER, User.is_active.is_(True))
        .order_by(User.id)
    ).all()
    actors = [Actor(uid, name, frozenset({Role.PRODUCT_MANAGER})) for uid, name in rows]
    actors.sort(key=lambda a: a.username != "pm")
    return actors


def _count(session: Session, project_id: int, statuses: list[RequirementStatus]) -> int:
    ids = session.scalars(
        select(Requirement.id)
        .where(Requirement.project_id == project_id, Requirement.status.in_(statuses))
        .limit(1)
    )
    return len(list(ids))


def create_baselines(ctx: DemoContext) -> None:
    # The key the running instance signs with: TMSE_SECRET_KEY, else the one beside this database.
    secret = secret_key(Settings(database_url=ctx.db.url))
    with ctx.db.session() as session:
        people = _product_managers(session)
        projects = sorted(planning.projects(session), key=lambda project: project.id)
    if not people or not projects:
        return
    approver = people[0]
    taker = people[1] if len(people) > 1 else approver
    ctx.expect(len(projects))
    for project_id, key, name in projects:
        with ctx.db.session() as session:
            if _count(session, project_id, SIGNED_SCOPE):
                signed = service.create_baseline(
                    session,
                    taker,
                    BaselineCreate(
                        name=f"{key} BL-1 · {name}",
                        description="Approved scope when delivery started / 交付启动时的已批准范围",
                        approver=approver.username,
                        project_id=project_id,
                        statuses=[str(s) for s in SIGNED_SCOPE],
                    ),
                )
                service.sign_baseline(session, approver, signed.id, secret)
                ctx.remember("baseline", signed.id, signed.name)
            if _count(session, project_id, DRAFT_SCOPE):
                draft = service.create_baseline(
                    session,
                    taker,
                    BaselineCreate(
                        name=f"{key} BL-2 · {name}",
                        description="Next scope, awaiting signature / 下一阶段范围，待签署",
                        approver=approver.username,
                        project_id=project_id,
                        statuses=[str(s) for s in DRAFT_SCOPE],
                    ),
                )
                ctx.remember("baseline", draft.id, draft.name)
        ctx.advance()


register_step("baselines", create_baselines, order=340)
