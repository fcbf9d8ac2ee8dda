"""Alembic environment: runs on the connection the store hands over (see db/store.py)."""

from alembic import context
from sqlalchemy import Connection

from db.models import Base

config = context.config


def run_migrations_online() -> None:
    """Migrate on the connection put in config.attributes by the store, or on the URL."""
    connection: Connection | None = config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            _configure_and_run(conn)
        return
    _configure_and_run(connection)


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: batch mode recreates tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
