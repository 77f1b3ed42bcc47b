"""The read cache's hit and miss counts, as /metrics shows them."""

from __future__ import annotations

from fastapi.testclient import TestClient


def lookups(client: TestClient, kind: str, result: str) -> float:
    """Lookups of `kind` ("api" or "page") with `result` ("hit" or "miss") so far."""
    line = f'tmse_read_cache_lookups_total{{kind="{kind}",result="{result}"}} '
    found = [x for x in client.get("/metrics").text.splitlines() if x.startswith(line)]
    return float(found[0].removeprefix(line)) if found else 0.0
