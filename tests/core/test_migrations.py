"""Migrations build exactly the schema the models declare, and can be undone and redone."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from lms import migrations
from lms.migrations.models import all_metadata
from lms.platform.config import Settings
from tests.stack import PG_ADMIN_URL, create_pg_database, drop_pg_database


def _schema_differences(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, all_metadata())
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(stack):
    if stack.backend == "postgresql":
        url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{stack.pg_database}"
    else:
        url = stack.database_url
    assert _schema_differences(url) == []


def _settings(url: str) -> Settings:
    return Settings(**{**Settings.from_env().__dict__, "database_url": url})


def test_downgrade_to_base_and_upgrade_again(tmp_path, stack):
    if stack.backend == "postgresql":
        url, name = create_pg_database()
    else:
        url, name = f"sqlite:///{tmp_path / 'round-trip.sqlite3'}", ""
    try:
        settings = _settings(url)
        migrations.upgrade(settings)
        migrations.downgrade(settings, "base")
        engine = create_engine(settings.sync_database_url)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()
        migrations.upgrade(settings)
        engine = create_engine(settings.sync_database_url)
        assert {"courses", "categories", "directory_users"} <= set(inspect(engine).get_table_names())
        engine.dispose()
    finally:
        if name:
            drop_pg_database(name)
