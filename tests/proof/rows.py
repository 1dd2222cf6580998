"""Row-by-row snapshots of one tenant's data, read as the database owner (outside the service), over one
connection (a snapshot reads every table that has a tenant_id column)."""
from __future__ import annotations

import time

from sqlalchemy import create_engine, text

from tests.stack import PG_ADMIN_URL


def _engine(stack):
    if stack.backend == "postgresql":
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{stack.pg_database}"
        return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    return create_engine(stack.database_url)


def snapshot(stack, tenant_id: str) -> dict[str, list[str]]:
    """{table: sorted rows (as text)} of every table with a tenant_id column, for one tenant."""
    engine = _engine(stack)
    try:
        with engine.connect() as connection:
            if stack.backend == "postgresql":
                tables = [r[0] for r in connection.execute(text(
                    "SELECT table_name FROM information_schema.columns WHERE column_name = 'tenant_id' "
                    "AND table_schema = 'public' ORDER BY table_name"))]
            else:
                names = [r[0] for r in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))]
                tables = sorted(t for t in names if any(
                    c[1] == "tenant_id" for c in connection.execute(text(f'PRAGMA table_info("{t}")'))))
            return {table: sorted(repr(tuple(row)) for row in connection.execute(
                text(f'SELECT * FROM "{table}" WHERE tenant_id = :t'), {"t": tenant_id})) for table in tables}
    finally:
        engine.dispose()


def differences(before: dict, after: dict) -> list[str]:
    found = []
    for table in sorted(set(before) | set(after)):
        gone = set(before.get(table, ())) - set(after.get(table, ()))
        new = set(after.get(table, ())) - set(before.get(table, ()))
        for row in sorted(gone):
            found.append(f"{table}: changed or deleted {row[:300]}")
        for row in sorted(new):
            found.append(f"{table}: now {row[:300]}")
    return found


def settled_snapshot(stack, tenant_id: str, quiet: float = 1.0, timeout: float = 30.0) -> dict[str, list[str]]:
    """A snapshot once the tenant's rows stopped changing for `quiet` seconds: the service's background work
    (the outbox sequencer numbering events, the awards consumer writing points) finishes what the seeding or
    the attack set off, so only what a request did shows in a comparison."""
    deadline = time.monotonic() + timeout
    last = snapshot(stack, tenant_id)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = snapshot(stack, tenant_id)
        if now == last:
            return now
        last = now
    return last
