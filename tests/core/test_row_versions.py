"""Narrow invalidation: a kept answer about one record survives writes to other records, and an
answer that read some columns survives updates of the others; never past a write it read."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select, text, update

from tests.helpers import SYSTEM
from tests.helpers.read_cache import lookups
from tmse.core.identity import service
from tmse.core.identity.models import Team
from tmse.core.identity.schemas import TeamCreate, TeamUpdate
from tmse.core.links.models import TraceLink
from tmse.core.response_cache import data_version
from tmse.core.table_versions.keyed import key_version
from tmse.core.table_versions.tracking import (
    collecting,
    current_versions,
    every_row,
    versions_of,
)
from tmse.requirements.models import MOSCOW_RANK, Requirement


def _team(client, admin, name: str) -> dict:
    return client.post("/api/v1/teams", json={"name": name}, headers=admin.headers).json()


def _versions(db) -> dict[str, int]:
    with db.session(write=False) as session:
        return dict(data_version(session) or ())


def test_an_edit_of_one_record_keeps_another_records_answer(client, admin):
    first, second = _team(client, admin, "Kept"), _team(client, admin, "Edited")
    url = f"/api/v1/teams/{first['id']}"
    client.get(url, headers=admin.headers)
    hits = lookups(client, "api", "hit")
    edit = {"version": second["version"], "name": "Edited again"}
    assert client.patch(
        f"/api/v1/teams/{second['id']}", json=edit, headers=admin.headers
    ).is_success
    assert client.get(url, headers=admin.headers).json()["name"] == "Kept"
    assert lookups(client, "api", "hit") == hits + 1
    answer = client.get(f"/api/v1/teams/{second['id']}", headers=admin.headers)
    assert answer.json()["name"] == "Edited again"  # the edited record is read afresh


def test_a_write_that_names_no_rows_drops_every_keyed_answer_of_its_table(client, admin, db):
    first, second = _team(client, admin, "One"), _team(client, admin, "Two")
    url = f"/api/v1/teams/{first['id']}"
    client.get(url, headers=admin.headers)
    with db.session() as session:  # raw SQL: tmse cannot tell which rows it changed
        session.execute(
            text("UPDATE teams SET description = 'd' WHERE id = :i"), {"i": first["id"]}
        )
    assert client.get(url, headers=admin.headers).json()["description"] == "d"
    hits = lookups(client, "api", "hit")
    with db.session() as session:  # a bulk UPDATE of another row: no row named either
        session.execute(update(Team).where(Team.id == second["id"]).values(description="x"))
    client.get(url, headers=admin.headers)
    assert lookups(client, "api", "hit") == hits


def test_a_flush_moves_the_versions_of_the_keys_it_changed_old_and_new(db):
    with db.session() as session:
        team = service.create_team(session, SYSTEM, TeamCreate(name="Before"))
    before = _versions(db)
    with db.session() as session:
        edit = TeamUpdate(version=team.version, name="After")
        service.update_team(session, SYSTEM, team.id, edit)
    after = _versions(db)
    for values in (["Before"], ["After"]):
        assert after[key_version("teams", ("name",), values)] != before.get(
            key_version("teams", ("name",), values)
        )
    assert after[key_version("teams", ("id",), [team.id])] != before.get(
        key_version("teams", ("id",), [team.id])
    )
    assert after.get(every_row("teams")) == before.get(every_row("teams"))


def test_reads_pinned_to_a_key_depend_on_that_key_only(db):
    with db.session(write=False) as session, collecting() as read:
        session.get(Team, 7)
    assert key_version("teams", ("id",), [7]) in read and every_row("teams") in read
    assert "teams" not in read and "teams+" not in read
    either_end = or_(
        and_(TraceLink.source_type == "service", TraceLink.source_id == 3),
        and_(TraceLink.target_type == "service", TraceLink.target_id == 3),
    )
    pinned = select(TraceLink).where(either_end, TraceLink.state == "valid")
    with db.session(write=False) as session, collecting() as read:
        session.execute(select(func.count()).select_from(pinned.subquery())).scalar()
    assert key_version("trace_links", ("source_id", "source_type"), [3, "service"]) in read
    assert key_version("trace_links", ("target_id", "target_type"), [3, "service"]) in read
    assert "trace_links" not in read and "trace_links+" not in read
    with db.session(write=False) as session, collecting() as read:
        session.execute(select(TraceLink.id).where(TraceLink.link_type == "implements")).all()
    assert read >= {"trace_links+", "trace_links.link_type"}  # not pinned: every row counts


def test_reads_and_updates_are_versioned_by_column(db):
    read, _ = versions_of(
        "SELECT teams.id, teams.name FROM teams WHERE teams.kind = ? ORDER BY teams.name"
    )
    assert read == {"teams+", "teams.id", "teams.name", "teams.kind"}
    assert versions_of("SELECT count(*) AS n FROM teams")[0] == {"teams+"}
    _, written = versions_of("UPDATE teams SET description=?, version=? WHERE teams.id = ?")
    assert written == {"teams", "teams.description", "teams.version"}
    assert versions_of("INSERT INTO teams (name) VALUES (?)")[1] == {"teams", "teams+"}
    # Under an alias too; but a column named bare (a literal ORDER BY) or `*`: the whole table.
    assert versions_of("SELECT t.id FROM teams AS t")[0] == {"teams+", "teams.id"}
    with db.session(write=False) as session, collecting() as read:
        session.execute(select(Requirement.id).order_by(MOSCOW_RANK).limit(1)).all()
    assert "requirements" in read
    assert versions_of("SELECT t.* FROM teams AS t")[0] == {"teams+", "teams"}


def test_a_process_reads_only_what_moved_and_agrees_with_a_full_read(db):
    with db.session(write=False) as session:
        current_versions(session.connection())  # known from here on
    with db.session() as session:
        service.create_team(session, SYSTEM, TeamCreate(name="Moved"))
    with db.session(write=False) as session:
        connection = session.connection()
        caught_up = current_versions(connection)
        every = connection.execute(text("SELECT name, version FROM tmse_table_versions"))
        assert caught_up == {name: version for name, version in every}
