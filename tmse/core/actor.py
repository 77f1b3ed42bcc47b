"""Who is acting: a signed-in user (by session or token) or the system itself (CLI, worker)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tmse.core.permissions import allows, permissions_for


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    token_id: int | None = None
    locale: str | None = None

    @property
    def permissions(self) -> frozenset[str]:
        return permissions_for(self.roles)

    def can(self, permission: str) -> bool:
        return allows(self.permissions, permission)

    @property
    def via(self) -> str:
        if self.user_id is None:
            return "system"
        return f"token:{self.token_id}" if self.token_id else "session"

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(user_id=None, username=name, roles=frozenset({"admin"}))
