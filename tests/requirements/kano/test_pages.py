"""The Kano pages through the real forms: a product manager creates a survey, an anonymous
respondent answers through the share link (CSRF token included, in Chinese too), the survey
page shows the results and the chart, and a CSV import with bad rows imports nothing."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from tests.helpers import login
from tmse.requirements.models import Requirement


def _csrf(client: TestClient) -> str:
    return client.cookies.get("tmse_csrf", "")


def test_create_answer_anonymously_and_read_results(app, client, db, make_account) -> None:  # type: ignore[no-untyped-def]
    pm = make_account("product_manager")
    viewer = make_account("viewer")
    login(client, pm.username)
    listed = client.get("/kano")
    assert listed.status_code == 200 and "No Kano surveys yet" in listed.text
    assert 'data-nav="kano"' in listed.text

    form = {"csrf_token": _csrf(client), "name": "Checkout", "gap": "6"}
    bad = client.post("/kano/new", data=form | {"name": "", "features": "A | B | C | D"})
    assert bad.status_code == 422 and 'data-field-error="features"' in bad.text
    assert "Line 1" in bad.text and 'data-field-error="name"' in bad.text
    assert "This field is required." in bad.text
    duplicate = client.post("/kano/new", data=form | {"features": "K | a\nk | b\nOther | c | 99"})
    assert "Feature k: keys are" in duplicate.text and duplicate.status_code == 422
    with db.session() as session:
        requirement = Requirement(title="Track orders live")
        session.add(requirement)
        session.flush()
        requirement_id = requirement.id
    features = f"One-tap reorder\nTRACK | Order tracking | {requirement_id}\n"
    created = client.post("/kano/new", data=form | {"features": features}, follow_redirects=False)
    assert created.status_code == 303
    survey_url = created.headers["location"].split("?")[0]
    page = client.get(survey_url)
    assert page.status_code == 200 and "No answers yet" in page.text
    assert f'data-requirement="{requirement_id}"' in page.text and "Track orders live" in page.text
    share_url = re.search(r'id="share-url" value="([^"]+)"', page.text).group(1)
    share_path = share_url.split("testserver", 1)[1]
    assert share_path.startswith("/kano/respond/")

    with TestClient(app, raise_server_exceptions=False) as anonymous:
        opened = anonymous.get(share_path)
        assert opened.status_code == 200
        assert "If the product had “One-tap reorder”, how would you feel?" in opened.text
        assert 'name="functional-F1"' in opened.text and 'name="dysfunctional-TRACK"' in opened.text
        assert 'id="main-nav"' not in opened.text  # no navigation for someone not signed in
        answers = {
            "functional-F1": "like",
            "dysfunctional-F1": "neutral",
            "functional-TRACK": "expect",
            "dysfunctional-TRACK": "dislike",
        }
        no_token = anonymous.post(share_path, data={"respondent": "Mei"} | answers)
        assert no_token.status_code == 403
        csrf = {"csrf_token": _csrf(anonymous)}
        half = anonymous.post(
            share_path, data=csrf | {"respondent": "Mei", "functional-F1": "like"}
        )
        assert half.status_code == 422
        assert 'data-field-error="dysfunctional-F1"' in half.text
        assert 'data-field-error="functional-TRACK"' in half.text
        sent = anonymous.post(
            share_path, data=csrf | {"respondent": "Mei"} | answers, follow_redirects=False
        )
        assert sent.status_code == 303 and sent.headers["location"].endswith("/thanks")
        assert "Thank you!" in anonymous.get(sent.headers["location"]).text
        again = anonymous.post(share_path, data=csrf | {"respondent": " mei "} | answers)
        assert again.status_code == 422 and "answered already" in again.text
        anonymous.cookies.set("tmse_locale", "zh_CN")
        chinese = anonymous.get(share_path)
        assert "如果产品具备“One-tap reorder”,您会有什么感受?" in chinese.text
        assert "理应如此" in chinese.text
        assert anonymous.get("/kano/respond/not-a-token").status_code == 404

    page = client.get(survey_url)
    assert re.search(r'id="response-count">1<', page.text)
    # F1: like/neutral = A; TRACK: expect/dislike = M.
    assert re.search(r'data-feature="F1".*?data-category="A"', page.text, re.S)
    assert re.search(r'data-feature="TRACK".*?data-category="M"', page.text, re.S)
    option = json.loads(
        re.search(r"data-chart='([^']+)'", page.text).group(1).replace("&#39;", "'")
    )
    points = {p["name"]: p["value"] for p in option["series"][0]["data"]}
    # F1: Better (1+0)/1 = 1, |Worse| 0; TRACK: Better 0, |Worse| (0+1)/1 = 1.
    assert points == {"One-tap reorder": [0.0, 1.0], "Order tracking": [1.0, 0.0]}

    bad_csv = (
        "respondent,F1_functional,F1_dysfunctional\nAnn,like,like\nBo,love,like\nmei,like,like\n"
    )
    refused = client.post(
        f"{survey_url}/import", data={"csrf_token": _csrf(client), "csv": bad_csv}
    )
    assert refused.status_code == 422 and 'id="import-errors"' in refused.text
    assert "F1_functional" in refused.text and "Nothing was imported" in refused.text
    good_csv = "respondent,F1_functional,F1_dysfunctional\nAnn,like,like\nBo,like,dislike\n"
    imported = client.post(
        f"{survey_url}/import", data={"csrf_token": _csrf(client), "csv": good_csv}
    )
    assert imported.status_code == 200 and "2 responses imported." in imported.text
    assert re.search(r'id="response-count">3<', imported.text)

    closed = client.post(
        f"{survey_url}/status",
        data={"csrf_token": _csrf(client), "version": "1", "open": "0"},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    assert "This survey is closed" in TestClient(app).get(share_path).text

    client.post("/logout", data={"csrf_token": _csrf(client)})
    login(client, viewer.username)
    assert client.get("/kano/new").status_code == 403
    assert 'id="new-survey"' not in client.get("/kano").text
