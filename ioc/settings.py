"""Deployment settings, read from `IOC_*` environment variables (one setting selects the database)."""

from __future__ import annotations

from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything a deployment may change without touching code."""

    model_config = SettingsConfigDict(env_prefix="IOC_", extra="ignore")

    # SQLAlchemy URL; default: SQLite file under `data_dir`. PostgreSQL: postgresql+psycopg://user@host/db
    database_url: str | None = None
    # archive of raw files (by sha256), inbox, SQLite file
    data_dir: Path = PROJECT_ROOT / "data"
    targets: Path = PROJECT_ROOT / "targets.yaml"
    # UI language when the user has not chosen; defaults to targets.yaml `language`
    language: str | None = None
    # the province's time zone (IANA name): every time shown is in it, and "today" (which reports are due)
    timezone: str = "Asia/Ho_Chi_Minh"
    # seed the demo province on first start when the database is empty
    seed_demo: bool = True
    # anyone who opens the app may view it without signing in (the wall, leadership); writing always needs
    # an account. Off: every page asks for a sign-in first (the wall keeps its own read-only tokens).
    anonymous_view: bool = True
    # a sign-in session ends after this many minutes without activity, and in any case after session_hours
    session_idle_minutes: float = 60.0
    session_hours: float = 12.0
    # seconds a writer waits for another writer's lock before "busy, try again" (SQLite and PostgreSQL)
    db_lock_timeout: float = 60.0
    # SQLite write-ahead log (readers never wait for a writer); turn off when data_dir is on a network share
    sqlite_wal: bool = True

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(
                f"IOC_TIMEZONE={value!r} is not a time zone name such as 'Asia/Ho_Chi_Minh'"
            ) from err
        return value

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ioc.sqlite3').as_posix()}"


def get_settings() -> Settings:
    """Read the settings from the environment now (tests change the environment between calls)."""
    return Settings()
