"""tmse's OpenAPI design rules against Stoplight Spectral's `spectral:oas` on public specifications.

Runs `node_modules/.bin/spectral` (npm devDependency @stoplight/spectral-cli, installed by
`npm ci`) once over tests/standards/fixtures/openapi/ and tmse's check_openapi on the same files,
and asserts that on every pair of rules that mean the same thing the two tools report the same
places, except the differences listed, with their reason, in KNOWN_DIFFERENCES. Skipped when
Spectral is not installed, unless TMSE_E2E_REQUIRED=1 (as in CI), where that is a failure.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tmse.integrations.openapi.rule_set import (
    OPERATION_ID_MISSING,
    OPERATION_ID_VALID,
    SPECTRAL_OAS_EQUIVALENTS,
    SUCCESS_RESPONSE,
)

ROOT = Path(__file__).resolve().parents[2]
PLANTED = "planted-violations.yaml"
PUBLIC = {
    "api-with-examples.yaml",
    "link-example.yaml",
    "petstore-expanded.yaml",
    "petstore.yaml",
    "swagger-petstore-v3.yaml",
    "uspto.yaml",
}

# The places where one tool reports a paired rule and the other does not, and why.
# Keyed by (document, rule of the tool that reports it, JSON pointer of the operation or path).
KNOWN_DIFFERENCES: dict[tuple[str, str, str], str] = {
    (PLANTED, OPERATION_ID_MISSING, "/paths/~1invoices/get"): (
        "operationId ' ' (only whitespace): tmse strips it and finds nothing; Spectral's"
        " `truthy` accepts any non-empty string. Both report it as not URL-safe."
    ),
    (PLANTED, "oas3-operation-security-defined", "/paths/~1invoices~1{invoiceId}/get"): (
        "scope of an openIdConnect scheme: its scopes live in the provider's discovery document,"
        " so tmse checks scopes of oauth2 flows only; Spectral wants every scope in a flow."
    ),
}


def _load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "spectral_compare", ROOT / "benchmarks" / "spectral_compare.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("spectral_compare", module)
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()


@pytest.fixture(scope="module")
def findings() -> tuple[dict[str, Any], dict[str, Any]]:
    missing = [
        what
        for what, present in (
            (str(bench.SPECTRAL), bench.SPECTRAL.exists()),
            ("node", shutil.which("node") is not None),
        )
        if not present
    ]
    if missing:
        reason = f"Spectral cannot run here (missing: {', '.join(missing)}); run `npm ci`"
        if os.environ.get("TMSE_E2E_REQUIRED") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    files = bench.fixtures()
    return bench.run_tmse(files), bench.run_spectral(files)


def test_fixtures_are_the_public_documents_and_the_planted_one() -> None:
    assert {file.name for file in bench.fixtures()} == PUBLIC | {PLANTED}


def test_paired_rules_agree_except_the_explained_differences(findings: Any) -> None:
    ours, theirs = findings
    differences = set()
    for name in PUBLIC | {PLANTED}:
        for row in bench.compare(ours[name], theirs[name]):
            differences |= {(name, row["tmse_rule"], place) for place in row["only_tmse"]}
            differences |= {(name, row["spectral_rule"], place) for place in row["only_spectral"]}
    # Equality both ways: a new difference fails, and so does a listed one that went away.
    assert differences == set(KNOWN_DIFFERENCES)


def test_the_comparison_rests_on_real_findings(findings: Any) -> None:
    ours, theirs = findings
    rows = {name: bench.compare(ours[name], theirs[name]) for name in PUBLIC | {PLANTED}}

    def both(name: str, rule: str) -> int:
        return next(row["both"] for row in rows[name] if row["tmse_rule"] == rule)

    # Public documents: the operationId with spaces and seven operations without a success.
    assert both("petstore-expanded.yaml", OPERATION_ID_VALID) == 1
    assert both("swagger-petstore-v3.yaml", SUCCESS_RESPONSE) == 7
    places = sorted(
        f.scope
        for f in theirs["swagger-petstore-v3.yaml"]
        if f.rule == "operation-success-response"
    )
    assert places == [
        "/paths/~1pet~1{petId}/delete",
        "/paths/~1pet~1{petId}/post",
        "/paths/~1store~1order~1{orderId}/delete",
        "/paths/~1user/post",
        "/paths/~1user~1logout/get",
        "/paths/~1user~1{username}/delete",
        "/paths/~1user~1{username}/put",
    ]
    # The planted document exercises every pair except the structure one (which stops tmse).
    for tmse_rule in SPECTRAL_OAS_EQUIVALENTS:
        if tmse_rule != "oas.invalid-structure":
            assert both(PLANTED, tmse_rule) >= 1, tmse_rule
    total = sum(row["both"] for name in rows for row in rows[name])
    differing = sum(len(r["only_tmse"]) + len(r["only_spectral"]) for n in rows for r in rows[n])
    assert (total, differing) == (20, 2)


def test_tmse_locations_become_json_pointers_even_when_paths_hold_dots() -> None:
    document = {"paths": {"/2.0/users/{id}": {}, "/2.0/users/{id}.json": {}}}
    parts = bench.tmse_parts("paths./2.0/users/{id}.json.get.responses", document)
    assert parts == ["paths", "/2.0/users/{id}.json", "get", "responses"]
    assert bench.scope(parts) == "/paths/~12.0~1users~1{id}.json/get"
    assert bench.scope(bench.tmse_parts("paths./2.0/users/{id}", document)) == (
        "/paths/~12.0~1users~1{id}"
    )
    assert bench.scope(["security", "1", "partnerKey"]) == "/security"
    assert bench.scope(bench.tmse_parts("security", document)) == "/security"
    assert bench.scope(["paths", "/a", "parameters", "0"]) == "/paths/~1a"
    assert bench.pointer(["paths", "/a~b"]) == "/paths/~1a~0b"
