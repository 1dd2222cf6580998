"""Alembic runtime environment (online mode only: migrations always run against a database)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from lms.migrations.models import all_metadata

config = context.config
url = config.attributes["database_url"]
engine = create_engine(url, poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=all_metadata(), render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
