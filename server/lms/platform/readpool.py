"""The read path's connection pool (PostgreSQL, autocommit): what `lms.platform.db.execute_alone` runs on.

A list of idle connections and a queue of waiting callers, not a SQLAlchemy or psycopg_pool pool: checking a
connection out of SQLAlchemy's asyncio pool and back cost 24 µs (two greenlet switches and its event
dispatch), psycopg_pool's 20-25 µs, against about 110 µs for the statement itself (`bench/RESULTS.md`, issue
12); this one costs 1.6 µs. The rules are those of the pool it replaced:

- at most `size` connections, opened on demand and kept: each carries its tenant setting (`tenant`), and
  opening one costs the database a process;
- a connection the server has closed is never handed out (`_server_closed`: a `poll()` of its socket, no round
  trip), nor one older than `recycle` seconds;
- a connection whose statement failed or was interrupted is closed, never reused (it may still be busy);
- when all are busy a caller waits, first come first served, at most `timeout` seconds, then gets
  `sqlalchemy.exc.TimeoutError` (the interceptor's 503, as for the transactions' pool).
"""
from __future__ import annotations

import asyncio
import collections
import select
import time
from typing import Awaitable, Callable, Protocol

import psycopg
from sqlalchemy.exc import TimeoutError as PoolTimeout


class PoolObserver(Protocol):
    """What `lms.platform.metrics` counts: connections in use and the waits for one."""

    def checked_out(self) -> None: ...

    def checked_in(self) -> None: ...

    def waited(self, seconds: float) -> None: ...


class ReadConnection:
    __slots__ = ("connection", "tenant", "opened")

    def __init__(self, connection: psycopg.AsyncConnection):
        self.connection = connection
        self.tenant: str | None = None  # the tenant its session setting holds (None: unknown, set it again)
        self.opened = time.monotonic()


def idle_socket_readable(fd: int) -> bool:
    """Whether an idle database connection's socket has something to read, or failed. The server sends nothing
    unasked to a connection that does not LISTEN, so this means it closed the connection (`pg_terminate_backend`,
    a restart, an idle timeout: a FATAL message then end of file). A `poll()`, no round trip."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _server_closed(connection: psycopg.AsyncConnection) -> bool:
    if connection.closed:
        return True
    try:
        return idle_socket_readable(connection.pgconn.socket)
    except psycopg.OperationalError:  # (no socket: closed)
        return True


class ReadPool:
    def __init__(self, conninfo: str, size: int, *, dialect, connect_options: dict | None = None,
                 timeout: float = 30.0, recycle: float = 1800.0,
                 initialize_dialect: Callable[[], Awaitable[None]] | None = None):
        # SQLAlchemy's, to compile the statements sent here. It renders some SQL by what the server says of
        # itself (standard_conforming_strings: a LIKE's ESCAPE), so it is initialized before the first use.
        self.dialect = dialect
        self._initialize_dialect = initialize_dialect
        self._dialect_ready: asyncio.Future | None = None
        self.size = size
        self.timeout = timeout
        self.recycle = recycle
        self.observer: PoolObserver | None = None
        self._conninfo = conninfo
        self._connect_options = connect_options or {}
        self._idle: list[ReadConnection] = []
        self._waiters: collections.deque[asyncio.Future] = collections.deque()
        self._counted = 0  # connections open or being opened
        self._disposed = False

    @property
    def checked_out(self) -> int:
        return self._counted - len(self._idle)

    async def acquire(self) -> ReadConnection:
        """A connection for one statement; give it back with `release`."""
        if self._disposed:
            raise PoolTimeout("the read pool is closed")
        while True:
            if self._idle:
                held = self._idle.pop()  # (the most recently used: its backend is the warmest)
            elif self._counted < self.size:
                self._counted += 1
                held = await self._open()
                break
            else:
                held = await self._wait()
                if held is None:  # a connection was closed: its place is this caller's
                    held = await self._open()
                    break
            if self._usable(held):
                break
            await self._close(held)  # (its place is taken again by the next turn of the loop)
        if self.observer is not None:
            self.observer.checked_out()
        return held

    async def release(self, held: ReadConnection, healthy: bool) -> None:
        """Back to the pool (or to the first caller waiting), or closed if its statement did not complete."""
        if self.observer is not None:
            self.observer.checked_in()
        await self._give_back(held, healthy)

    async def _give_back(self, held: ReadConnection, healthy: bool) -> None:
        if healthy and not self._disposed:
            while self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.done():
                    waiter.set_result(held)
                    return
            self._idle.append(held)
            return
        await self._close(held)
        self._hand_on_place()

    async def dispose(self) -> None:
        """Closes the idle connections; those in use are closed when released."""
        self._disposed = True
        idle, self._idle = self._idle, []
        for held in idle:
            await self._close(held)
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(PoolTimeout("the read pool is closed"))

    def _usable(self, held: ReadConnection) -> bool:
        return time.monotonic() - held.opened < self.recycle and not _server_closed(held.connection)

    async def _open(self) -> ReadConnection:
        try:
            await self._dialect_initialized()
            connection = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True,
                                                               **self._connect_options)
        except BaseException:
            self._counted -= 1
            self._hand_on_place()
            raise
        return ReadConnection(connection)

    async def _dialect_initialized(self) -> None:
        if self._initialize_dialect is None:
            return
        if self._dialect_ready is None:
            self._dialect_ready = asyncio.ensure_future(self._initialize_dialect())
        try:
            await asyncio.shield(self._dialect_ready)
        except Exception:
            self._dialect_ready = None  # (the database is down, say: the next connection tries again)
            raise
        self._initialize_dialect = None

    async def _close(self, held: ReadConnection) -> None:
        self._counted -= 1
        try:
            await held.connection.close()
        except Exception:  # noqa: BLE001 - a broken connection is being dropped anyway
            pass

    def _hand_on_place(self) -> None:
        """A connection closed: the first waiting caller may open one in its place."""
        while self._waiters and self._counted < self.size:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self._counted += 1
                waiter.set_result(None)
                return

    async def _wait(self) -> ReadConnection | None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout):
                return await waiter
        except BaseException as error:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                # Handed a connection (or a place) just as the wait ended: pass it on.
                handed = waiter.result()
                if handed is None:
                    self._counted -= 1
                    self._hand_on_place()
                else:
                    await self._give_back(handed, healthy=True)
            else:
                waiter.cancel()
            if isinstance(error, TimeoutError):
                raise PoolTimeout(f"no read connection became free within {self.timeout:g} s") from None
            raise
        finally:
            if self.observer is not None:
                self.observer.waited(time.perf_counter() - started)
