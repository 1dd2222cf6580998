"""Prometheus metrics of every process, in prometheus_client's multiprocess mode.

Off unless `LMS_METRICS_PORT` is set: then each process calls `setup()` at start (before any metric is
touched), which points prometheus_client at `LMS_METRICS_DIR` (one file per process and metric kind), and
every gRPC worker serves `/metrics` on that port (SO_REUSEPORT: whichever worker answers reads every
process's files, so the figures are the sum over the workers and the WebSocket servers of this machine).
`/metrics/envoy` passes Envoy's own `/stats/prometheus` through from its admin port. With metrics off, the
recording functions return at their first line.

What is measured (docs/observability.md lists the names): calls per RPC and status, call latency, database
pool connections in use and waits for one, rate-limit refusals, uploaded bytes, WebSocket connections and
rooms, the outbox lag (age of the oldest event waiting for its id, last numbered id, last delivered id per
WebSocket server).
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
import urllib.request
from pathlib import Path

log = logging.getLogger("lms.metrics")
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SAMPLE_SECONDS = 5.0  # how often a worker samples the outbox lag


class _Metrics:
    def __init__(self):
        from prometheus_client import Counter, Gauge, Histogram

        self.requests = Counter("lms_rpc_requests", "Calls handled, by RPC and gRPC status", ["method", "code"])
        self.latency = Histogram("lms_rpc_duration_seconds", "Call latency in the worker, by RPC", ["method"],
                                 buckets=LATENCY_BUCKETS)
        self.pool_in_use = Gauge("lms_db_pool_connections_in_use", "Database connections checked out, by pool",
                                 ["pool"], multiprocess_mode="livesum")
        self.pool_waits = Counter("lms_db_pool_waits", "Checkouts that found every connection busy, by pool",
                                  ["pool"])
        self.pool_wait_seconds = Histogram("lms_db_pool_wait_seconds", "Time waited for a busy pool, by pool",
                                           ["pool"], buckets=LATENCY_BUCKETS)
        self.refusals = Counter("lms_rate_limit_refusals", "Calls refused with 429, by bucket", ["bucket"])
        self.upload_bytes = Counter("lms_upload_bytes", "Bytes of uploaded files received")
        self.ws_connections = Gauge("lms_ws_connections", "Open WebSocket connections", multiprocess_mode="livesum")
        self.ws_rooms = Gauge("lms_ws_rooms", "Rooms with at least one member, summed over WebSocket servers",
                              multiprocess_mode="livesum")
        self.outbox_pending_age = Gauge("lms_outbox_oldest_pending_seconds",
                                        "Age of the oldest committed event still waiting for its id",
                                        multiprocess_mode="livemax")
        self.outbox_last_id = Gauge("lms_outbox_last_numbered_id", "The last event id handed out",
                                    multiprocess_mode="livemax")
        self.ws_deliveries = Counter("lms_ws_deliveries", "Events written to WebSocket clients (one per client)")
        self.ws_fanout_cpu = Counter("lms_ws_fanout_cpu_seconds", "CPU time WebSocket servers spent writing events "
                                     "to their clients (the fan-out loop, system calls included)")
        self.ws_delivered_id = Gauge("lms_ws_last_delivered_id", "The last event id a WebSocket server delivered",
                                     ["server"], multiprocess_mode="livemax")


M: _Metrics | None = None
_label = ""  # this process, as the per-server metrics name it ("ws:50081")


def enabled() -> bool:
    return M is not None


def setup(settings, label: str = "") -> bool:
    """Turns metrics on for this process when `LMS_METRICS_PORT` is set; call before recording anything."""
    global M, _label
    _label = label
    if settings.metrics_port <= 0 or M is not None:
        return M is not None
    directory = Path(settings.metrics_dir)
    directory.mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    from prometheus_client import values

    values.ValueClass = values.MultiProcessValue()
    _forget_dead_processes(directory)
    M = _Metrics()
    return True


def reset_directory(settings) -> None:
    """Empties the metrics directory (the supervisor, before it starts the processes that fill it)."""
    if settings.metrics_port <= 0:
        return
    directory = Path(settings.metrics_dir)
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*.db"):
        path.unlink(missing_ok=True)


def _forget_dead_processes(directory: Path) -> None:
    """Drops the live gauges of processes that no longer run (a restarted worker's predecessor)."""
    from prometheus_client import multiprocess

    for path in directory.glob("gauge_live*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            multiprocess.mark_process_dead(int(pid), str(directory))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Recording -------------------------------------------------------------------------------------------

def observe_call(method: str, code: str, seconds: float) -> None:
    if M is None:
        return
    M.requests.labels(method, code).inc()
    M.latency.labels(method).observe(seconds)


def rate_limited(bucket: str) -> None:
    if M is not None:
        M.refusals.labels(bucket or "user").inc()


def uploaded(size: int) -> None:
    if M is not None and size > 0:
        M.upload_bytes.inc(size)


def ws_connection(delta: int) -> None:
    if M is not None:
        M.ws_connections.inc(delta)


def ws_rooms(count: int) -> None:
    if M is not None:
        M.ws_rooms.set(count)


def ws_delivered(last_id: int) -> None:
    if M is not None:
        M.ws_delivered_id.labels(_label or str(os.getpid())).set(last_id)


def ws_fanned_out(deliveries: int, cpu_seconds: float) -> None:
    if M is not None:
        M.ws_deliveries.inc(deliveries)
        M.ws_fanout_cpu.inc(cpu_seconds)


def instrument_pool(engine, name: str) -> None:
    """Counts the connections of `engine`'s pool in use, and the checkouts that had to wait for one."""
    if M is None or engine is None:
        return
    from sqlalchemy import event

    pool = engine.sync_engine.pool
    in_use = M.pool_in_use.labels(name)
    waits, wait_seconds = M.pool_waits.labels(name), M.pool_wait_seconds.labels(name)
    event.listen(pool, "checkout", lambda *_: in_use.inc())
    event.listen(pool, "checkin", lambda *_: in_use.dec())
    capacity = getattr(pool, "size", lambda: 0)() + max(getattr(pool, "_max_overflow", 0), 0)
    original = getattr(pool, "_do_get", None)
    if original is None or capacity <= 0:
        return

    def _do_get():  # QueuePool's own method (SQLAlchemy has no event for a wait): timed when the pool is full
        if pool.checkedout() < capacity:
            return original()
        started = time.perf_counter()
        try:
            return original()
        finally:
            waits.inc()
            wait_seconds.observe(time.perf_counter() - started)

    pool._do_get = _do_get


class _ReadPoolObserver:
    """lms.platform.readpool's observer: the same figures as `instrument_pool` gives a SQLAlchemy pool."""

    def __init__(self, name: str):
        self._in_use = M.pool_in_use.labels(name)
        self._waits, self._wait_seconds = M.pool_waits.labels(name), M.pool_wait_seconds.labels(name)

    def checked_out(self) -> None:
        self._in_use.inc()

    def checked_in(self) -> None:
        self._in_use.dec()

    def waited(self, seconds: float) -> None:
        self._waits.inc()
        self._wait_seconds.observe(seconds)


def instrument_read_pool(pool, name: str) -> None:
    """Counts the connections of the read path's pool in use, and the checkouts that had to wait for one."""
    if M is None or pool is None:
        return
    pool.observer = _ReadPoolObserver(name)


async def sample_outbox(runtime, stop: asyncio.Event) -> None:
    """Every SAMPLE_SECONDS: the age of the oldest event waiting for its id, and the last id handed out."""
    if M is None:
        return
    from sqlalchemy import func, select

    from lms.platform import background
    from lms.platform.db import ALL_TENANTS, unit_of_work
    from lms.platform.events import OutboxEvent, OutboxSequence
    from lms.platform.models import as_utc, utcnow

    oldest = select(func.min(OutboxEvent.created_at)).where(OutboxEvent.id.is_(None))
    last = select(OutboxSequence.last_id).where(OutboxSequence.id == 1)

    async def sample() -> None:
        async with unit_of_work(runtime.sessions, ALL_TENANTS) as session:
            created = as_utc(await session.scalar(oldest))
            last_id = int(await session.scalar(last) or 0)
        M.outbox_pending_age.set(0 if created is None else max(0.0, (utcnow() - created).total_seconds()))
        M.outbox_last_id.set(last_id)

    # (a sample missed is no reason to stop sampling)
    await background.every(SAMPLE_SECONDS, stop, sample, "outbox sample failed")


# Serving ---------------------------------------------------------------------------------------------

def _app(settings):
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path in ("/metrics", "/metrics/"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            body = generate_latest(registry)
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
            return [body]
        if path.rstrip("/") == "/metrics/envoy":
            url = f"http://127.0.0.1:{settings.edge_admin_port}/stats/prometheus"
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    body = response.read()
            except OSError as exc:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [f"envoy admin {url}: {exc}\n".encode()]
            start_response("200 OK", [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")])
            return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    return app


def serve(settings, host: str) -> object | None:
    """Serves /metrics on LMS_METRICS_PORT from a thread (shared with the other workers: SO_REUSEPORT)."""
    if M is None:
        return None
    from wsgiref.simple_server import make_server

    from prometheus_client.exposition import ThreadingWSGIServer, _SilentHandler

    class ReusePortServer(ThreadingWSGIServer):
        def server_bind(self):
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            super().server_bind()

    server = make_server(host, settings.metrics_port, _app(settings), ReusePortServer, handler_class=_SilentHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    log.info("metrics", extra={"fields": {"port": settings.metrics_port}})
    return server


def _register() -> None:
    from lms.platform import background

    background.register("metrics.outbox", sample_outbox)


_register()
