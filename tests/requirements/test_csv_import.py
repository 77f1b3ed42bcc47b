"""CSV intake: a Jira export through its mapping, idempotent re-import, and a malformed file that
imports nothing and names every bad row by line and field."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from tmse.planning.models import Project, Release
from tmse.requirements.models import Requirement

FIXTURES = Path(__file__).parent / "fixtures"
IMPORT = "/api/v1/requirements/import/csv"


def _count(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return session.scalar(select(func.count(Requirement.id))) or 0


def test_jira_export_and_bad_rows(client, db, make_account, admin) -> None:  # type: ignore[no-untyped-def]
    pm = make_account("product_manager")
    field = {
        "key": "tier",
        "label_en": "Customer tier",
        "label_zh": "客户等级",
        "kind": "single_select",
        "options": ["gold", "silver", "bronze"],
    }
    created = client.post("/api/v1/requirements/custom-fields", json=field, headers=admin.headers)
    assert created.status_code == 201, created.text
    jira = (FIXTURES / "jira_export.csv").read_bytes()

    first = client.post(
        f"{IMPORT}?mapping=jira", content=jira, headers=pm.headers | {"content-type": "text/csv"}
    )
    assert first.status_code == 200, first.text
    assert first.json() | {"ids": []} == {
        "mapping": "jira",
        "rows": 5,
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "ids": [],
    }
    with db.session() as session:
        rows = {
            r.external_key: r
            for r in session.scalars(select(Requirement).where(Requirement.channel == "jira"))
        }
    assert sorted(rows) == ["PAY-101", "PAY-102", "PAY-103", "PAY-104", "PAY-105"]
    alipay = rows["PAY-101"]
    assert (alipay.title, alipay.type, alipay.moscow) == (
        "Pay with Alipay at checkout",
        "feature",
        "must",
    )
    assert (alipay.requester, alipay.wsjf_job_size, alipay.custom) == (
        "li.wei",
        5,
        {"tier": "gold"},
    )
    assert alipay.description == (
        "Customers in mainland China expect Alipay.\nShow it first for CN addresses.\n\n"
        "Labels: payments, checkout"
    )
    assert (rows["PAY-102"].title, rows["PAY-102"].type, rows["PAY-102"].moscow) == (
        "支付失败时重试",
        "bug",
        "should",
    )
    assert (rows["PAY-103"].type, rows["PAY-103"].moscow, rows["PAY-103"].custom) == (
        "improvement",
        "should",
        {"tier": "silver"},
    )
    assert (rows["PAY-104"].type, rows["PAY-104"].moscow, rows["PAY-104"].wsjf_job_size) == (
        "technical",
        "could",
        20,  # 21 story points: the top of the scale
    )
    assert (rows["PAY-105"].moscow, rows["PAY-105"].wsjf_job_size) == ("wont", None)
    assert {r.status for r in rows.values()} == {"pending"}

    # The same export again changes nothing; an edited summary updates that one issue only.
    again = client.post(
        f"{IMPORT}?mapping=jira", content=jira, headers=pm.headers | {"content-type": "text/csv"}
    ).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    edited = jira.replace(b"Export invoices as PDF", b"Export invoices as PDF and XML")
    multipart = client.post(
        f"{IMPORT}?mapping=jira",
        files={"file": ("export.csv", edited, "text/csv")},
        headers=pm.headers,
    ).json()
    assert (multipart["created"], multipart["updated"], multipart["unchanged"]) == (0, 1, 4)
    assert _count(db) == 5

    # A generic file with bad rows: every one is reported, nothing is stored.
    with db.session() as session:
        project = Project(key="SHOP", name="Shop")
        session.add(project)
        session.flush()
        session.add(Release(project_id=project.id, name="2027.1"))
    bad = (
        "title,type,moscow,effort_days,rice_impact,project,release,cf.tier,external_key\n"
        "Good row,feature,must,3,2,SHOP,2027.1,gold,G-1\n"
        "Negative effort,feature,must,-2,,,,,G-2\n"
        ",bug,should,1,,,,,G-3\n"
        '"Two line\ntitle",feature,often,1,7,,,,G-4\n'
        "Unknown project,feature,could,1,,NOPE,,platinum,G-5\n"
        "Second good row,feature,could,1,,SHOP,,,G-1\n"
    )
    refused = client.post(
        IMPORT, content=bad.encode(), headers=pm.headers | {"content-type": "text/csv"}
    )
    assert refused.status_code == 422
    problem = refused.json()
    errors = [(e["line"], e["field"]) for e in problem["errors"]]
    assert errors == [
        (3, "effort_days"),
        (4, "title"),
        (5, "moscow"),
        (5, "rice_impact"),
        (7, "project"),
        (8, "external_key"),
    ]
    assert "nothing was imported" in problem["detail"]
    assert "lines 3, 4, 5, 7, 8" in problem["detail"]
    assert _count(db) == 5

    # Fixed, the file imports whole, on channel csv.
    fixed = "title,moscow,effort_days,project,release,cf.tier\nGood row,must,3,SHOP,2027.1,gold\n"
    done = client.post(
        IMPORT, content=fixed.encode(), headers=pm.headers | {"content-type": "text/csv"}
    )
    assert done.status_code == 200 and done.json()["created"] == 1
    with db.session() as session:
        row = session.get(Requirement, done.json()["ids"][0])
        assert row is not None
        assert (row.channel, row.requester, row.custom) == ("csv", pm.username, {"tier": "gold"})
        assert row.release_id is not None and row.project_id is not None
    assert (
        client.post(IMPORT + "?mapping=excel", content=b"x", headers=pm.headers).status_code == 422
    )
