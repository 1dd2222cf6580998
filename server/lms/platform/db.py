"""Engines, sessions and the one mechanism that scopes every query to a tenant.

A session knows its tenant (`session.info["tenant_id"]`). Every ORM SELECT, UPDATE and DELETE
it runs gets `tenant_id = :tenant` added for each tenant-owned entity (SQLAlchemy's
`with_loader_criteria`), every new tenant-owned object is stamped with the tenant on flush, and
on PostgreSQL the tenant is also set for the transaction (`app.tenant_id`) so row-level security
policies hold even if a query slipped past the first wall. A session without a tenant refuses
to run tenant-owned queries unless it was opened explicitly for all tenants.
"""
from __future__ import annotations

import collections
import functools
from contextlib import asynccontextmanager
from typing import AsyncIterator

from sqlalchemy import bindparam, event, exc, make_url, or_, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.pool import AsyncAdaptedQueuePool, NullPool

from lms.platform.config import Settings
from lms.platform.readpool import ReadPool, idle_socket_readable
from lms.platform.models import TenantOrShared, TenantScoped

ALL_TENANTS = "*"  # session.info["tenant_id"] value of sessions that may see every tenant


def _cache_long_statements(limit: int = 16384) -> None:
    """Lets psycopg keep its parse of statements up to `limit` bytes (its default, 4,096, is meant for ORM
    statements of varying shape; ours are prebuilt and fixed). The enroll statement, built from the courses
    policy's clauses, is 4,783 bytes: psycopg parsed it again on every execution, 163 us against 21 us
    once cached (measured in process). Without PostgreSQL's driver there is nothing to tune."""
    try:
        from psycopg import _queries
    except ImportError:  # pragma: no cover - SQLite-only installs
        return
    if _queries.MAX_CACHED_STATEMENT_LENGTH < limit:
        _queries.MAX_CACHED_STATEMENT_LENGTH = limit


_cache_long_statements()


class TenantScopeError(RuntimeError):
    """A tenant-owned table was queried by a session that has no tenant."""


def _socket_of(dbapi_connection) -> int | None:
    """The file descriptor of a pooled psycopg connection's socket (None when it has none)."""
    driver = getattr(dbapi_connection, "driver_connection", None) or getattr(dbapi_connection, "_connection", None)
    pgconn = getattr(driver, "pgconn", None)
    try:
        return pgconn.socket if pgconn is not None else None
    except Exception:  # noqa: BLE001 - a closed connection has no socket: it is dead
        return -1


def _dead_on_checkout(dbapi_connection, _record, _proxy) -> None:
    """Refuses a pooled PostgreSQL connection the server has closed, before anything is sent on it
    (`lms.platform.readpool.idle_socket_readable`: a `poll()`, no round trip, unlike `pool_pre_ping`).
    Raising DisconnectionError makes the pool discard it and hand out another (or a new) connection, so a
    request never fails on a connection that died while it sat in the pool.
    """
    fd = _socket_of(dbapi_connection)
    if fd is None:
        return
    if fd < 0:
        raise exc.DisconnectionError("connection closed")
    if idle_socket_readable(fd):
        raise exc.DisconnectionError("the server closed this pooled connection")


