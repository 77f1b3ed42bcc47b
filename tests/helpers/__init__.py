"""Helpers shared by tests: accounts with tokens, and signing in through the real form."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient
from httpx import Response

from tmse.core.actor import Actor

SYSTEM = Actor.system("test")
PASSWORD = "correct-horse-battery"


@dataclass
class Account:
    id: int
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def login(client: TestClient, username: str, password: str = PASSWORD) -> Response:
    """Sign in through the real form, CSRF token included."""
    client.get("/login")
    response: Response = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": client.cookies.get("tmse_csrf", ""),
        },
        follow_redirects=False,
    )
    return response
