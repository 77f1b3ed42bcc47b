"""Uploading coverage and test reports as a pipeline would, and reports made to measure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.helpers import Account

RUNS = "/api/v1/quality/runs"
FIXTURES = Path(__file__).resolve().parents[1] / "integrations" / "fixtures" / "coverage_reports"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def upload(
    client: TestClient,
    account: Account,
    *reports: tuple[str, bytes],
    service: str = "billing",
    run_id: str = "run-1",
    changed_lines: bytes | None = None,
    **fields: str,
) -> Response:
    """POST the reports as multipart, the way `curl -F reports=@file` sends them."""
    data = {"service": service, "sha": "a1b2c3d", "branch": "main", "run_id": run_id} | fields
    files: list[tuple[str, tuple[str, bytes, str]]] = [
        ("reports", (name, content, "application/octet-stream")) for name, content in reports
    ]
    if changed_lines is not None:
        files.append(("changed_lines", ("change.diff", changed_lines, "text/plain")))
    return client.post(RUNS, data=data, files=files, headers=account.headers)


def cobertura(valid: int, covered: int, path: str = "app/core.py") -> bytes:
    """One file of `valid` coverable lines (1..valid), the first `covered` of them run."""
    lines = "".join(
        f'<line number="{n}" hits="{1 if n <= covered else 0}"/>' for n in range(1, valid + 1)
    )
    rate = covered / valid if valid else 1
    return (
        '<?xml version="1.0" ?>\n'
        f'<coverage version="7.4.0" timestamp="1700000000000" lines-valid="{valid}" '
        f'lines-covered="{covered}" line-rate="{rate:.4f}" branches-valid="0" '
        'branches-covered="0" branch-rate="0" complexity="0">'
        "<sources><source>/builds/app</source></sources><packages>"
        f'<package name="app" line-rate="{rate:.4f}" branch-rate="0" complexity="0"><classes>'
        f'<class name="core.py" filename="{path}" complexity="0" line-rate="{rate:.4f}" '
        f'branch-rate="0"><methods/><lines>{lines}</lines></class>'
        "</classes></package></packages></coverage>\n"
    ).encode()


def junit(total: int, failures: int = 0) -> bytes:
    """A JUnit run of `total` tests, the first `failures` of them failing."""
    cases = "".join(
        f'<testcase classname="tests.test_core" name="test_{n}" time="0.01">'
        + ('<failure message="assert 1 == 2">assert 1 == 2</failure>' if n < failures else "")
        + "</testcase>"
        for n in range(total)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><testsuites>'
        f'<testsuite name="pytest" errors="0" failures="{failures}" skipped="0" '
        f'tests="{total}" time="0.5">{cases}</testsuite></testsuites>'
    ).encode()


def set_rules(client: TestClient, account: Account, service: str, **rules: Any) -> Response:
    """PUT the service's gate rules at the version in force."""
    path = f"/api/v1/quality/gates/{service}"
    version = client.get(path, headers=account.headers).json()["version"]
    return client.put(path, json={"rules": rules, "version": version}, headers=account.headers)


def conditions(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {condition["metric"]: condition for condition in answer["conditions"]}
