"""PostgreSQL row-level security: the second wall between tenants, added by each domain's migrations.

The application sets `app.tenant_id` for every transaction (lms.platform.db); a policy lets a
row be seen or written only under its own tenant. FORCE makes the policy hold for the tables'
owner too, which is the role the service connects as. Jobs that must see every tenant (event
delivery, migrations of data) set `app.all_tenants = on` explicitly.
"""
from __future__ import annotations

from alembic import op

_TENANT = "tenant_id = current_setting('app.tenant_id', true)"
_ALL = "current_setting('app.all_tenants', true) = 'on'"


def enable(table: str, *, shared_rows: bool = False) -> None:
    """Restricts `table` to the current tenant's rows (plus NULL-tenant rows for reads if shared)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    readable = f"({_TENANT} OR tenant_id IS NULL)" if shared_rows else _TENANT
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY tenant_isolation ON {table} USING ({readable} OR {_ALL}) "
               f"WITH CHECK ({_TENANT} OR {_ALL})")


def disable(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
