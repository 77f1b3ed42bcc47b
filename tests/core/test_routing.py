"""The path-first router and json_response answer as FastAPI's own router and response model do."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI, Response
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from tmse.core.pagination import Page
from tmse.core.responses import json_response
from tmse.core.routing import Router, route_heads


class Item(BaseModel):
    id: int
    at: dt.datetime
    label: str = Field(alias="name")
    share: float | None = None


class Row:
    def __init__(self, id: int) -> None:
        self.id, self.at, self.name, self.share = (
            id,
            dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
            "x",
            0.5,
        )


def _app() -> FastAPI:
    items = Router(prefix="/api/items")
    parts = Router()

    @items.get("", response_model=Page[Item])
    def plain() -> Page[Item]:
        return Page(items=[Row(1), Row(2)], total=2, limit=50, offset=0)  # type: ignore[list-item]

    @items.get("/direct", response_model=Page[Item])
    def direct() -> Response:
        page = Page(items=[Row(1), Row(2)], total=2, limit=50, offset=0)  # type: ignore[list-item]
        return json_response(page, Page[Item])

    @items.get("/{item_id}", response_model=Item)
    def one(item_id: int) -> Response:
        return json_response(Row(item_id), Item)

    @parts.get("/parts/{name}")
    def part(name: str) -> dict[str, str]:
        return {"part": name}

    items.include_router(parts, prefix="/more")
    other = Router(prefix="/api/other")

    @other.get("/x/")
    def slashed() -> dict[str, str]:
        return {"ok": "yes"}

    app = FastAPI()
    app.include_router(other)
    app.include_router(items, prefix="/v1")
    return app


def test_route_heads_cover_included_routers() -> None:
    router = Router(prefix="/a")
    child = Router()

    @router.get("/b/{x}")
    def b(x: str) -> str:
        return x

    @child.get("/c")
    def c() -> str:
        return "c"

    router.include_router(child, prefix="/k")
    assert route_heads(router) == ["/a/b/", "/a/k/c"]


def test_paths_methods_and_redirects_answer_as_before() -> None:
    client = TestClient(_app())
    assert client.get("/v1/api/items/3").json()["id"] == 3
    assert client.get("/v1/api/items/more/parts/p").json() == {"part": "p"}
    assert client.get("/api/items/3").status_code == 404  # the include prefix counts
    assert client.get("/v1/api/nothing").status_code == 404
    assert client.post("/v1/api/items/3").status_code == 405
    redirected = client.get("/api/other/x", follow_redirects=False)
    assert redirected.status_code == 307
    assert redirected.headers["location"].endswith("/api/other/x/")


def test_json_response_sends_fastapis_bytes() -> None:
    client = TestClient(_app())
    plain, direct = client.get("/v1/api/items"), client.get("/v1/api/items/direct")
    assert direct.content == plain.content
    assert direct.headers["content-type"] == plain.headers["content-type"]
    assert b'"name":"x"' in direct.content


def test_every_router_of_the_app_turns_other_paths_away_at_once(app) -> None:  # type: ignore[no-untyped-def]
    """A page or /healthz never waits while the routes of every API router are tried in turn."""
    included = [r.original_router for r in app.router.routes if hasattr(r, "original_router")]
    assert len(included) > 30
    for router in included:
        assert isinstance(router, Router), router
        assert route_heads(router) is not None, router
