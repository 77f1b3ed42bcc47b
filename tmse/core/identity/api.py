"""JSON routes for teams, users, the current user and API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response, status

from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.identity import credentials, service
from tmse.core.identity.models import TeamKind
from tmse.core.identity.schemas import (
    TeamCreate,
    TeamDetail,
    TeamOut,
    TeamUpdate,
    TokenCreate,
    TokenCreated,
    TokenOut,
    UserCreate,
    UserOut,
    UserUpdate,
)
from tmse.core.input_types import Id
from tmse.core.pagination import ListParams, Page, sorted_by
from tmse.core.permissions import ORG_WRITE, READ, TOKENS_WRITE, Role
from tmse.core.responses import json_response
from tmse.core.routing import Router

router = Router(prefix="/api/v1", tags=["organisation"])
Reader = Annotated[Actor, Depends(require(READ))]
OrgWriter = Annotated[Actor, Depends(require(ORG_WRITE))]


def _team_detail(session: DbSession, team_id: Id) -> TeamDetail:
    team = service.get_team(session, team_id)
    return TeamDetail(
        **TeamOut.model_validate(team).model_dump(),
        path=service.team_path(session, team),
        children=service.team_children(session, team.id),
        member_ids=service.team_member_ids(session, team.id),
    )


@router.get("/teams", response_model=Page[TeamOut])
def list_teams(
    session: DbSession,
    _: Reader,
    paging: Annotated[ListParams, Depends(sorted_by("created_at", "id", "kind", "name"))],
    q: str | None = Query(None, max_length=200, description="Name contains."),
    kind: TeamKind | None = None,
    parent_id: Id | None = None,
) -> Response:
    teams, total = service.list_teams(session, paging, q=q, kind=kind, parent_id=parent_id)
    return json_response(
        Page(
            items=[TeamOut.model_validate(t) for t in teams],
            total=total,
            limit=paging.limit,
            offset=paging.offset,
        ),
        Page[TeamOut],
    )


@router.post("/teams", response_model=TeamDetail, status_code=status.HTTP_201_CREATED)
def create_team(data: TeamCreate, session: DbSession, actor: OrgWriter) -> TeamDetail:
    team = service.create_team(session, actor, data)
    return _team_detail(session, team.id)


@router.get("/teams/{team_id}", response_model=TeamDetail)
def get_team(team_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(_team_detail(session, team_id), TeamDetail)


@router.patch("/teams/{team_id}", response_model=TeamDetail)
def update_team(team_id: Id, data: TeamUpdate, session: DbSession, actor: OrgWriter) -> TeamDetail:
    service.update_team(session, actor, team_id, data)
    return _team_detail(session, team_id)


@router.get("/users", response_model=Page[UserOut])
def list_users(
    session: DbSession,
    _: Reader,
    paging: Annotated[
        ListParams, Depends(sorted_by("created_at", "display_name", "id", "username"))
    ],
    q: str | None = Query(None, max_length=200, description="Username or display name contains."),
    role: Role | None = None,
    team_id: Id | None = None,
    is_active: bool | None = None,
) -> Response:
    users, total = service.list_users(
        session, paging, q=q, role=role, team_id=team_id, is_active=is_active
    )
    return json_response(
        Page(
            items=service.user_out(session, users),
            total=total,
            limit=paging.limit,
            offset=paging.offset,
        ),
        Page[UserOut],
    )


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def create_user(data: UserCreate, session: DbSession, actor: OrgWriter) -> UserOut:
    user = service.create_user(session, actor, data)
    return service.user_out(session, [user])[0]


@router.get("/users/me", response_model=UserOut)
def who_am_i(session: DbSession, actor: Reader) -> Response:
    assert actor.user_id is not None
    return json_response(
        service.user_out(session, [service.get_user(session, actor.user_id)])[0], UserOut
    )


@router.get("/users/{user_id}", response_model=UserOut)
def get_user(user_id: Id, session: DbSession, _: Reader) -> Response:
    return json_response(
        service.user_out(session, [service.get_user(session, user_id)])[0], UserOut
    )


@router.patch("/users/{user_id}", response_model=UserOut)
def update_user(user_id: Id, data: UserUpdate, session: DbSession, actor: OrgWriter) -> UserOut:
    user = service.update_user(session, actor, user_id, data)
    return service.user_out(session, [user])[0]


@router.get("/tokens", response_model=list[TokenOut], tags=["tokens"])
def my_tokens(session: DbSession, actor: Reader) -> Response:
    assert actor.user_id is not None
    return json_response(
        [TokenOut.model_validate(t) for t in credentials.tokens_of(session, actor.user_id)],
        list[TokenOut],
    )


@router.post(
    "/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED, tags=["tokens"]
)
def create_token(
    data: TokenCreate, session: DbSession, actor: Annotated[Actor, Depends(require(TOKENS_WRITE))]
) -> TokenCreated:
    assert actor.user_id is not None
    user = service.get_user(session, actor.user_id)
    token, plaintext = credentials.create_token(session, actor, user, data.name)
    return TokenCreated(**TokenOut.model_validate(token).model_dump(), token=plaintext)


@router.delete("/tokens/{token_id}", response_model=TokenOut, tags=["tokens"])
def revoke_token(
    token_id: Id, session: DbSession, actor: Annotated[Actor, Depends(require(TOKENS_WRITE))]
) -> TokenOut:
    return TokenOut.model_validate(credentials.revoke_token(session, actor, token_id))
