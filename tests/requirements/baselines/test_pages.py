"""The baseline pages, in English and Chinese: empty list, the form (with its errors), a draft's
page with the sign button for its approver only, signing, and the diff page after a change."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import login
from tests.helpers.baselines import seed_requirements
from tests.helpers.pages import post_form
from tmse.core.db import Database
from tmse.requirements.models import Requirement


def test_baseline_pages(client: TestClient, db: Database, make_account) -> None:  # type: ignore[no-untyped-def]
    make_account("product_manager", username="pia")
    make_account("product_manager", username="paul")
    project_id, a, b, _c = seed_requirements(db)

    login(client, "paul")
    empty = client.get("/baselines")
    assert empty.status_code == 200
    assert 'id="baselines-empty"' in empty.text and 'data-nav="baselines"' in empty.text
    form = client.get("/baselines/new").text
    assert '<option value="pia"' in form and '<option value="paul" selected' in form

    # Errors show on the form and store nothing.
    bad = post_form(
        client,
        "/baselines",
        {"name": "", "approver": "pia", "mode": "ids", "requirement_ids": "REQ-1, x"},
    )
    assert bad.status_code == 422 and 'data-field-error="requirement_ids"' in bad.text
    bad = post_form(
        client,
        "/baselines",
        {"name": "R1", "approver": "pia", "mode": "ids", "requirement_ids": f"REQ-{a}, 987654"},
    )
    assert bad.status_code == 422 and 'data-field-error="requirement_ids"' in bad.text
    assert "Some of these requirements do not exist." in bad.text
    assert "No baselines yet" in client.get("/baselines").text

    made = post_form(
        client,
        "/baselines",
        {
            "name": "Payments R1",
            "approver": "pia",
            "mode": "selection",
            "project_id": str(project_id),
            "statuses": "approved",
        },
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"].split("?")[0]
    draft = client.get(url).text
    assert 'data-signature="unsigned"' in draft
    assert 'id="sign-baseline"' not in draft and 'id="discard-baseline"' in draft
    assert draft.count("data-requirement-id=") == 2
    assert post_form(client, f"{url}/sign", {}).status_code == 403

    login(client, "pia")
    assert 'id="sign-baseline"' in client.get(url).text
    signed = post_form(client, f"{url}/sign", {})
    assert signed.status_code == 303
    page = client.get(url).text
    assert 'data-signature="valid"' in page and 'id="sign-baseline"' not in page
    listed = client.get("/baselines?status=approved").text
    assert "Payments R1" in listed and 'data-status="approved"' in listed

    with db.session() as session:
        req = session.get(Requirement, a)
        assert req is not None
        req.title = "Refunds v2"
    diff = client.get(f"{url}/diff?against=now").text
    # The title is content: the link a → b turned Suspect, a change on both ends.
    assert 'data-count="changed">2<' in diff
    assert f'data-requirement-id="{b}" data-field="links"' in diff
    assert '<span data-link-state="suspect">Suspect</span>' in diff
    assert f'data-requirement-id="{a}" data-field="title"' in diff
    assert "Refunds v2" in diff and "Refunds" in diff

    client.cookies.set("tmse_locale", "zh_CN")
    zh_list = client.get("/baselines", headers={"accept-language": "zh-CN"}).text
    assert "基线" in zh_list and "已签署" in zh_list
    zh_diff = client.get(f"{url}/diff", headers={"accept-language": "zh-CN"}).text
    assert "当前需求" in zh_diff and "标题" in zh_diff
    # The link's state is named, not shown as its slug.
    assert '<span data-link-state="suspect">可疑</span>' in zh_diff
    assert client.get(f"{url}/diff?against=999999").status_code == 404
