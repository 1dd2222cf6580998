"""The read path's pool (lms.platform.readpool) on the real PostgreSQL: bounded, first come first served, a
dead or failed connection never handed out again, a bounded wait, and SQL rendered by an initialized dialect."""
import asyncio
import os

import psycopg
import pytest
from sqlalchemy import bindparam, literal, select
from sqlalchemy.exc import TimeoutError as PoolTimeout

from tests.stack import PG_ADMIN_URL

from lms.platform import db
from lms.platform.config import Settings
from lms.platform.readpool import ReadPool

pytestmark = pytest.mark.skipif("postgresql" not in os.environ.get("LMS_TEST_BACKENDS", "sqlite,postgresql"),
                                reason="the read path exists on PostgreSQL only")


def _pool(size: int = 2, **options) -> ReadPool:
    return ReadPool(PG_ADMIN_URL, size, dialect=None, **options)


async def _backend_pid(pool: ReadPool) -> int:
    held = await pool.acquire()
    try:
        return (await (await held.connection.execute("SELECT pg_backend_pid()")).fetchone())[0]
    finally:
        await pool.release(held, healthy=True)


async def test_connections_are_opened_on_demand_kept_and_bounded():
    pool = _pool(size=2)
    try:
        assert pool.checked_out == 0
        first = await pool.acquire()
        second = await pool.acquire()
        assert pool.checked_out == 2
        third = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.05)
        assert not third.done()  # both connections are busy: it waits
        await pool.release(first, healthy=True)
        assert await third is first  # handed over as it came back
        await pool.release(second, healthy=True)
        await pool.release(first, healthy=True)
        assert await _backend_pid(pool) == await _backend_pid(pool)  # kept, not reopened
    finally:
        await pool.dispose()


async def test_waiters_are_served_in_order_and_a_wait_is_bounded():
    pool = _pool(size=1, timeout=0.2)
    try:
        held = await pool.acquire()
        order = []

        async def take(name):
            got = await pool.acquire()
            order.append(name)
            await pool.release(got, healthy=True)

        waiting = [asyncio.ensure_future(take(n)) for n in ("a", "b", "c")]
        await asyncio.sleep(0.05)
        await pool.release(held, healthy=True)
        await asyncio.gather(*waiting)
        assert order == ["a", "b", "c"]
        held = await pool.acquire()
        with pytest.raises(PoolTimeout):  # the interceptor's 503
            await pool.acquire()
        await pool.release(held, healthy=True)
        again = await pool.acquire()  # the timed-out waiter left nothing behind
        await pool.release(again, healthy=True)
    finally:
        await pool.dispose()


async def test_a_failed_or_cancelled_statement_closes_its_connection():
    pool = _pool(size=1)
    try:
        before = await _backend_pid(pool)
        held = await pool.acquire()
        await pool.release(held, healthy=False)
        assert held.connection.closed
        after_failure = await _backend_pid(pool)
        assert after_failure != before

        async def slow():
            got = await pool.acquire()
            try:
                await got.connection.execute("SELECT pg_sleep(5)")
            finally:
                await pool.release(got, healthy=False)

        task = asyncio.ensure_future(slow())
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await _backend_pid(pool) not in (before, after_failure)
        assert pool.checked_out == 0
    finally:
        await pool.dispose()


async def test_a_connection_the_server_closed_is_replaced_before_use():
    pool = _pool(size=1)
    try:
        victim = await _backend_pid(pool)
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (victim,))
        await asyncio.sleep(0.2)
        replacement = await _backend_pid(pool)  # no error: the dead one was dropped at checkout
        assert replacement != victim
    finally:
        await pool.dispose()


async def test_a_closing_pool_hands_out_nothing_more():
    pool = _pool(size=1)
    held = await pool.acquire()
    waiter = asyncio.ensure_future(pool.acquire())
    await asyncio.sleep(0.05)
    await pool.dispose()
    with pytest.raises(PoolTimeout):
        await waiter
    await pool.release(held, healthy=True)
    assert held.connection.closed
    with pytest.raises(PoolTimeout):
        await pool.acquire()


async def test_statements_are_compiled_by_the_servers_dialect():
    """A LIKE's ESCAPE is rendered by what the server says of standard_conforming_strings: a dialect that had
    not met the server rendered it the other way, and PostgreSQL refused the statement."""
    url = PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    pool = db.create_read_pool(Settings(**{**Settings.from_env().__dict__, "database_url": url, "db_pool_size": 1}))
    try:
        statement = select(literal("50%_off").ilike(bindparam("pattern"), escape="\\").label("found"))
        rows = await db.execute_alone(pool, "t1", statement, {"pattern": "%0\\%\\_%"})
        assert [tuple(row) for row in rows] == [(True,)]
    finally:
        await pool.dispose()
