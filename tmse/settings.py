"""Runtime settings, read from the environment (prefix TMSE_) and an optional .env file."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TMSE_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./tmse.db", description="Writer database (SQLite file or PostgreSQL)."
    )
    read_database_url: str | None = Field(
        default=None, description="Optional read replica for dashboards and analytics."
    )
    secret_key: str | None = Field(
        default=None, description="Signs sessions; generated beside the database when unset."
    )
    log_level: str = Field(default="INFO", description="Python log level.")
    log_json: bool = Field(default=True, description="Emit JSON log lines.")
    default_locale: str = Field(default="en", description="Locale when none is negotiated.")
    session_hours: int = Field(default=12, description="Web session lifetime in hours.")
    login_failure_limit: int = Field(default=10, description="Failed logins allowed per minute.")
    audit_verify_at: str = Field(
        default="02:00", description="UTC time of day of the nightly audit-chain verification."
    )
    worker_tick_seconds: float = Field(default=30.0, description="Worker scheduling interval.")
    leader_lease_seconds: float = Field(default=90.0, description="Worker leader lock lease.")
    db_pool_size: int = Field(default=10, description="Connection pool size per process.")
    response_cache_mb: int = Field(
        default=32, description="Memory per process for cached reads; 0 turns the cache off."
    )
    shared_cache_dir: str | None = Field(
        default=None,
        description="A directory where worker processes share cached reads (`serve --workers`).",
    )
    # Requests are mostly Python work under one interpreter lock: past a few at once, each only
    # waits longer for the lock (3 gave the lowest write latency under load on 2 cores).
    max_concurrent_requests: int = Field(
        default=3, description="Requests served at once per process; more wait their turn."
    )
    max_body_mb: float = Field(
        default=4.0, gt=0, description="Largest request body of a write; larger ones get 413."
    )
    max_import_body_mb: float = Field(
        default=20.0, gt=0, description="Largest request body of an import route (CSV, YAML)."
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()


def secret_key(settings: Settings) -> str:
    """TMSE_SECRET_KEY, else a key generated once and kept beside the database."""
    if settings.secret_key:
        return settings.secret_key
    path = secret_file_path(settings.database_url)
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def secret_file_path(database_url: str) -> Path:
    if database_url.startswith("sqlite:///") and not database_url.endswith(":memory:"):
        db_path = Path(database_url.removeprefix("sqlite:///"))
        return db_path.with_name(db_path.name + ".secret")
    return Path("tmse.secret")
