"""Alembic environment: runs on the connection handed over by ``idreader.db.engine.migrate``."""

from alembic import context

from idreader.accounts.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
