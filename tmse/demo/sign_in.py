"""The demo's sign-in details: a generated password, kept in a private file and printed."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from rich.console import Console

from tmse.demo.org_plan import PERSONAS

SITE_URL = "http://127.0.0.1:8000"
_PASSWORD_PREFIX = "password: "  # noqa: S105 - a label in printed output


def new_password() -> str:
    return secrets.token_urlsafe(12)


def write_sign_in(path: Path, password: str) -> None:
    """Write the sign-in details readable by the owner only (mode 600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        "# tmse demo sign-in — keep this file private\n"
        f"url: {SITE_URL}\n"
        "username: admin\n"
        f"{_PASSWORD_PREFIX}{password}\n"
        f"personas: {', '.join(PERSONAS[1:])} (same password)\n"
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    path.chmod(0o600)  # an existing file keeps its old mode through os.open


def read_password(path: Path) -> str | None:
    if not path.exists():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(_PASSWORD_PREFIX):
            return line.removeprefix(_PASSWORD_PREFIX).strip()
    return None


def print_sign_in(console: Console, password: str | None, path: Path) -> None:
    console.print(f"Open [bold]{SITE_URL}[/bold]")
    if password is None:
        console.print("Sign in with the accounts you created (no demo sign-in file found).")
        return
    console.print(f"Sign in as [bold]admin[/bold] / [bold]{password}[/bold]", highlight=False)
    console.print(
        f"The personas {', '.join(PERSONAS[1:])} share that password; it is saved in {path}",
        highlight=False,
    )
