"""The Kano API story: a product manager creates a survey, people answer through the API as
themselves (one answer each), bad answers are refused without a trace, and the results are
classified as computed by hand; then CSV import all or nothing, export, and closing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tmse.core.audit import AuditEntry
from tmse.requirements.kano.models import KanoAnswer, KanoResponse
from tmse.requirements.models import Requirement

API = "/api/v1/kano/surveys"


def _pair(functional: str, dysfunctional: str) -> dict[str, str]:
    return {"functional": functional, "dysfunctional": dysfunctional}


def _stored(db) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        responses = session.scalar(select(func.count()).select_from(KanoResponse))
        answers = session.scalar(select(func.count()).select_from(KanoAnswer))
    return responses or 0, answers or 0


def test_survey_answers_and_results(client, db, make_account) -> None:  # type: ignore[no-untyped-def]
    pm = make_account("product_manager")
    viewer = make_account("viewer")
    with db.session() as session:
        requirement = Requirement(title="Reorder in one tap")
        session.add(requirement)
        session.flush()
        requirement_id = requirement.id
    body = {
        "name": "Checkout 2027",
        "features": [
            {"key": "F1", "name": "One-tap reorder", "requirement_id": requirement_id},
            {"key": "F2", "name": "Order tracking"},
        ],
    }
    assert client.post(API, json=body, headers=viewer.headers).status_code == 403
    bad = {"name": "x", "features": [{"key": "F1", "name": "a"}, {"key": "f1", "name": "b"}]}
    refused = client.post(API, json=bad, headers=pm.headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in refused.json()["errors"]] == ["features[1].key"]
    ghost = {"name": "x", "features": [{"key": "F1", "name": "a", "requirement_id": 999}]}
    assert client.post(API, json=ghost, headers=pm.headers).json()["errors"][0]["field"] == (
        "features[0].requirement_id"
    )

    created = client.post(API, json=body, headers=pm.headers)
    assert created.status_code == 201, created.text
    survey = created.json()
    assert [f["key"] for f in survey["features"]] == ["F1", "F2"]
    assert survey["features"][0]["requirement_id"] == requirement_id
    assert survey["share_path"] == f"/kano/respond/{survey['share_token']}"
    assert len(survey["share_token"]) >= 30 and survey["category_gap"] == 6.0
    responses = f"{API}/{survey['id']}/responses"

    # F1: O, O, A, I, O.  F2: M, M, A, R, (r5 leaves it out).
    plan = {
        "r1": {"F1": _pair("like", "dislike"), "F2": _pair("expect", "dislike")},
        "r2": {"F1": _pair("like", "dislike"), "F2": _pair("neutral", "dislike")},
        "r3": {"F1": _pair("like", "neutral"), "F2": _pair("like", "neutral")},
        "r4": {"F1": _pair("neutral", "neutral"), "F2": _pair("dislike", "like")},
    }
    people = {name: make_account("engineer", username=name) for name in [*plan, "r5"]}
    for respondent, answers in plan.items():
        sent = client.post(responses, json={"answers": answers}, headers=people[respondent].headers)
        assert sent.status_code == 201, sent.text
        assert sent.json()["respondent"] == respondent and sent.json()["channel"] == "api"
    assert sent.json()["answers"]["F2"] == {
        "functional": "dislike",
        "dysfunctional": "like",
        "category": "R",
    }
    r5 = {"answers": {"F1": _pair("like", "dislike")}}
    # Over the API one answers as oneself: no free respondent names, no anonymous answers
    # (the share link is for those), nothing from read-only viewers.
    named = client.post(responses, json=r5 | {"respondent": "Li Wei"}, headers=pm.headers)
    assert named.status_code == 422
    assert [e["field"] for e in named.json()["errors"]] == ["respondent"]
    assert client.post(responses, json=r5).status_code == 401
    token = {"X-Kano-Token": survey["share_token"]}
    assert client.post(responses, json=r5, headers=token).status_code == 401
    assert client.post(responses, json=r5, headers=viewer.headers).status_code == 403
    assert client.post(responses, json=r5, headers=people["r5"].headers).status_code == 201
    assert _stored(db) == (5, 9)

    # Bad input: each refused with the field named, nothing stored.
    unknown_answer = {"answers": {"F1": _pair("love", "dislike")}}
    refused = client.post(responses, json=unknown_answer, headers=pm.headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in refused.json()["errors"]] == ["answers.F1.functional"]
    unknown_feature = {"answers": {"F1": _pair("like", "like"), "F9": _pair("like", "like")}}
    refused = client.post(responses, json=unknown_feature, headers=pm.headers)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["answers.F9"]
    half = {"answers": {"F1": {"functional": "like"}}}
    refused = client.post(responses, json=half, headers=pm.headers)
    assert [e["field"] for e in refused.json()["errors"]] == ["answers.F1.dysfunctional"]
    # One answer per user and survey: a second is refused, the first stays.
    again = {"answers": {"F1": _pair("like", "like")}}
    conflict = client.post(responses, json=again, headers=people["r1"].headers)
    assert conflict.status_code == 409
    assert "r1" in conflict.json()["detail"]
    assert _stored(db) == (5, 9)

    results = client.get(f"{API}/{survey['id']}/results", headers=viewer.headers)
    assert results.status_code == 200
    data = results.json()
    assert data["respondents"] == 5
    f1, f2 = data["features"]
    # F1: O 3, A 1, I 1 of 5: O (60 % vs 20 %); Better (1+3)/5, Worse −(3+0)/5;
    # Fong 1.65·sqrt(4·6/10) = 2.556 > |3 − 1|: not significant.
    assert f1["key"] == "F1" and f1["requirement_id"] == requirement_id
    assert f1["counts"] == {"A": 1, "O": 3, "M": 0, "I": 1, "R": 0, "Q": 0}
    assert f1["category"] == "O"
    assert f1["better"] == pytest.approx(0.8) and f1["worse"] == pytest.approx(-0.6)
    assert f1["category_strength"] == pytest.approx(40.0)
    assert f1["total_strength"] == pytest.approx(80.0)
    assert f1["significant"] is False
    # F2: M 2, A 1, R 1 of 4: M; Better 1/3, Worse −2/3 (R is outside the denominator).
    assert f2["counts"] == {"A": 1, "O": 0, "M": 2, "I": 0, "R": 1, "Q": 0}
    assert f2["n"] == 4 and f2["category"] == "M" and f2["top_two"] == ["M", "A"]
    assert f2["better"] == pytest.approx(1 / 3, abs=1e-6)
    assert f2["worse"] == pytest.approx(-2 / 3, abs=1e-6)

    with db.session() as session:
        logged = session.scalar(
            select(func.count()).where(AuditEntry.entity_type == "kano_response")
        )
        actors = set(
            session.scalars(
                select(AuditEntry.actor_name).where(AuditEntry.entity_type == "kano_response")
            )
        )
    assert logged == 5 and actors == set(people)

    listed = client.get(API, headers=viewer.headers).json()
    assert listed["total"] == 1
    assert listed["items"][0]["responses"] == 5 and listed["items"][0]["features"] == 2
    assert client.get(f"{API}/999/results", headers=viewer.headers).status_code == 404


def test_csv_import_export_and_closing(client, db, make_account) -> None:  # type: ignore[no-untyped-def]
    pm = make_account("product_manager")
    engineer = make_account("engineer")
    survey = client.post(
        API,
        json={"name": "Search", "features": [{"key": "fast_search", "name": "Fast search"}]},
        headers=pm.headers,
    ).json()
    url = f"{API}/{survey['id']}/responses"
    ann = make_account("engineer", username="Ann")
    client.post(
        url, json={"answers": {"fast_search": _pair("expect", "dislike")}}, headers=ann.headers
    )
    bad_csv = (
        "respondent,fast_search_functional,fast_search_dysfunctional\n"
        "Bo,like,dislike\n"
        "Cy,love,dislike\n"  # line 3: unknown answer
        "bo,like,neutral\n"  # line 4: Bo again
        ",like,like\n"  # line 5: no respondent
        "Di,like,\n"  # line 6: half a pair
    )
    headers = pm.headers | {"content-type": "text/csv"}
    refused = client.post(f"{url}/import", content=bad_csv, headers=headers)
    assert refused.status_code == 422, refused.text
    problems = [(e["line"], e["field"]) for e in refused.json()["errors"]]
    assert problems == [
        (3, "fast_search_functional"),
        (4, "respondent"),
        (5, "respondent"),
        (6, "fast_search_dysfunctional"),
    ]
    assert "4 rows" in refused.json()["detail"]
    assert _stored(db) == (1, 1)
    unknown_column = "respondent,slow_functional,slow_dysfunctional\nEd,like,like\n"
    refused = client.post(f"{url}/import", content=unknown_column, headers=headers)
    assert [(e["line"], e["field"]) for e in refused.json()["errors"]] == [
        (1, "slow_functional"),
        (1, "slow_dysfunctional"),
    ]
    engineer_headers = engineer.headers | {"content-type": "text/csv"}
    good_csv = (
        "\ufeffrespondent,fast_search_functional,fast_search_dysfunctional\n"
        "Bo,like,dislike\n"
        "Cy,Must-be,不喜欢\n"
        "\n"
    )
    assert client.post(f"{url}/import", content=good_csv, headers=engineer_headers).status_code == (
        403
    )
    imported = client.post(f"{url}/import", content=good_csv, headers=headers)
    assert imported.status_code == 201 and imported.json() == {"imported": 2}, imported.text
    assert _stored(db) == (3, 3)

    exported = client.get(f"{url}.csv", headers=engineer.headers)
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.text.splitlines() == [
        "respondent,fast_search_functional,fast_search_dysfunctional",
        "Ann,expect,dislike",
        "Bo,like,dislike",
        "Cy,expect,dislike",
    ]
    # Ann M, Bo O, Cy M: M 2 of 3.
    feature = client.get(f"{API}/{survey['id']}/results", headers=engineer.headers).json()
    assert feature["features"][0]["counts"]["M"] == 2
    assert feature["features"][0]["category"] == "M"

    closed = client.patch(
        f"{API}/{survey['id']}",
        json={"version": survey["version"], "is_open": False},
        headers=pm.headers,
    )
    assert closed.status_code == 200 and closed.json()["is_open"] is False
    stale = client.patch(
        f"{API}/{survey['id']}",
        json={"version": survey["version"], "name": "Late"},
        headers=pm.headers,
    )
    assert stale.status_code == 409
    late = {"answers": {"fast_search": _pair("like", "like")}}
    assert client.post(url, json=late, headers=pm.headers).status_code == 409
    assert _stored(db) == (3, 3)
