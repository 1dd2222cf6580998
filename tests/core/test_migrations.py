"""Migrations build exactly the schema the models declare, and can be undone and redone."""
from contextlib import contextmanager

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from lms import migrations
from lms.migrations.models import all_metadata
from lms.platform.config import Settings
from tests.stack import PG_ADMIN_URL, create_pg_database, drop_pg_database


def _schema_differences(url: str) -> list:
    metadata = all_metadata()
    unmanaged = tuple(metadata.info.get("unmanaged_table_prefixes", ()))  # e.g. SQLite FTS5 tables (lms.ai_chat)

    def include_name(name, type_, _parents) -> bool:
        return not (type_ == "table" and unmanaged and name.startswith(unmanaged))

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
            return compare_metadata(context, metadata)
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


@contextmanager
def _fresh_database(stack, tmp_path, name: str):
    """The URL of an empty database of the stack's backend, dropped afterwards."""
    if stack.backend == "postgresql":
        url, pg_name = create_pg_database()
    else:
        url, pg_name = f"sqlite:///{tmp_path / name}.sqlite3", ""
    try:
        yield url
    finally:
        if pg_name:
            drop_pg_database(pg_name)


@contextmanager
def _every_tenant(engine):
    """A transaction that sees and writes every tenant's rows (row-level security on PostgreSQL)."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT set_config('app.all_tenants', 'on', true)"))
        yield connection


def test_downgrade_to_base_and_upgrade_again(tmp_path, stack):
    with _fresh_database(stack, tmp_path, "round-trip") as url:
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


def test_stored_events_keep_their_ids_when_the_sequencer_takes_over(tmp_path, stack):
    """platform_0004: events numbered at commit (0003) keep their ids; new rows wait for the sequencer,
    which continues after them; a downgrade numbers the waiting ones the same way."""
    with _fresh_database(stack, tmp_path, "events") as url:
        settings = _settings(url)
        migrations.upgrade(settings, "platform@platform_0003")
        engine = create_engine(settings.sync_database_url)
        with _every_tenant(engine) as connection:
            for event_id in (1, 2, 3):
                connection.execute(text(
                    "INSERT INTO outbox_events (id, tenant_id, type, room, data, created_at) "
                    "VALUES (:id, 't1', 'test.old', 'user_u', '{}', CURRENT_TIMESTAMP)"), {"id": event_id})
            connection.execute(text("UPDATE outbox_sequence SET last_id = 2"))  # behind, as 0003 left it
        migrations.upgrade(settings)
        with _every_tenant(engine) as connection:
            assert connection.execute(text("SELECT id FROM outbox_events ORDER BY seq")).scalars().all() == [1, 2, 3]
            assert connection.execute(text("SELECT last_id FROM outbox_sequence")).scalar() == 3
            connection.execute(text("INSERT INTO outbox_events (tenant_id, type, room, data, created_at) "
                                    "VALUES ('t1', 'test.new', 'user_u', '{}', CURRENT_TIMESTAMP)"))
            assert connection.execute(text("SELECT id FROM outbox_events WHERE type = 'test.new'")).scalar() is None
        migrations.downgrade(settings, "platform@platform_0003")
        with _every_tenant(engine) as connection:
            assert connection.execute(text("SELECT id, type FROM outbox_events ORDER BY id")).all() == [
                (1, "test.old"), (2, "test.old"), (3, "test.old"), (4, "test.new")]
            assert connection.execute(text("SELECT last_id FROM outbox_sequence")).scalar() == 4
        engine.dispose()
