"""Services and APIs read as duplicate candidates, and the pairs that likely do the same job."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.apis.definitions import (
    DefinitionError,
    operation_paths,
    parse_document,
    schema_fields,
)
from tmse.catalog.duplicates.schemas import DuplicatePairOut, DuplicateSignalOut
from tmse.catalog.duplicates.similarity import Candidate, find_duplicates
from tmse.catalog.models import Api, ApiType, Service
from tmse.core.identity.models import Team


def _definition_signals(api_type: str, definition: str) -> tuple[list[str], list[str]]:
    """(paths, schema field names) of an OpenAPI/AsyncAPI definition; nothing when unreadable."""
    if api_type not in (ApiType.OPENAPI, ApiType.ASYNCAPI) or not definition.strip():
        return [], []
    try:
        document = parse_document(definition)
    except DefinitionError:
        return [], []
    return operation_paths(document), schema_fields(document)


def duplicate_candidates(session: Session) -> tuple[list[Candidate], list[Candidate]]:
    """(services, APIs) as duplicate candidates; a service carries the paths and schema fields
    of the APIs it provides."""
    teams = dict(session.execute(select(Team.id, Team.name)).all())
    services = session.execute(
        select(Service.id, Service.name, Service.description, Service.owner_team_id)
    ).all()
    provided: dict[int, tuple[list[str], list[str]]] = {}
    apis = []
    for row in session.execute(
        select(
            Api.name,
            Api.type,
            Api.description,
            Api.definition,
            Api.owner_team_id,
            Api.provider_service_id,
        )
    ):
        paths, fields = _definition_signals(row.type, row.definition)
        apis.append(
            Candidate(
                row.name,
                "api",
                row.description,
                teams.get(row.owner_team_id),
                tuple(paths),
                tuple(fields),
            )
        )
        if row.provider_service_id is not None:
            signals = provided.setdefault(row.provider_service_id, ([], []))
            signals[0].extend(paths)
            signals[1].extend(fields)
    return [
        Candidate(
            name,
            "service",
            description,
            teams.get(team_id),
            tuple(provided.get(id_, ([], []))[0]),
            tuple(provided.get(id_, ([], []))[1]),
        )
        for id_, name, description, team_id in services
    ], apis


def likely_duplicates(
    session: Session, threshold: float = 0.5, kind: str | None = None
) -> list[DuplicatePairOut]:
    """Services, and APIs, that likely do the same job, best match first, with the evidence."""
    # Services are compared with services and APIs with APIs (a service and its own API would
    # always match); `kind` ("service" or "api") keeps one of the two.
    services, apis = duplicate_candidates(session)
    found: list[tuple[str, Any]] = []
    for group_kind, candidates in (("service", services), ("api", apis)):
        if kind in (None, group_kind):
            found += [(group_kind, p) for p in find_duplicates(candidates, threshold=threshold)]
    found.sort(key=lambda item: (-item[1].score, item[0] != "service", item[1].first))
    return [
        DuplicatePairOut(
            kind=group_kind,
            first=pair.first,
            second=pair.second,
            score=round(pair.score, 4),
            owners=list(pair.owners),
            evidence={
                signal: DuplicateSignalOut(score=round(seen.score, 4), matches=list(seen.matches))
                for signal, seen in pair.evidence.items()
            },
        )
        for group_kind, pair in found
    ]
