"""A thin client for building small catalogs in API tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

BASE = "/api/v1/catalog"


class Catalog:
    """Posts catalog records as one account and fails the test on an unexpected status."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    def post(self, path: str, expect: int = 201, **body: Any) -> dict[str, Any]:
        response = self.client.post(f"{BASE}/{path}", json=body, headers=self.headers)
        assert response.status_code == expect, response.text
        result: dict[str, Any] = response.json()
        return result

    def get(self, path: str, expect: int = 200, **params: Any) -> Any:
        response = self.client.get(f"{BASE}/{path}", params=params, headers=self.headers)
        assert response.status_code == expect, response.text
        return response.json()

    def patch(self, path: str, **body: Any) -> Any:
        return self.client.patch(f"{BASE}/{path}", json=body, headers=self.headers)

    def delete(self, path: str, **params: Any) -> Any:
        return self.client.delete(f"{BASE}/{path}", params=params, headers=self.headers)

    def service(
        self,
        name: str,
        layer: str = "business",
        owner: str = "Core",
        expect: int = 201,
        **extra: Any,
    ) -> Any:
        return self.post("services", expect, name=name, layer=layer, owner=owner, **extra)

    def store(self, name: str, owner: str = "Core", expect: int = 201, **extra: Any) -> Any:
        extra.setdefault("engine", "postgresql")
        return self.post("data-stores", expect, name=name, owner=owner, **extra)

    def api(self, name: str, owner: str = "Core", expect: int = 201, **extra: Any) -> Any:
        return self.post("apis", expect, name=name, owner=owner, **extra)

    def depend(
        self, source: str, target: str, kind: str = "service", expect: int = 201, **extra: Any
    ) -> Any:
        body = {"source": source, "target": target, "target_kind": kind, **extra}
        return self.post("dependencies", expect, **body)

    def audit(self, entity: str) -> list[dict[str, Any]]:
        response = self.client.get("/api/v1/audit", params={"entity": entity}, headers=self.headers)
        items: list[dict[str, Any]] = response.json()["items"]
        return items
