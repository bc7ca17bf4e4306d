"""Alembic environment: runs on the connection `ioc.store.migrate` hands over, inside its write transaction.

`store.migrate` puts an open connection (already holding the ledger's write lock) in
`config.attributes["connection"]`; every revision then runs in that one transaction, so an upgrade is
applied whole or not at all. Run from the command line (`alembic -c ioc/migrations/alembic.ini …`, for
writing a new revision), it opens its own connection to the database the settings name.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from ioc.store import metadata


def _skip_alembic_table(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    return not (type_ == "table" and name == "alembic_version")


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=_skip_alembic_table,
        transactional_ddl=True,  # SQLite too: its DDL is transactional, and we want all or nothing
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    """Online migrations only: a schema change is applied to a live database, never printed as SQL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from ioc import store
    from ioc.settings import get_settings

    engine = store.get_engine(get_settings().resolved_database_url())
    with store.write_transaction(engine) as conn:
        _run(conn)
    engine.dispose()


run()
