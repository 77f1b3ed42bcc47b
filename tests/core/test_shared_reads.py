"""`tmse serve --workers 2`: the workers share kept answers, and a write through either worker is
seen by the next read on any connection, whichever worker takes it."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.helpers.server_process import admin_token, start_server
from tmse.migrations import upgrade


def _lookups(base: str, result: str) -> float:
    line = f'tmse_read_cache_lookups_total{{kind="api",result="{result}"}} '
    found = [x for x in httpx.get(f"{base}/metrics").text.splitlines() if x.startswith(line)]
    return float(found[0].removeprefix(line)) if found else 0.0


def test_workers_share_kept_answers_and_never_serve_one_past_a_write(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    upgrade(url)
    headers = {"Authorization": f"Bearer {admin_token(url)}"}
    server = start_server(url, "shared-reads-test", workers=2)
    try:
        created = httpx.post(
            f"{server.base}/api/v1/teams", json={"name": "Shared"}, headers=headers
        ).json()
        team, version = f"{server.base}/api/v1/teams/{created['id']}", created["version"]
        misses = _lookups(server.base, "miss")
        for turn in range(6):
            edit = {"version": version, "name": f"Shared {turn}"}
            version = httpx.patch(team, json=edit, headers=headers).json()["version"]
            for _ in range(8):  # a new connection each: the kernel spreads them over both
                assert httpx.get(team, headers=headers).json()["name"] == f"Shared {turn}"
        # Each write's answer was computed once, by one worker, and served by both after.
        assert _lookups(server.base, "miss") - misses == 6
    finally:
        server.stop()
