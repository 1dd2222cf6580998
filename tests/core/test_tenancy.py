"""Tenant isolation: the shared query scoping, and PostgreSQL row-level security as the second wall."""
import asyncio

import pytest
from sqlalchemy import func, select, text, update

from lms.courses.models import Course
from lms.platform.config import Settings
from lms.platform.db import ALL_TENANTS, TenantScopeError, create_engine, create_sessionmaker, unit_of_work
from tests.helpers import make_course


def _settings(stack) -> Settings:
    base = Settings.from_env()
    return Settings(**{**base.__dict__, "database_url": stack.database_url})


def test_every_orm_query_is_scoped_to_the_session_tenant(stack, tenant, other_tenant):
    mine = make_course(tenant.admin())
    theirs = make_course(other_tenant.admin())

    async def check():
        engine = create_engine(_settings(stack))
        sessions = create_sessionmaker(engine)
        try:
            async with unit_of_work(sessions, tenant.id) as session:
                assert [c.id for c in await session.scalars(select(Course))] == [mine["id"]]
                assert await session.scalar(select(func.count(Course.id))) == 1
                assert await session.get(Course, theirs["id"]) is None
                result = await session.execute(update(Course).values(title="overwritten"))
                assert result.rowcount == 1
            async with unit_of_work(sessions, None) as session:
                with pytest.raises(TenantScopeError):
                    await session.scalars(select(Course))
            async with unit_of_work(sessions, ALL_TENANTS) as session:
                titles = {c.id: c.title for c in await session.scalars(select(Course))}
                assert titles[theirs["id"]] == theirs["title"] and titles[mine["id"]] == "overwritten"
        finally:
            await engine.dispose()

    asyncio.run(check())


def test_row_level_security_hides_other_tenants_rows_from_raw_sql(stack, tenant, other_tenant):
    if stack.backend != "postgresql":
        pytest.skip("row-level security is a PostgreSQL feature; SQLite relies on the query scoping alone")
    make_course(tenant.admin())
    make_course(other_tenant.admin())

    async def check():
        engine = create_engine(_settings(stack))  # connects as the non-superuser owner role, like production
        try:
            async with engine.begin() as connection:
                assert (await connection.execute(text("SELECT count(*) FROM courses"))).scalar() == 0
            async with engine.begin() as connection:
                await connection.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": tenant.id})
                rows = (await connection.execute(text("SELECT DISTINCT tenant_id FROM courses"))).all()
                assert rows == [(tenant.id,)]
                # Writing a row for another tenant is refused by the policy's WITH CHECK.
                with pytest.raises(Exception, match="row-level security"):
                    await connection.execute(text("UPDATE courses SET tenant_id = :other"),
                                             {"other": other_tenant.id})
        finally:
            await engine.dispose()

    asyncio.run(check())


def test_psycopg_keeps_the_parse_of_our_long_prebuilt_statements():
    """lms.platform.db raises psycopg's limit for caching a statement's parse (a private constant: an upgrade
    that drops it must fail here, not silently cost every long statement a parse per execution)."""
    import psycopg._queries
    import lms.platform.db  # noqa: F401

    assert psycopg._queries.MAX_CACHED_STATEMENT_LENGTH >= 16384
