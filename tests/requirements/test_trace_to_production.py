"""Requirement → pull request → production deployment: the traceability matrix (API, CSV, page)
and a requirement's page show when a requirement reached production."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.helpers import SYSTEM, Account, login
from tests.helpers.devops import deliver, deployment, services
from tmse.core.db import Database
from tmse.devops.code.service import record_batch
from tmse.devops.trace import requirement_delivery
from tmse.integrations.cicd_events import DeliveryBatch, PullRequestFact, PullRequestState
from tmse.requirements.models import Requirement

MATRIX = "/api/v1/traceability/matrix"
SHIPPED = "a" * 40  # merge commit of acme/pay#12, deployed to staging, then production twice
STAGED = "b" * 40  # merge commit of acme/pay#13, on staging only; production failed
DELIVERY_HEADER = ["Pull requests", "Deployments", "In production since"]


def _at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=dt.UTC)


def _pull(number: int, keys: tuple[str, ...], merge_sha: str | None) -> PullRequestFact:
    return PullRequestFact(
        repository="acme/pay",
        number=number,
        title=f"Change {number}",
        branch=f"feature/{number}",
        base_branch="main",
        author="dev",
        state=PullRequestState.MERGED if merge_sha else PullRequestState.OPEN,
        created_at=_at(1),
        first_review_at=None,
        merged_at=_at(2) if merge_sha else None,
        merge_sha=merge_sha,
        url=f"https://github.com/acme/pay/pull/{number}",
        requirement_keys=keys,
    )


def _requirement(client: TestClient, admin: Account, title: str) -> int:
    answer = client.post("/api/v1/requirements", json={"title": title}, headers=admin.headers)
    assert answer.status_code == 201, answer.text
    created: int = answer.json()["id"]
    return created


def _story(client: TestClient, db: Database, admin: Account) -> dict[str, int]:
    """Three requirements: one shipped, one only on staging (named by its outside key), one
    no pull request names; deployments through the generic hook, pull requests as stored."""
    services(client, admin, "pay")
    ids = {
        "shipped": _requirement(client, admin, "One-click pay"),
        "staged": _requirement(client, admin, "Saved cards"),
        "untouched": _requirement(client, admin, "Dark mode"),
    }
    with db.session() as session:
        session.get(Requirement, ids["staged"]).external_key = "PAY-7"  # type: ignore[union-attr]
    pulls = (
        _pull(12, (f"REQ-{ids['shipped']}", "OPS-1"), SHIPPED),
        _pull(13, ("PAY-7",), STAGED),
        _pull(14, (f"REQ-{ids['shipped']}0",), None),  # another requirement's key, not ours
    )
    with db.session() as session:
        record_batch(
            session, SYSTEM, "github", DeliveryBatch("github", "pull_request", "d1", (), pulls)
        )
    authored = "2026-03-02T08:00:00Z"
    for body in (
        deployment("stg-1", "2026-03-02T10:00:00Z", (SHIPPED, authored), environment="staging"),
        deployment("prod-1", "2026-03-03T12:00:00Z", (SHIPPED, authored), environment="Production"),
        deployment("prod-2", "2026-03-05T12:00:00Z", (SHIPPED, authored), environment="prod"),
        deployment("stg-2", "2026-03-04T10:00:00Z", (STAGED, authored), environment="staging"),
        deployment("prod-3", "2026-03-04T11:00:00Z", (STAGED, authored), result="failure"),
    ):
        answer = deliver(client, admin, "deployments", body)
        assert answer.status_code == 201, answer.text
    return ids


def _row_of(body: dict[str, Any], requirement_id: int) -> dict[str, Any]:
    """The matrix row whose requirement cell (index 3) is `requirement_id`."""
    return next(
        row
        for row in body["rows"]["items"]
        if row["cells"][3] is not None and row["cells"][3]["id"] == requirement_id
    )


def test_the_matrix_shows_when_a_requirement_reached_production(
    client: TestClient, db: Database, admin: Account
) -> None:
    ids = _story(client, db, admin)
    body = client.get(MATRIX, params={"limit": 100}, headers=admin.headers).json()

    # Two successful production deployments carried #12's merge commit ("Production" and
    # "prod" both count); the first finished on 2026-03-03. Staging does not count.
    shipped = _row_of(body, ids["shipped"])["delivery"]
    assert shipped == {
        "pull_requests": [
            {
                "ref": "acme/pay#12",
                "url": "https://github.com/acme/pay/pull/12",
                "state": "merged",
            }
        ],
        "deployments": 2,
        "in_production_since": "2026-03-03",
    }
    # Named by its outside key; staging and a failed production deployment only.
    staged = _row_of(body, ids["staged"])["delivery"]
    assert [pr["ref"] for pr in staged["pull_requests"]] == ["acme/pay#13"]
    assert (staged["deployments"], staged["in_production_since"]) == (0, None)
    untouched = _row_of(body, ids["untouched"])["delivery"]
    assert untouched == {"pull_requests": [], "deployments": 0, "in_production_since": None}

    # The CSV keeps its columns; with delivery=true it gains the three delivery columns.
    plain = list(csv.reader(io.StringIO(client.get(f"{MATRIX}.csv", headers=admin.headers).text)))
    assert "Pull requests" not in plain[0]
    answer = client.get(f"{MATRIX}.csv", params={"delivery": "true"}, headers=admin.headers)
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][-3:] == DELIVERY_HEADER
    by_requirement = {row[8]: row[-3:] for row in rows[1:] if row[8]}
    assert by_requirement[str(ids["shipped"])] == ["acme/pay#12", "2", "2026-03-03"]
    assert by_requirement[str(ids["staged"])] == ["acme/pay#13", "0", ""]
    assert by_requirement[str(ids["untouched"])] == ["", "0", ""]

    # So does the workbook, its deployment count a number.
    answer = client.get(f"{MATRIX}.xlsx", params={"delivery": "true"}, headers=admin.headers)
    sheet = [list(r) for r in load_workbook(io.BytesIO(answer.content))["Matrix"].values]
    assert sheet[0][-3:] == DELIVERY_HEADER
    assert next(r[-3:] for r in sheet if r[8] == ids["shipped"]) == ["acme/pay#12", 2, "2026-03-03"]

    # The page's table has the columns too.
    login(client, admin.username)
    page = client.get("/traceability")
    assert page.status_code == 200
    assert "In production since" in page.text
    assert 'href="https://github.com/acme/pay/pull/12" data-pr="acme/pay#12"' in page.text
    assert "<td data-delivery-since>2026-03-03</td>" in page.text


def test_a_requirement_page_shows_its_delivery_in_english_and_chinese(
    client: TestClient, db: Database, admin: Account
) -> None:
    ids = _story(client, db, admin)
    login(client, admin.username)
    shipped = client.get(f"/requirements/{ids['shipped']}")
    assert shipped.status_code == 200 and 'id="delivery"' in shipped.text
    assert "In production since 2026-03-03" in shipped.text
    assert 'href="https://github.com/acme/pay/pull/12"' in shipped.text
    assert shipped.text.count("data-deployment=") == 2

    staged = client.get(f"/requirements/{ids['staged']}")
    assert "Not yet in production" in staged.text and 'data-pr="acme/pay#13"' in staged.text
    assert "data-deployment=" not in staged.text
    # Once a production deployment carries #13's merge commit, the page says so.
    body = deployment("prod-4", "2026-03-06T12:00:00Z", (STAGED, "2026-03-02T08:00:00Z"))
    assert deliver(client, admin, "deployments", body).status_code == 201
    assert "In production since 2026-03-06" in client.get(f"/requirements/{ids['staged']}").text
    matrix = client.get(MATRIX, params={"limit": 100}, headers=admin.headers).json()
    assert _row_of(matrix, ids["staged"])["delivery"]["in_production_since"] == "2026-03-06"

    chinese = {"Accept-Language": "zh-CN"}
    assert (
        "自 2026-03-03 起已上线"
        in client.get(f"/requirements/{ids['shipped']}", headers=chinese).text
    )
    untouched = client.get(f"/requirements/{ids['untouched']}", headers=chinese).text
    assert "尚未上线" in untouched and "没有拉取请求引用此需求。" in untouched


def test_keys_match_whole_keys_in_any_case(db: Database) -> None:
    """REQ-1 does not find a pull request naming REQ-10; req-1 finds one naming REQ-1."""
    pulls = (_pull(1, ("REQ-10",), None), _pull(2, ("REQ-1",), None))
    with db.session() as session:
        record_batch(
            session, SYSTEM, "github", DeliveryBatch("github", "pull_request", "k", (), pulls)
        )
    with db.session() as session:
        found = requirement_delivery(session, {1: ["req-1"], 10: ["REQ-10"], 5: ["REQ-5"]})
    assert [pr.number for pr in found[1].pull_requests] == [2]
    assert [pr.number for pr in found[10].pull_requests] == [1]
    assert found[5].pull_requests == [] and found[5].in_production_at is None
    # "_" in a key is a letter, not LIKE's any-character: PAY_2-7 does not find PAYX2-7.
    lookalike = (_pull(3, ("PAYX2-7",), None),)
    with db.session() as session:
        record_batch(session, SYSTEM, "github", DeliveryBatch("github", "x", "l", (), lookalike))
    with db.session() as session:
        assert requirement_delivery(session, {7: ["PAY_2-7"]})[7].pull_requests == []
