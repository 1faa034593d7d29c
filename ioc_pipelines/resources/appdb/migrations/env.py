"""Alembic environment of the operational database: run by ``appdb.migrate`` on the
connection it passes (never from an alembic.ini with a URL of its own)."""

from alembic import context

from ioc_pipelines.resources.appdb.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