def create_engine(settings: Settings, *, index_scans_only: bool = False) -> AsyncEngine:
    """The engine of a process's units of work. `index_scans_only` (PostgreSQL) rules out sequential and
    bitmap scans, for processes whose every query is an index lookup on tables that fill and empty faster
    than their statistics follow (the outbox, lms.realtime)."""
    if settings.is_sqlite:
        engine = create_async_engine(
            settings.async_database_url,
            poolclass=AsyncAdaptedQueuePool,
            pool_size=1,  # one writer at a time: SQLite locks the whole file anyway
            max_overflow=0,
            pool_timeout=60,
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            for pragma in ("foreign_keys=ON", "journal_mode=WAL", "busy_timeout=10000", "synchronous=NORMAL"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        return engine
    engine = create_async_engine(
        settings.async_database_url,
        connect_args={"options": "-c enable_seqscan=off -c enable_bitmapscan=off"} if index_scans_only else {},
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_pre_ping=False,  # `_dead_on_checkout` finds dead connections without a round trip
        pool_recycle=1800,
    )
    event.listen(engine.sync_engine.pool, "checkout", _dead_on_checkout)
    return engine


def create_read_pool(settings: Settings) -> ReadPool | None:
    """PostgreSQL: the read path's pool (`execute_alone`, lms.platform.readpool), in autocommit mode. SQLite: None.

    Its connections are kept: a connection carries its tenant setting, and opening one costs the database a
    process; when all are busy a call waits for one, and each is held for a single statement.
    """
    if settings.is_sqlite:
        return None
    # SQLAlchemy's dialect compiles the statements, and its psycopg type adapters are the read path's too
    # (rows come back exactly as on the transactions' connections). Its engine connects once, to initialize it.
    engine = create_async_engine(settings.async_database_url, poolclass=NullPool)

    async def initialize_dialect() -> None:
        async with engine.connect():
            pass

    url = make_url(settings.async_database_url).set(drivername="postgresql")
    options = {
        # The statements here are prepared by psycopg after a few uses; with bound LIMIT/OFFSET and tenant
        # PostgreSQL would otherwise plan each execution anew (a "custom plan", several times the cost of
        # running the catalogue's query). Their generic plans are the same index scans.
        "options": "-c plan_cache_mode=force_generic_plan",
    }
    adapters = getattr(engine.dialect, "_psycopg_adapters_map", None)
    if adapters is not None:
        options["context"] = adapters
    return ReadPool(url.render_as_string(hide_password=False), 2 * settings.db_pool_size, dialect=engine.dialect,
                    connect_options=options, recycle=1800, initialize_dialect=initialize_dialect)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


@asynccontextmanager
async def unit_of_work(factory: async_sessionmaker[AsyncSession], tenant_id: str | None) -> AsyncIterator[AsyncSession]:
    """One transaction for one tenant: committed when the block ends, rolled back if it raises."""
    async with factory() as session:
        session.info["tenant_id"] = tenant_id
        async with session.begin():
            yield session


def session_tenant(session: Session | AsyncSession) -> str | None:
    return session.info.get("tenant_id")


@event.listens_for(Session, "do_orm_execute")
def _scope_to_tenant(state: ORMExecuteState) -> None:
    if state.is_column_load or state.is_relationship_load:
        return  # the criteria below propagate to these loads on their own
    if not (state.is_select or state.is_update or state.is_delete):
        return
    tenant = session_tenant(state.session)
    if tenant == ALL_TENANTS:
        return
    if tenant is None:
        if _touches_tenant_tables(state):
            raise TenantScopeError("tenant-owned rows queried by a session without a tenant")
        return
    state.statement = state.statement.options(
        with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tenant, include_aliases=True),
        with_loader_criteria(
            TenantOrShared, lambda cls: or_(cls.tenant_id == tenant, cls.tenant_id.is_(None)), include_aliases=True),
    )


def _touches_tenant_tables(state: ORMExecuteState) -> bool:
    for mapper in state.all_mappers:
        if issubclass(mapper.class_, (TenantScoped, TenantOrShared)):
            return True
    return False


@event.listens_for(Session, "before_flush")
def _stamp_tenant(session: Session, _flush_context, _instances) -> None:
    tenant = session_tenant(session)
    for obj in session.new:
        if isinstance(obj, (TenantScoped, TenantOrShared)):
            if tenant in (None, ALL_TENANTS):
                if obj.tenant_id is None and isinstance(obj, TenantScoped):
                    raise TenantScopeError(f"new {type(obj).__name__} needs a tenant")
            elif obj.tenant_id is None:
                obj.tenant_id = tenant
            elif obj.tenant_id != tenant:
                raise TenantScopeError(f"new {type(obj).__name__} belongs to another tenant")


TENANT_SETTING_PREFIX = "SELECT set_config('app.tenant_id', "
_SET_TRANSACTION_TENANT = text(
    TENANT_SETTING_PREFIX + ":tenant, true), set_config('app.all_tenants', :all, true)")


@event.listens_for(Session, "after_begin")
def _set_rls_tenant(session: Session, _transaction, connection) -> None:
    # PostgreSQL row-level security reads these settings; `true` makes them transaction-local.
    if connection.dialect.name != "postgresql":
        return
    tenant = session_tenant(session)
    connection.execute(
        _SET_TRANSACTION_TENANT,
        {"tenant": "" if tenant in (None, ALL_TENANTS) else tenant, "all": "on" if tenant == ALL_TENANTS else "off"},
    )


TENANT_PARAM = "tenant"


async def tenant_execute(session: AsyncSession, statement, params: dict | None = None):
    """Runs a prebuilt Core statement in the session's transaction, binding `:tenant` to its tenant.

    For hot paths: a statement built once (with `bindparam("tenant")` in a `tenant_id = :tenant`
    condition on every tenant-owned table it reads or writes, and bound parameters for every other
    value) skips the ORM's per-execution work (entity loading, the loader criteria above and the
    cache key they force SQLAlchemy to recompute). Row-level security still applies on PostgreSQL.
    """
    tenant = session_tenant(session)
    if tenant in (None, ALL_TENANTS):
        raise TenantScopeError("tenant_execute needs a session of one tenant")
    connection = await session.connection()
    if isinstance(statement, compiled_once):
        statement = statement.for_dialect(connection.dialect)
    return await connection.execute(statement, {TENANT_PARAM: tenant, **(params or {})})


# The read path ------------------------------------------------------------------------------------
#
# Read-only calls that need one statement (the catalogue list, a course detail whose content is cached)
# would spend most of their database time on the transaction around it: BEGIN, the tenant setting,
# the statement, COMMIT. On PostgreSQL `read` sends only the statement: it runs on a separate pool
# in autocommit mode whose connections carry the tenant as a *session* setting (`set_config(...,
# false)`), set when a connection is first used for that tenant and remembered with the connection,
# so row-level security holds exactly as in a transaction. Only `read` uses that pool, and it sets the
# tenant before every statement whenever the connection's remembered tenant differs (a failed or
# interrupted setting forgets it, so it is sent again). SQLite has no tenant setting and no such pool:
# `read` runs in the call's session there (`Call.read`).
#
# The statement is a prebuilt Core statement, compiled once for PostgreSQL and sent by psycopg directly
# (SQLAlchemy's per-execution result set-up costs more than the round trip on small reads); rows come
# back as plain tuples in the statement's column order, with psycopg's types (aware datetimes, Decimal,
# parsed JSON), which is what the statements' consumers use on either path.

_SET_SESSION_TENANT = "SELECT set_config('app.tenant_id', %s, false), set_config('app.all_tenants', 'off', false)"
# Compiled statements kept per process: the prebuilt statements are a few dozen module-level ones plus the
# filter shapes of the list caches (lms.courses.service: 512, lms.messaging.service: 64). Bounded, since a
# shape evicted from those caches comes back as a new statement object (a new key here).
COMPILED_CACHE_SIZE = 1024


class Rows(list):
    """Buffered rows (tuples) with the parts of SQLAlchemy's Result interface the read path's callers use."""

    def all(self) -> "Rows":
        return self

    def first(self):
        return self[0] if self else None

    def scalar(self):
        return self[0][0] if self else None


def _text_dialects() -> dict:
    from sqlalchemy.dialects.postgresql.base import PGDialect
    from sqlalchemy.dialects.sqlite.base import SQLiteDialect

    return {"postgresql": PGDialect, "sqlite": SQLiteDialect}  # (the drivers' own render casts text() cannot parse)


_TEXT_DIALECTS = _text_dialects()


class compiled_once:
    """A Core statement SQLAlchemy cannot cache (the dialects' INSERT ... ON CONFLICT constructs are compiled
    again on every execution), compiled once per dialect and run as the equivalent `text()` statement.

    Write the statement with `sqlalchemy.dialects.postgresql.insert`: SQLite accepts the same ON CONFLICT
    clause, and the text is compiled for the connection's dialect on first use (bound parameters keep their
    types, RETURNING columns theirs)."""

    def __init__(self, statement):
        self.statement = statement
        self._texts: dict[str, object] = {}

    def for_dialect(self, dialect):
        prepared = self._texts.get(dialect.name)
        if prepared is None:
            compiled = self.statement.compile(dialect=_TEXT_DIALECTS[dialect.name](paramstyle="named"))
            binds = [bindparam(bind.key, value=bind.value, type_=bind.type) for bind in compiled.binds.values()]
            prepared = text(str(compiled)).bindparams(*binds)
            returning = list(getattr(self.statement, "exported_columns", ()))
            if returning:
                prepared = prepared.columns(*returning)
            self._texts[dialect.name] = prepared
        return prepared


def row_type(statement, name: str = "Row") -> type:
    """A named-tuple type with the statement's column names, in its order: `row_type(s)._make(row)` reads a
    row of either path (the read path's plain tuples, or SQLAlchemy rows) by name. Build it once, next to
    the statement; a column the consumer reads and the statement lacks fails at once (AttributeError)."""
    return collections.namedtuple(name, list(statement.selected_columns.keys()))


@functools.lru_cache(maxsize=COMPILED_CACHE_SIZE)
def _postgresql_sql(statement, dialect) -> tuple[str, dict]:
    """(SQL text for psycopg, default parameter values) of a prebuilt statement."""
    compiled = statement.compile(dialect=dialect)
    return str(compiled), dict(compiled.params)


async def execute_alone(pool: ReadPool, tenant: str, statement, params: dict | None = None) -> Rows:
    """Runs one prebuilt Core statement (see `tenant_execute`) on the read path (PostgreSQL), where
    autocommit makes it a transaction of its own: a read, or a write committed when this returns."""
    if tenant in (None, "", ALL_TENANTS):
        raise TenantScopeError("the read path needs a tenant")
    held = await pool.acquire()
    healthy = False
    try:
        sql, defaults = _postgresql_sql(statement, pool.dialect)  # (once the pool has initialized the dialect)
        connection = held.connection
        if held.tenant != tenant:
            held.tenant = None
            await connection.execute(_SET_SESSION_TENANT, (tenant,))
            held.tenant = tenant
        cursor = await connection.execute(sql, {**defaults, TENANT_PARAM: tenant, **(params or {})})
        rows = Rows(await cursor.fetchall())
        healthy = True
        return rows
    finally:
        # Back to the pool, or (after a failure or a cancellation, which may leave a statement running) closed.
        await pool.release(held, healthy)


def dialect_insert(session: AsyncSession | Session, model):
    """An INSERT supporting `on_conflict_do_*` for the session's database (PostgreSQL or SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)
