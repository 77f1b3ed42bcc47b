"""Every change and query of the standards registry; each write is audited."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.db import utcnow
from tmse.core.errors import Conflict, InvalidInput, NotFound, check_version
from tmse.core.identity.models import Team
from tmse.core.pagination import ListParams, paginate
from tmse.core.permissions import STANDARDS_WRITE
from tmse.standards.registry.checks import RULE_KINDS
from tmse.standards.registry.models import Standard, StandardVersion
from tmse.standards.registry.schemas import (
    KEY_PATTERN,
    RuleChange,
    RuleIn,
    RuleOut,
    StandardCreate,
    StandardDetail,
    StandardOut,
    StandardUpdate,
    VersionDiff,
    VersionOut,
    VersionPublish,
)
from tmse.standards.scorecards.models import ScorecardLevel

SEVERITIES = ("error", "warning", "info")
DEFAULT_LEVELS = ("bronze", "silver", "gold")
FIELDS = ("key", "name", "category", "owner_team_id", "current_version", "retired")


def _snapshot(standard: Standard) -> dict[str, Any]:
    return {f: getattr(standard, f) for f in FIELDS}


def get_standard(session: Session, key: str) -> Standard:
    standard = session.scalar(select(Standard).where(Standard.key == key))
    if standard is None:
        raise NotFound(f"Standard '{key}' does not exist")
    return standard


def _team_id(session: Session, name: str | None, field: str = "owner") -> int | None:
    if name is None:
        return None
    found = session.scalar(select(Team.id).where(Team.name == name))
    if found is None:
        raise InvalidInput(
            "Unknown owner", [{"field": field, "message": f"no team named '{name}'"}]
        )
    return found


def create_standard(session: Session, actor: Actor, data: StandardCreate) -> Standard:
    """A new standard without versions; publish one to put rules in force."""
    owner_id = _team_id(session, data.owner)
    if session.scalar(select(Standard.id).where(Standard.key == data.key)) is not None:
        raise Conflict(f"A standard with key '{data.key}' already exists", field="key")
    standard = Standard(
        key=data.key, name=data.name, category=data.category.value, owner_team_id=owner_id
    )
    session.add(standard)
    session.flush()
    audit.record(session, actor, "create", "standard", standard.id, None, _snapshot(standard))
    return standard


def update_standard(session: Session, actor: Actor, key: str, data: StandardUpdate) -> Standard:
    """Rename, recategorise or hand over a standard; its versions stay as published."""
    standard = get_standard(session, key)
    check_version("Standard", standard.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    errors = [
        {"field": f, "message": "may not be null"}
        for f in ("name", "category")
        if f in changes and changes[f] is None
    ]
    if errors:
        raise InvalidInput("Missing value", errors)
    before = _snapshot(standard)
    if "owner" in changes:
        standard.owner_team_id = _team_id(session, changes.pop("owner"))
    for field, value in changes.items():
        setattr(standard, field, value.value if field == "category" else value)
    session.flush()
    audit.record(session, actor, "update", "standard", standard.id, before, _snapshot(standard))
    return standard


def level_keys(session: Session) -> list[str]:
    """The scorecard levels a rule may name: the configured ones, else bronze/silver/gold."""
    keys = list(session.scalars(select(ScorecardLevel.key).order_by(ScorecardLevel.rank)))
    return keys or list(DEFAULT_LEVELS)


def validate_rules(session: Session, rules: list[RuleIn]) -> list[dict[str, Any]]:
    """The rules as stored, params normalised by their kind; a 422 names every bad field
    as `rules[i].field` (params: `rules[i].params.name`)."""
    levels = level_keys(session)
    errors: list[dict[str, str]] = []
    stored: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        at = f"rules[{index}]"
        if not re.match(KEY_PATTERN, rule.key):
            errors.append({"field": f"{at}.key", "message": "lower-case words joined by '-'"})
        elif rule.key in seen:
            errors.append({"field": f"{at}.key", "message": f"'{rule.key}' is used twice"})
        seen.add(rule.key)
        if rule.severity not in SEVERITIES:
            errors.append({"field": f"{at}.severity", "message": f"one of {', '.join(SEVERITIES)}"})
        if rule.level not in levels:
            errors.append({"field": f"{at}.level", "message": f"one of {', '.join(levels)}"})
        kind = RULE_KINDS.get(rule.check)
        params: dict[str, Any] = rule.params
        if kind is None:
            known = ", ".join(sorted(RULE_KINDS))
            errors.append({"field": f"{at}.check", "message": f"unknown check; one of {known}"})
        else:
            try:
                params = kind.params.model_validate(rule.params).model_dump(exclude_unset=True)
            except ValidationError as error:
                for problem in error.errors():
                    path = ".".join(str(part) for part in problem["loc"])
                    message = problem["msg"].removeprefix("Value error, ")
                    field = f"{at}.params.{path}" if path else f"{at}.params"
                    errors.append({"field": field, "message": message})
        stored.append(
            {
                "key": rule.key,
                "check": rule.check,
                "params": params,
                "severity": rule.severity,
                "level": rule.level,
                "title": rule.title.strip() or rule.key,
                "fix_hint": rule.fix_hint,
            }
        )
    if errors:
        raise InvalidInput("Invalid rules", errors)
    return stored


def publish_version(
    session: Session, actor: Actor, key: str, data: VersionPublish
) -> StandardVersion:
    """Publish the next version (immutable) and put it in force."""
    standard = get_standard(session, key)
    check_version("Standard", standard.version, data.version)
    if standard.retired:
        raise Conflict(f"Standard '{key}' is retired; it takes no new versions")
    rules = validate_rules(session, data.rules)
    before = _snapshot(standard)
    number = (standard.current_version or 0) + 1
    version = StandardVersion(
        standard_id=standard.id,
        number=number,
        body=data.body,
        rules=rules,
        change_note=data.change_note,
        published_at=utcnow(),
        published_by=actor.username,
    )
    session.add(version)
    standard.current_version = number
    session.flush()
    after = {**_snapshot(standard), "rules": [r["key"] for r in rules], "note": data.change_note}
    audit.record(session, actor, "publish", "standard", standard.id, before, after)
    return version


def retire_standard(session: Session, actor: Actor, key: str, version: int) -> Standard:
    """Take a standard out of force; its versions stay readable."""
    standard = get_standard(session, key)
    check_version("Standard", standard.version, version)
    if standard.retired:
        raise Conflict(f"Standard '{key}' is already retired")
    before = _snapshot(standard)
    standard.retired = True
    session.flush()
    audit.record(session, actor, "retire", "standard", standard.id, before, _snapshot(standard))
    return standard


def standards_query(
    category: str | None = None, retired: bool | None = None, q: str | None = None
) -> Select[Any]:
    stmt = select(Standard)
    if category:
        stmt = stmt.where(Standard.category == category)
    if retired is not None:
        stmt = stmt.where(Standard.retired.is_(retired))
    if q:
        stmt = stmt.where(Standard.name.ilike(f"%{q}%") | Standard.key.ilike(f"%{q}%"))
    return stmt


def list_standards(
    session: Session, params: ListParams, **filters: Any
) -> tuple[list[Standard], int]:
    """One page of standards; filters: category, retired, q (name or key contains)."""
    sortable = {"key": Standard.key, "name": Standard.name, "category": Standard.category}
    return paginate(session, standards_query(**filters), params, sortable, "key", Standard.id)


def current_versions(session: Session, standards: list[Standard]) -> dict[int, StandardVersion]:
    """standard id → its current version, for a page of standards in one query."""
    wanted = [(s.id, s.current_version) for s in standards if s.current_version]
    if not wanted:
        return {}
    rows = session.scalars(
        select(StandardVersion).where(
            StandardVersion.standard_id.in_([standard_id for standard_id, _ in wanted])
        )
    )
    current = dict(wanted)
    return {v.standard_id: v for v in rows if current.get(v.standard_id) == v.number}


def standard_out(session: Session, standards: list[Standard]) -> list[StandardOut]:
    teams = dict(
        session.execute(
            select(Team.id, Team.name).where(Team.id.in_({s.owner_team_id for s in standards}))
        ).all()
    )
    versions = current_versions(session, standards)
    return [
        StandardOut(
            id=s.id,
            key=s.key,
            name=s.name,
            category=s.category,
            owner=teams.get(s.owner_team_id) if s.owner_team_id is not None else None,
            current_version=s.current_version,
            retired=s.retired,
            rule_count=len(versions[s.id].rules) if s.id in versions else 0,
            version=s.version,
            created_at=s.created_at,
            updated_at=s.updated_at,
        )
        for s in standards
    ]


def version_out(version: StandardVersion) -> VersionOut:
    return VersionOut(
        number=version.number,
        body=version.body,
        rules=[RuleOut(**rule) for rule in version.rules],
        change_note=version.change_note,
        published_at=version.published_at,
        published_by=version.published_by,
    )


def standard_detail(session: Session, key: str) -> StandardDetail:
    standard = get_standard(session, key)
    (out,) = standard_out(session, [standard])
    current = current_versions(session, [standard]).get(standard.id)
    return StandardDetail(**out.model_dump(), current=version_out(current) if current else None)


def list_versions(session: Session, key: str) -> list[StandardVersion]:
    """Every published version, newest first."""
    standard = get_standard(session, key)
    return list(
        session.scalars(
            select(StandardVersion)
            .where(StandardVersion.standard_id == standard.id)
            .order_by(StandardVersion.number.desc())
        )
    )


def get_version(session: Session, key: str, number: int) -> StandardVersion:
    standard = get_standard(session, key)
    version = session.scalar(
        select(StandardVersion).where(
            StandardVersion.standard_id == standard.id, StandardVersion.number == number
        )
    )
    if version is None:
        raise NotFound(f"Standard '{key}' has no version {number}")
    return version


def diff_versions(session: Session, key: str, first: int, second: int) -> VersionDiff:
    """Rules added, removed and changed (by rule key) from version `first` to `second`."""
    old, new = get_version(session, key, first), get_version(session, key, second)
    before = {rule["key"]: RuleOut(**rule) for rule in old.rules}
    after = {rule["key"]: RuleOut(**rule) for rule in new.rules}
    changed = []
    for rule_key in after.keys() & before.keys():
        fields = [
            f
            for f in RuleOut.model_fields
            if getattr(before[rule_key], f) != getattr(after[rule_key], f)
        ]
        if fields:
            changed.append(
                RuleChange(
                    key=rule_key, fields=fields, before=before[rule_key], after=after[rule_key]
                )
            )
    return VersionDiff(
        standard=key,
        from_version=first,
        to_version=second,
        body_changed=old.body != new.body,
        added=[rule for rule_key, rule in after.items() if rule_key not in before],
        removed=[rule for rule_key, rule in before.items() if rule_key not in after],
        changed=sorted(changed, key=lambda change: change.key),
    )


# What a page may offer on the standards list (no standard) and on one standard.
CREATE, SEED, PUBLISH, RETIRE = "create", "seed", "publish", "retire"


def allowed_actions(
    actor: Actor, standard: Standard | StandardDetail | None = None
) -> frozenset[str]:
    """What the actor may do now: on the list (create, seed) or to this standard (publish, retire
    while it is in force)."""
    if not actor.can(STANDARDS_WRITE):
        return frozenset()
    if standard is None:
        return frozenset({CREATE, SEED})
    return frozenset() if standard.retired else frozenset({PUBLISH, RETIRE})
