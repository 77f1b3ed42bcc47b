"""Teams pages: the tree with counts, filters, paging, detail, and the create/edit form."""

from __future__ import annotations

from tests.helpers import SYSTEM, login
from tests.helpers.pages import audit_entries, join, post_form, seed_org
from tmse.core.identity import service
from tmse.core.identity.schemas import TeamCreate, TeamUpdate
from tmse.core.links import service as links


def test_viewer_sees_tree_with_member_counts(client, db, make_account):
    ids = seed_org(db)
    viewer = make_account("viewer")
    engineer = make_account("engineer")
    join(db, viewer.id, ids["gateway"])
    join(db, engineer.id, ids["gateway"])
    join(db, engineer.id, ids["build"])
    login(client, viewer.username)

    page = client.get("/teams")

    assert page.status_code == 200
    assert 'data-nav="teams"' in page.text and 'data-nav="users"' in page.text
    order = [
        page.text.index(f'data-team-id="{ids[k]}"')
        for k in ("acme", "platform", "gateway", "build")
    ]
    assert order == sorted(order)  # parents before children
    platform_row = page.text.split(f'data-team-id="{ids["platform"]}"')[1].split("</tr>")[0]
    # Platform: no direct members, two distinct people below it, two sub-units.
    assert [c.split(">")[-1] for c in platform_row.split("</td>")[2:5]] == ["0", "2", "2"]
    assert 'id="new-team"' not in page.text  # viewers get no create button


def test_empty_organisation_shows_a_hint(client, admin):
    login(client, "admin")
    page = client.get("/teams")
    assert "No teams yet" in page.text
    assert "Create the first unit" in page.text


def test_filter_by_name_and_kind(client, db, admin):
    ids = seed_org(db)
    login(client, "admin")

    by_kind = client.get("/teams", params={"kind": "team"})
    assert f'data-team-id="{ids["gateway"]}"' in by_kind.text
    assert f'data-team-id="{ids["platform"]}"' not in by_kind.text
    assert "Acme / Platform" in by_kind.text  # a filtered row shows where it sits

    by_name = client.get("/teams", params={"q": "gate"})
    assert "Showing 1 to 1 of 1" in by_name.text

    nothing = client.get("/teams", params={"q": "zzz"})
    assert "No units match these filters" in nothing.text


def test_pagination_counts_all_units(client, db, admin):
    with db.session() as session:
        for n in range(60):
            service.create_team(session, SYSTEM, TeamCreate(name=f"Team {n:02d}"))
    login(client, "admin")

    first = client.get("/teams")
    assert "Showing 1 to 50 of 60" in first.text
    assert first.text.count("data-team-id=") == 50
    second = client.get("/teams", params={"offset": 50})
    assert "Showing 51 to 60 of 60" in second.text
    assert second.text.count("data-team-id=") == 10


def test_team_detail_shows_path_members_sub_units_and_links(client, db, make_account):
    ids = seed_org(db)
    lead = make_account("tech_lead", "architect")
    member = make_account("engineer")
    join(db, lead.id, ids["gateway"], lead=True)
    join(db, member.id, ids["gateway"])
    with db.session() as session:
        links.create_link(
            session, SYSTEM, f"team:{ids['platform']}", f"team:{ids['gateway']}", "owns"
        )
        links.create_link(
            session, SYSTEM, f"team:{ids['gateway']}", f"user:{member.id}", "staffed_by"
        )
    with db.session() as session:
        platform = service.get_team(session, ids["platform"])
        service.update_team(
            session,
            SYSTEM,
            platform.id,
            TeamUpdate(version=platform.version, description="changed"),
        )
    viewer = make_account("viewer")
    login(client, viewer.username)

    page = client.get(f"/teams/{ids['gateway']}")

    assert page.status_code == 200
    path = page.text.split('id="team-path"')[1].split("</ol>")[0]
    assert path.index("Acme") < path.index("Platform") < path.index("API Gateway")
    members = page.text.split('id="members"')[1].split('id="sub-units"')[0]
    lead_row = members.split(f'data-user-id="{lead.id}"')[1].split("</tr>")[0]
    assert 'data-lead="1"' in lead_row
    assert 'data-role="architect"' in lead_row and 'data-role="tech_lead"' in lead_row
    assert 'data-lead="1"' not in members.split(f'data-user-id="{member.id}"')[1].split("</tr>")[0]
    links_card = page.text.split('id="trace-links"')[1]
    assert 'data-state="suspect"' in links_card  # Platform changed after the link was made
    assert 'data-state="valid"' in links_card
    assert "Suspect" in links_card and "Valid" in links_card

    parent = client.get(f"/teams/{ids['platform']}")
    sub_units = parent.text.split('id="sub-units"')[1].split('id="trace-links"')[0]
    assert "API Gateway" in sub_units and "Build" in sub_units


def test_unknown_team_is_a_404_page(client, admin):
    login(client, "admin")
    page = client.get("/teams/999")
    assert page.status_code == 404
    assert "This team does not exist." in page.text


