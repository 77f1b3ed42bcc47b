"""Imports read CSV strictly: an unclosed quote, a ragged row or a control character is a 422
naming the line (and column), nothing is imported, and the import page says it in the reader's
language. Exports neutralise formula-like cells. JSON syntax errors name line and column."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from tests.helpers import login
from tmse.integrations.csv_table import CsvRefused, read_table
from tmse.requirements.kano.models import KanoResponse
from tmse.requirements.models import Requirement

IMPORT = "/api/v1/requirements/import/csv"
KANO = "/api/v1/kano/surveys"
CSV = {"content-type": "text/csv"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('title,description\nA,"open\nB,b\n', (2, "file", "a quoted cell starting on this line")),
        ('title,description\nA,"x" y\n', (2, "file", "text after a closing quote")),
        ("title,description\nA,a\nB\n", (3, "row", "fewer cells than the header")),
        ("title,description\nA,a\nB,b,c\n", (3, "row", "more cells than the header")),
        ("title,description\nA,a\x00b\n", (2, "description", "control characters")),
        ("title,description\nA\x1b,a\n", (2, "title", "control characters")),
    ],
)
def test_the_strict_reader_names_the_line(text: str, problem: tuple[int, str, str]) -> None:
    with pytest.raises(CsvRefused) as refused:
        read_table(text)
    first = refused.value.problems[0]
    assert (first.line, first.field) == problem[:2]
    assert problem[2] in first.message


def test_the_strict_reader_keeps_what_is_fine() -> None:
    text = '\ufefftitle,Labels,Labels\r\n"multi\r\nline",a,b\r\n\r\n"tab\there",,\r\n'
    header, rows = read_table(text)
    assert header == ["title", "Labels", "Labels"]  # Jira repeats columns
    assert rows == [(2, ["multi\r\nline", "a", "b"]), (5, ["tab\there", "", ""])]


def _requirements(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return session.scalar(select(func.count(Requirement.id))) or 0


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ('title,description\nFine,ok\nBroken,"never closed\nMore,rows\n', 3, "file"),
        ("title,description\nFine,ok\nShort\n", 3, "row"),
        ("title,description\nFine,ok\nLong,a,b\n", 3, "row"),
        ("title,description\nFine,ok\nNul,a\x00b\n", 3, "description"),
    ],
)
def test_requirements_import_refuses_a_damaged_file_whole(
    client, db, admin, text, line, field
) -> None:  # type: ignore[no-untyped-def]
    for mapping in ("generic", "jira"):
        response = client.post(
            f"{IMPORT}?mapping={mapping}", content=text, headers=admin.headers | CSV
        )
        assert response.status_code == 422, response.text
        problem = response.json()
        assert "nothing was imported" in problem["detail"]
        assert (problem["errors"][0]["line"], problem["errors"][0]["field"]) == (line, field)
    assert _requirements(db) == 0


def test_a_control_character_names_its_column(client, admin) -> None:  # type: ignore[no-untyped-def]
    text = "title,description,type\nOne,fine,feature\nTwo,bad\x07,feature\n"
    response = client.post(IMPORT, content=text, headers=admin.headers | CSV)
    assert response.json()["errors"] == [
        {
            "line": 3,
            "field": "description",
            "column": 2,
            "message": "control characters (such as NUL) are not allowed in a cell",
        }
    ]


def test_the_import_page_shows_the_problem_in_chinese(client, db, make_account) -> None:  # type: ignore[no-untyped-def]
    engineer = make_account("engineer")
    login(client, engineer.username)
    client.cookies.set("tmse_locale", "zh_CN")
    data = {"mapping": "generic", "csv": "title,description\nA,a\nB\n"}
    page = client.post(
        "/requirements/import",
        data=data | {"csrf_token": client.cookies.get("tmse_csrf", "")},
        headers={"Accept-Language": "zh-CN"},
    )
    assert page.status_code == 422
    assert 'data-line="3" data-field="row"' in page.text
    assert "这一行的单元格比表头少。" in page.text
    assert _requirements(db) == 0


def _survey(client, pm) -> str:  # type: ignore[no-untyped-def]
    body = {"name": "Search", "features": [{"key": "fast", "name": "Fast search"}]}
    survey = client.post(KANO, json=body, headers=pm.headers).json()
    return f"{KANO}/{survey['id']}/responses"


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("respondent,fast_functional,fast_dysfunctional\nBo,like,dislike\nCy,like\n", 3, "row"),
        ('respondent,fast_functional,fast_dysfunctional\nBo,like,"dislike\n', 2, "file"),
        ("respondent,fast_functional,fast_dysfunctional\nB\x00o,like,dislike\n", 2, "respondent"),
    ],
)
def test_kano_import_refuses_a_damaged_file_whole(
    client, db, make_account, text, line, field
) -> None:  # type: ignore[no-untyped-def]
    pm = make_account("product_manager")
    url = _survey(client, pm)
    response = client.post(f"{url}/import", content=text, headers=pm.headers | CSV)
    assert response.status_code == 422, response.text
    assert (response.json()["errors"][0]["line"], response.json()["errors"][0]["field"]) == (
        line,
        field,
    )
    with db.session() as session:
        assert session.scalar(select(func.count(KanoResponse.id))) == 0


def test_kano_export_neutralises_formulas(client, make_account) -> None:  # type: ignore[no-untyped-def]
    pm = make_account("product_manager")
    url = _survey(client, pm)
    text = (
        "respondent,fast_functional,fast_dysfunctional\n"
        "=HYPERLINK(1),like,dislike\n-7,like,dislike\n"
    )
    imported = client.post(f"{url}/import", content=text, headers=pm.headers | CSV)
    assert imported.status_code == 201, imported.text
    exported = client.get(url.removesuffix("/responses") + "/responses.csv", headers=pm.headers)
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert sorted(r[0] for r in rows[1:]) == ["'=HYPERLINK(1)", "-7"]


def test_a_json_syntax_error_names_line_and_column(client, admin) -> None:  # type: ignore[no-untyped-def]
    body = '{\n  "name": "team-x",\n  "kind" "team"\n}'
    response = client.post(
        "/api/v1/teams", content=body, headers=admin.headers | {"content-type": "application/json"}
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["line"], error["column"]) == ("body", 3, 10)
    assert "line 3, column 10" in error["message"]
    check = client.post(
        "/api/v1/standards/checks/openapi",
        content='{"openapi": "3.0.0",\n "info": }',
        headers=admin.headers | {"content-type": "application/json"},
    )
    assert check.status_code == 422
    assert (check.json()["errors"][0]["line"], check.json()["errors"][0]["column"]) == (2, 10)
    team = client.post("/api/v1/teams", json={"name": "team-a"}, headers=admin.headers)
    assert team.status_code == 201
    api = {"name": "pay", "owner": "team-a", "definition": '{"openapi": "3.0.0",\n  "info": ]}'}
    created = client.post("/api/v1/catalog/apis", json=api, headers=admin.headers)
    assert created.status_code == 422
    assert "line 2" in created.json()["errors"][0]["message"]
    assert "column 11" in created.json()["errors"][0]["message"]
