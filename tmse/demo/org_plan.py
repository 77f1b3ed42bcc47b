"""The organisation as plain data, drawn from a seeded generator: units, people, roles, leads."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tmse.core.identity.models import TeamKind
from tmse.core.permissions import Role
from tmse.demo.company import (
    COMPANY_DESCRIPTION,
    COMPANY_NAME,
    DEPARTMENTS,
    Department,
    Work,
    team_description,
)
from tmse.demo.names import NameSource, PersonName
from tmse.demo.steps import DemoSize

# Sign-in accounts of the demo; all but admin are ordinary members of the organisation.
PERSONAS = ("admin", "cto", "architect", "pm", "lead", "viewer")
MIN_TEAM_SIZE = 4


@dataclass(frozen=True)
class Scale:
    users: int
    all_teams: bool


SCALES: dict[str, Scale] = {
    "small": Scale(users=120, all_teams=False),
    "large": Scale(users=2400, all_teams=True),
}
# Relative team sizes by kind of work: product teams run larger than the architecture office.
_TEAM_WEIGHT = {Work.ARCHITECTURE: 0.5, Work.PRODUCT: 1.3, Work.SECURITY: 0.8, Work.QUALITY: 0.8}
_MEMBER_ROLE = {Work.ARCHITECTURE: Role.ARCHITECT, Work.SRE: Role.SRE}


@dataclass(frozen=True)
class UnitPlan:
    name: str
    kind: TeamKind
    parent: str | None
    description: str


@dataclass(frozen=True)
class PersonPlan:
    name: PersonName
    roles: tuple[Role, ...]
    unit: str | None
    is_lead: bool = False
    can_sign_in: bool = False


@dataclass(frozen=True)
class OrgPlan:
    units: list[UnitPlan]
    people: list[PersonPlan]


@dataclass(frozen=True)
class _Team:
    name: str
    department: Department
    index: int


def organisation_plan(rng: random.Random, size: DemoSize) -> OrgPlan:
    """The whole company for `size`; the same generator state gives the same company."""
    scale = SCALES[size]
    names = NameSource(rng)
    for persona in PERSONAS:
        names.reserve(persona)
    units = [UnitPlan(COMPANY_NAME, TeamKind.COMPANY, None, COMPANY_DESCRIPTION)]
    people = [
        PersonPlan(
            PersonName("admin", "Administrator / 系统管理员"), (Role.ADMIN,), None, can_sign_in=True
        ),
        _persona(names, "cto", (Role.COMMITTEE,), COMPANY_NAME, is_lead=True),
    ]
    teams: list[_Team] = []
    for department in DEPARTMENTS:
        units.append(
            UnitPlan(department.name, TeamKind.DEPARTMENT, COMPANY_NAME, department.description)
        )
        head_roles = (
            (Role.ARCHITECT, Role.COMMITTEE)
            if department.work == Work.ARCHITECTURE
            else (Role.COMMITTEE,)
        )
        people.append(_person(names, head_roles, department.name, is_lead=True))
        chosen = department.teams if scale.all_teams else department.teams[: department.small_teams]
        for index, name in enumerate(chosen):
            units.append(
                UnitPlan(name, TeamKind.TEAM, department.name, team_description(name, department))
            )
            teams.append(_Team(name, department, index))
    viewers = max(3, scale.users // 40)
    sizes = _team_sizes(rng, teams, scale.users - len(people) - viewers)
    for team in teams:
        people.extend(_team_members(rng, names, team, sizes[team.name]))
    people.append(_persona(names, "viewer", (Role.VIEWER,), COMPANY_NAME))
    people.extend(_person(names, (Role.VIEWER,), COMPANY_NAME) for _ in range(viewers - 1))
    return OrgPlan(units, people)


def _team_sizes(rng: random.Random, teams: list[_Team], members: int) -> dict[str, int]:
    weights = [_TEAM_WEIGHT.get(t.department.work, 1.0) * rng.uniform(0.7, 1.3) for t in teams]
    sizes = {t.name: MIN_TEAM_SIZE for t in teams}
    for team in rng.choices(teams, weights, k=members - MIN_TEAM_SIZE * len(teams)):
        sizes[team.name] += 1
    return sizes


def _team_members(
    rng: random.Random, names: NameSource, team: _Team, size: int
) -> list[PersonPlan]:
    """A lead, then the specialists the team's kind of work calls for, then its members."""
    work, first_team = team.department.work, team.index == 0
    lead_roles = (
        (Role.ARCHITECT, Role.TECH_LEAD) if work == Work.ARCHITECTURE else (Role.TECH_LEAD,)
    )
    persona = "lead" if work == Work.PRODUCT and first_team else None
    members = [_person(names, lead_roles, team.name, is_lead=True, persona=persona)]
    specialists: list[tuple[Role, str | None]] = []
    if work == Work.PRODUCT or (work == Work.DATA and rng.random() < 0.6):
        specialists.append((Role.PRODUCT_MANAGER, "pm" if persona else None))
    if work == Work.PRODUCT and size >= 12:
        specialists.append((Role.PRODUCT_MANAGER, None))
    if work == Work.ARCHITECTURE and first_team:
        specialists.append((Role.ARCHITECT, "architect"))
    elif work != Work.ARCHITECTURE and team.index % 4 == 0:
        specialists.append((Role.ARCHITECT, None))  # a domain architect embedded in the team
    if work == Work.PLATFORM and size >= 6:
        specialists.append((Role.SRE, None))
    for role, login in specialists:
        members.append(_person(names, (role,), team.name, persona=login))
    default_role = _MEMBER_ROLE.get(work, Role.ENGINEER)
    members.extend(_person(names, (default_role,), team.name) for _ in range(size - len(members)))
    return members


def _person(
    names: NameSource,
    roles: tuple[Role, ...],
    unit: str,
    is_lead: bool = False,
    persona: str | None = None,
) -> PersonPlan:
    if persona is not None:
        return _persona(names, persona, roles, unit, is_lead)
    return PersonPlan(names.person(), roles, unit, is_lead)


def _persona(
    names: NameSource, username: str, roles: tuple[Role, ...], unit: str, is_lead: bool = False
) -> PersonPlan:
    """A real member of the organisation who signs in under a memorable username."""
    display_name = names.person().display_name
    return PersonPlan(PersonName(username, display_name), roles, unit, is_lead, can_sign_in=True)
