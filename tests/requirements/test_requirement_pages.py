"""The requirement pages through a signed-in browser session: backlog with model switch, banner
and custom columns, the intake form (channel web), edit errors, detail, import, custom fields."""

from __future__ import annotations

from tests.helpers import login
from tmse.planning.models import Project, Release


def _post(client, url: str, data: dict, **kwargs):  # type: ignore[no-untyped-def]
    return client.post(
        url,
        data=data | {"csrf_token": client.cookies.get("tmse_csrf", "")},
        follow_redirects=False,
        **kwargs,
    )


def test_requirement_pages(client, db, make_account, admin) -> None:  # type: ignore[no-untyped-def]
    with db.session() as session:
        project = Project(key="PAY", name="Payments")
        session.add(project)
        session.flush()
        release = Release(project_id=project.id, name="2027.1")
        session.add(release)
        session.flush()
        project_id, release_id = project.id, release.id
    assert login(client, "admin").status_code == 303
    empty = client.get("/requirements")
    assert empty.status_code == 200 and 'data-testid="backlog-empty"' in empty.text

    # An administrator defines a custom field on its page.
    added = _post(
        client,
        "/requirements/custom-fields",
        {
            "key": "tier",
            "label_en": "Customer tier",
            "label_zh": "客户等级",
            "kind": "single_select",
            "options": "gold\nsilver",
        },
    )
    assert added.status_code == 303
    bad_field = _post(
        client, "/requirements/custom-fields", {"key": "Bad", "label_en": "", "kind": "text"}
    )
    assert bad_field.status_code == 422 and 'data-field-error="key"' in bad_field.text

    # The intake form: errors keep the values, nothing is stored; then channel web.
    form = {
        "title": "Alipay at checkout",
        "type": "feature",
        "requester": "li.wei",
        "moscow": "must",
        "effort_days": "-4",
        "rice_reach": "1000",
        "rice_impact": "2",
        "rice_confidence": "80",
        "rice_effort": "2",
        "project_id": str(project_id),
        "release_id": str(release_id),
        "cf.tier": "platinum",
    }
    refused = _post(client, "/requirements/new", form)
    assert refused.status_code == 422
    assert 'data-field-error="effort_days"' in refused.text
    assert 'data-field-error="cf.tier"' in refused.text
    assert 'value="Alipay at checkout"' in refused.text
    created = _post(client, "/requirements/new", form | {"effort_days": "10", "cf.tier": "gold"})
    assert created.status_code == 303
    url = created.headers["location"].split("?")[0]
    requirement_id = int(url.rsplit("/", 1)[1])
    other = _post(
        client,
        "/requirements/new",
        {
            "title": "Invoice PDF",
            "type": "improvement",
            "moscow": "could",
            "effort_days": "2",
            "release_id": str(release_id),
            "project_id": str(project_id),
            "wsjf_value": "8",
            "wsjf_time_criticality": "5",
            "wsjf_risk_reduction": "3",
            "wsjf_job_size": "2",
        },
    )
    assert other.status_code == 303
    api = client.get(f"/api/v1/requirements/{requirement_id}").json()
    assert (api["channel"], api["requester"], api["rice_score"]) == ("web", "li.wei", 800.0)

    # Detail page: fields, priority breakdown, history.
    page = client.get(url)
    assert page.status_code == 200
    markers = ['id="requirement-fields"', 'id="rice-breakdown"', 'id="history"']
    markers += ['id="trace-links"', 'id="change-requests"', "Alipay at checkout", ">800<"]
    for marker in markers:
        assert marker in page.text, marker

    # Backlog: the model switch shows that model's components; 10 of 12 days Must: banner.
    rice = client.get("/requirements?model=rice")
    assert rice.status_code == 200
    assert 'data-model="rice"' in rice.text and "2027.1" in rice.text
    assert 'data-testid="must-banner"' in rice.text
    assert rice.text.index(f'data-requirement-id="{requirement_id}"') < rice.text.index(
        "Invoice PDF"
    )
    wsjf = client.get("/requirements?model=wsjf")
    assert wsjf.text.index("Invoice PDF") < wsjf.text.index("Alipay at checkout")
    assert 'data-cf="tier"' in wsjf.text
    filtered = client.get("/requirements?cf.tier=gold&sort=-cf.tier")
    assert "Alipay at checkout" in filtered.text and "Invoice PDF" not in filtered.text
    zh = client.get("/requirements?model=moscow", headers={"accept-language": "zh-CN"})
    assert zh.status_code == 200

    # Edit: a bad value changes nothing; a good one saves.
    edit = client.get(f"{url}/edit")
    assert edit.status_code == 200 and 'name="version"' in edit.text
    version = api["version"]
    bad_edit = _post(
        client,
        f"{url}/edit",
        form | {"effort_days": "-1", "cf.tier": "gold", "version": str(version)},
    )
    assert bad_edit.status_code == 422 and 'data-field-error="effort_days"' in bad_edit.text
    good_edit = _post(
        client,
        f"{url}/edit",
        form | {"effort_days": "1", "cf.tier": "gold", "version": str(version)},
    )
    assert good_edit.status_code == 303
    assert client.get(f"/api/v1/requirements/{requirement_id}").json()["effort_days"] == 1.0

    # The import page shows every bad row and stores nothing, then imports.
    bad_csv = "title,effort_days\nOne,-1\n,2\n"
    preview = _post(client, "/requirements/import", {"mapping": "generic", "csv": bad_csv})
    assert preview.status_code == 422
    assert 'data-line="2" data-field="effort_days"' in preview.text
    assert 'data-line="3" data-field="title"' in preview.text
    imported = _post(
        client, "/requirements/import", {"mapping": "generic", "csv": "title\nThree\n"}
    )
    assert imported.status_code == 200 and 'id="import-result"' in imported.text
    assert client.get("/api/v1/requirements").json()["total"] == 3
    assert client.get("/requirements/999999").status_code == 404
