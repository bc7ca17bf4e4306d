"""The seeded demo database the page tests and the reach tests share: four demo months, real loaders."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from ioc.config import Config

MONTHS = ["2026-07", "2026-08", "2026-09", "2026-10"]


def seed_demo(config: Config, data_dir: Path, months: list[str] = MONTHS) -> Engine:
    """A migrated database in `data_dir` holding the demo months, ingested through the real loaders."""
    from ioc.demo import generate
    from ioc.settings import Settings
    from ioc.store import get_engine, migrate

    engine = get_engine(Settings(data_dir=data_dir).resolved_database_url())
    migrate(engine)
    generate(config, data_dir, engine=engine, months=months)
    return engine
