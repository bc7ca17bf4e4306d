"""The ledger's schema history as Alembic revisions; `ioc.store.migrate` runs them (no alembic.ini needed)."""