def test_admin_creates_a_team_through_the_form(client, db, admin):
    ids = seed_org(db)
    login(client, "admin")
    form = client.get("/teams/new", params={"parent_id": ids["platform"]})
    assert form.status_code == 200
    assert f'<option value="{ids["platform"]}" selected>' in form.text

    response = post_form(
        client,
        "/teams",
        {
            "name": "Observability",
            "kind": "team",
            "parent_id": ids["platform"],
            "description": "Metrics and traces",
        },
    )

    assert response.status_code == 303
    with db.session() as session:
        team = service.team_by_name(session, "Observability")
        assert team is not None and team.parent_id == ids["platform"]
        assert response.headers["location"] == f"/teams/{team.id}?saved=1"
    created = audit_entries(db, "team", "create")[-1]
    assert created.actor_name == "admin" and created.via == "session"
    assert created.changes["name"] == {"before": None, "after": "Observability"}
    assert "Your changes were saved." in client.get(response.headers["location"]).text


def test_admin_edits_a_team_and_the_audit_log_records_it(client, db, admin):
    ids = seed_org(db)
    login(client, "admin")
    form = client.get(f"/teams/{ids['build']}/edit")
    assert 'name="version" value="1"' in form.text
    # A unit cannot move under itself, so it is not offered as its own parent.
    assert f'<option value="{ids["build"]}"' not in form.text.split('id="team-parent"')[1]

    response = post_form(
        client,
        f"/teams/{ids['build']}/edit",
        {
            "version": 1,
            "name": "Build & Release",
            "kind": "team",
            "parent_id": ids["platform"],
            "description": "Pipelines",
        },
    )

    assert response.status_code == 303
    with db.session() as session:
        team = service.get_team(session, ids["build"])
        assert (team.name, team.description, team.version) == ("Build & Release", "Pipelines", 2)
    update = audit_entries(db, "team", "update")[-1]
    assert update.entity_id == str(ids["build"])
    assert update.changes["name"] == {"before": "Build", "after": "Build & Release"}


def test_stale_version_shows_the_conflict_and_changes_nothing(client, db, admin):
    ids = seed_org(db)
    with db.session() as session:  # someone else saves first: version 1 -> 2
        service.update_team(
            session, SYSTEM, ids["build"], TeamUpdate(version=1, description="theirs")
        )
    updates_before = len(audit_entries(db, "team", "update"))
    login(client, "admin")

    response = post_form(
        client,
        f"/teams/{ids['build']}/edit",
        {
            "version": 1,
            "name": "Mine",
            "kind": "team",
            "parent_id": ids["platform"],
            "description": "mine",
        },
    )

    assert response.status_code == 409
    assert "Someone else saved a change while you were editing (now version 2)" in response.text
    assert 'id="form-message"' in response.text
    assert 'value="Mine"' in response.text  # the user's input is kept to re-apply
    with db.session() as session:
        team = service.get_team(session, ids["build"])
        assert (team.name, team.description, team.version) == ("Build", "theirs", 2)
    assert len(audit_entries(db, "team", "update")) == updates_before


def test_validation_errors_render_next_to_the_field(client, db, admin):
    ids = seed_org(db)
    login(client, "admin")

    blank = post_form(client, "/teams", {"name": "  ", "kind": "team"})
    assert blank.status_code == 422
    assert (
        '<div class="invalid-feedback d-block" data-field-error="name">'
        "This field is required.</div>" in blank.text
    )

    duplicate = post_form(client, "/teams", {"name": "Platform", "kind": "team"})
    assert duplicate.status_code == 409
    assert 'data-field-error="name">A unit with this name already exists.' in duplicate.text

    cycle = post_form(
        client,
        f"/teams/{ids['platform']}/edit",
        {"version": 1, "name": "Platform", "kind": "department", "parent_id": ids["gateway"]},
    )
    assert cycle.status_code == 422
    assert 'data-field-error="parent_id">A unit cannot sit under itself' in cycle.text
    with db.session() as session:
        assert service.get_team(session, ids["platform"]).parent_id == ids["acme"]
        assert service.team_by_name(session, "  ") is None


def test_only_org_writers_get_the_forms(client, db, make_account):
    ids = seed_org(db)
    architect = make_account("architect")
    login(client, architect.username)

    assert client.get(f"/teams/{ids['build']}/edit").status_code == 403
    # A browser is told, on a page in the shell, which permission it lacks.
    page = client.get("/teams/new", headers={"Accept": "text/html"})
    assert page.status_code == 403 and "<html" in page.text and "org:write" in page.text
    refused = post_form(client, "/teams", {"name": "Shadow IT", "kind": "team"})
    assert refused.status_code == 403
    assert 'id="edit-team"' not in client.get(f"/teams/{ids['build']}").text
    with db.session() as session:
        assert service.team_by_name(session, "Shadow IT") is None


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/teams", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/teams"
