"""Row-by-row snapshots of one tenant's data, read as the database owner (outside the service)."""
from __future__ import annotations


def tenant_tables(stack) -> list[str]:
    if stack.backend == "postgresql":
        rows = stack.sql("SELECT table_name FROM information_schema.columns WHERE column_name = 'tenant_id' "
                         "AND table_schema = 'public' ORDER BY table_name")
        return [r[0] for r in rows]
    tables = [r[0] for r in stack.sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return sorted(t for t in tables if any(c[1] == "tenant_id" for c in stack.sql(f'PRAGMA table_info("{t}")')))


def snapshot(stack, tenant_id: str, tables: list[str] | None = None) -> dict[str, list[str]]:
    """{table: sorted rows (as text)} of every table with a tenant_id column, for one tenant."""
    out = {}
    for table in tables or tenant_tables(stack):
        rows = stack.sql(f'SELECT * FROM "{table}" WHERE tenant_id = :t', t=tenant_id)
        out[table] = sorted(repr(row) for row in rows)
    return out


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
