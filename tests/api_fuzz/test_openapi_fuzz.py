"""Schemathesis over every operation of /api/openapi.json, on each backend: no input answers
5xx, and every answer has a declared status, a declared content type and a body matching its
schema. Deterministic (fixed seed) and bounded (MAX_EXAMPLES per operation and phase)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import schemathesis
import yaml
from fastapi import FastAPI
from rich.console import Console
from schemathesis.engine import Status, events, from_schema

from tests.helpers import SYSTEM, Account
from tmse.core.db import Database
from tmse.core.identity import credentials, service
from tmse.demo import load_demo

MAX_EXAMPLES = 10
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
Scope = MutableMapping[str, Any]
Asgi = Callable[
    [Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]
]


@schemathesis.deserializer(
    "text/yaml", "text/x-yaml", "text/vnd.yaml", "application/x-yaml", "application/yaml"
)
def yaml_stream(_: schemathesis.DeserializationContext, response: schemathesis.Response) -> Any:
    """The Backstage export is a YAML stream of many documents; schemathesis 4.32 reads one,
    and a failure there stops its worker with the operations after it untested."""
    documents = list(yaml.safe_load_all(response.content.decode(response.encoding or "utf-8")))
    return documents[0] if len(documents) == 1 else documents


def answering_500(app: FastAPI, sent: list[int]) -> Asgi:
    """The app as a client sees it: an unhandled error is the 500 already sent, not an
    exception raised into the test. Counts the requests in `sent`."""

    async def call(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            sent[0] += 1
        # Starlette sent the 500 answer before re-raising.
        with contextlib.suppress(Exception):
            await app(scope, receive, send)

    return call


def fuzz_config(admin: Account, user_id: int, token_id: int) -> schemathesis.Config:
    """Seeded, bounded, with the admin's token; the fuzzer may not lock its own account out."""
    return schemathesis.Config.from_dict(
        {
            "seed": 20251207,
            "headers": {"Authorization": f"Bearer {admin.token}"},
            "workers": 1,
            "continue-on-failure": True,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "mode": "all"},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "phases": {"stateful": {"enabled": False}},
            "operations": [
                # A schema-valid value for these is the fuzzer's own account or token.
                {
                    "include-path": "/api/v1/users/{user_id}",
                    "include-method": "PATCH",
                    "parameters": {"user_id": user_id},
                },
                {"include-path": "/api/v1/tokens/{token_id}", "parameters": {"token_id": token_id}},
            ],
        }
    )


def test_no_input_answers_a_server_error_or_breaks_the_schema(  # type: ignore[no-untyped-def]
    app, db: Database, make_account, tmp_path: Path
) -> None:
    load_demo(db, credentials_file=tmp_path / "password", console=Console(quiet=True))
    admin = make_account("admin", username="fuzz-admin")
    other = make_account("viewer", username="fuzz-target")
    with db.session() as session:
        spare, _ = credentials.create_token(
            session, SYSTEM, service.get_user(session, admin.id), "spare"
        )
        spare_id = spare.id

    started = time.perf_counter()
    sent = [0]
    schema = schemathesis.openapi.from_asgi(
        "/api/openapi.json",
        answering_500(app, sent),
        config=fuzz_config(admin, other.id, spare_id),
    )
    tested: dict[str, set[str]] = {}
    failures: dict[tuple[str, str, str], str] = {}
    for event in from_schema(schema).execute():
        if isinstance(event, events.FatalError):
            raise AssertionError(f"schemathesis stopped: {event.exception!r}")
        if not isinstance(event, events.ScenarioFinished) or event.label is None:
            continue
        if event.status != Status.SKIP:
            tested.setdefault(str(event.phase), set()).add(event.label)
        for checks in event.recorder.checks.values():
            for check in checks:
                if check.failure_info is not None:
                    failure = check.failure_info.failure
                    key = (event.label, check.name, failure.title)
                    failures.setdefault(key, check.failure_info.code_sample)
    elapsed = time.perf_counter() - started
    per_phase = ", ".join(f"{len(labels)} in {phase}" for phase, labels in sorted(tested.items()))
    print(
        f"\noperations: {per_phase}; {sent[0]} requests, {len(failures)} failures, {elapsed:.0f} s"
    )

    for phase in ("coverage", "fuzzing"):
        count = len(tested.get(phase, ()))
        assert count > 200, f"only {count} operations were tested in the {phase} phase"
    report = "\n".join(
        f"{op} — {check}: {title}\n    {sample}"
        for (op, check, title), sample in sorted(failures.items())
    )
    assert not failures, f"{len(failures)} distinct failures:\n{report}"
