"""Domain events: subscribers run inside the publishing transaction and share its fate."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.helpers import SYSTEM
from tmse.app import create_app
from tmse.core import audit, events
from tmse.core.audit import AuditEntry
from tmse.core.events import DomainEvent, load_subscribers, publish, subscribe, unsubscribe
from tmse.core.identity import service as identity
from tmse.core.identity.models import User
from tmse.core.identity.schemas import UserCreate

EVENT = "test.probe"


class Boom(Exception):
    pass


def _notify_the_subject(session: Session, event: DomainEvent) -> None:
    audit.record(session, SYSTEM, "probed", "user", event.payload["user_id"])


def _fail(session: Session, event: DomainEvent) -> None:
    raise Boom(event.name)


@pytest.fixture
def probe() -> Iterator[list[DomainEvent]]:
    seen: list[DomainEvent] = []

    def record(session: Session, event: DomainEvent) -> None:
        seen.append(event)

    subscribe(EVENT, record)
    subscribe(EVENT, _notify_the_subject)
    yield seen
    unsubscribe(EVENT, record)
    unsubscribe(EVENT, _notify_the_subject)
    unsubscribe(EVENT, _fail)


def _user(session: Session, name: str) -> User:
    return identity.create_user(session, SYSTEM, UserCreate(username=name, password="x" * 12))


def _count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.session(write=False) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _probed(session: Session) -> int:
    return session.scalar(select(func.count()).where(AuditEntry.action == "probed")) or 0


def _probes(db) -> int:  # type: ignore[no-untyped-def]
    with db.session(write=False) as session:
        return _probed(session)


def test_a_subscriber_writes_in_the_publishing_transaction(db, probe):
    with db.session() as session:
        user = _user(session, "ann")
        publish(session, EVENT, user_id=user.id, reason="test")
        # Already there before commit: the handler ran at publish time, on this session.
        assert _probed(session) == 1
    assert [(e.name, e.payload) for e in probe] == [(EVENT, {"user_id": user.id, "reason": "test"})]
    assert _probes(db) == 1


def test_a_rolled_back_write_takes_its_subscribers_writes_with_it(db, probe):
    with pytest.raises(Boom), db.session() as session:
        user = _user(session, "bob")
        publish(session, EVENT, user_id=user.id)
        raise Boom("the write fails after publishing")
    assert len(probe) == 1
    assert _probes(db) == 0
    assert _count(db, User) == 0


def test_a_failing_subscriber_fails_the_write(db, probe):
    subscribe(EVENT, _fail)
    with pytest.raises(Boom), db.session() as session:
        user = _user(session, "cat")
        publish(session, EVENT, user_id=user.id)
    assert _count(db, User) == 0
    assert _probes(db) == 0


def test_subscribing_twice_runs_a_handler_once(db, probe):
    subscribe(EVENT, _notify_the_subject)
    with db.session() as session:
        publish(session, EVENT, user_id=_user(session, "dan").id)
    assert _probes(db) == 1


def test_an_event_nobody_subscribed_to_is_harmless(db):
    with db.session() as session:
        assert publish(session, "test.nobody-listens", x=1) == DomainEvent(
            "test.nobody-listens", {"x": 1}
        )


def test_load_subscribers_imports_every_subscribers_module_once(tmp_path, monkeypatch):
    root = tmp_path / "plugin_probe"
    for folder in (root, root / "alpha", root / "beta", root / "beta" / "deep"):
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text("")
    subscriber = textwrap.dedent(
        """
        from tmse.core.events import subscribe

        CALLS = []
        subscribe("test.plugin", lambda session, event: CALLS.append(__name__))
        """
    )
    for folder in (root / "alpha", root / "beta" / "deep"):
        (folder / "subscribers.py").write_text(subscriber)
    (root / "alpha" / "models.py").write_text("raise RuntimeError('not a subscribers module')")
    monkeypatch.syspath_prepend(str(tmp_path))
    package = importlib.import_module("plugin_probe")

    load_subscribers(package)
    load_subscribers(package)
    publish(None, "test.plugin")  # type: ignore[arg-type]

    alpha = sys.modules["plugin_probe.alpha.subscribers"]
    deep = sys.modules["plugin_probe.beta.deep.subscribers"]
    assert alpha.CALLS == ["plugin_probe.alpha.subscribers"]
    assert deep.CALLS == ["plugin_probe.beta.deep.subscribers"]
    assert "plugin_probe.alpha.models" not in sys.modules


def test_the_app_factory_loads_the_subscribers_of_tmse(monkeypatch, settings, db):
    loaded: set[str] = set()
    monkeypatch.setattr(events, "_loaded_packages", loaded)
    create_app(settings, db)
    assert loaded == {"tmse"}
