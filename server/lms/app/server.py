"""The grpc.aio server process: every LMS service plus reflection and the standard health service.

    python -m lms.app.server --port 50051
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal

import grpc
import uvloop
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from lms.app.registry import bindings
from lms.app.runtime import build_runtime, close_runtime
from lms.platform import background, consumers, files, logs, metrics, tracing
from lms.platform.config import Settings, get_settings
from lms.platform.interceptors import CallInterceptor, method_policies

log = logging.getLogger("lms.server")
MAX_MESSAGE_BYTES = 8 * 1024 * 1024  # JSON bodies; uploads stream in ~1 MiB pieces
# Twice the edge's request-header limit (lms.app.edge.MAX_REQUEST_HEADERS_KB): whatever the edge admits
# (long query strings travel in x-envoy-original-path, tokens in authorization) fits here.
MAX_METADATA_BYTES = 64 * 1024
GC_THRESHOLDS = (20_000, 20, 50)  # CPython's defaults are (700, 10, 10)


async def serve(settings: Settings, host: str, port: int, stop: asyncio.Event,
                drain: asyncio.Event | None = None) -> None:
    """Serves until `stop` is set. When `drain` is set too (SIGTERM), the worker first reports NOT_SERVING
    for `LMS_SHUTDOWN_DRAIN_SECONDS` while still answering calls, so the edge's health checks take it
    out of rotation before it stops accepting any; then calls in flight get `LMS_SHUTDOWN_GRACE_SECONDS`."""
    metrics.setup(settings)
    tracing.setup("worker")
    runtime = build_runtime(settings)
    services = bindings()
    interceptor = CallInterceptor(runtime, method_policies([b.descriptor for b in services]))
    server = grpc.aio.server(
        interceptors=[interceptor],
        options=[
            ("grpc.so_reuseport", 1),
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", -1),
            ("grpc.max_metadata_size", MAX_METADATA_BYTES),
            ("grpc.absolute_max_metadata_size", 2 * MAX_METADATA_BYTES),
            ("grpc.keepalive_permit_without_calls", 1),
            ("grpc.http2.min_ping_interval_without_data_ms", 5000),
            # A fixed 1 MiB receive window per stream: with BDP probing the window grew while an upload's
            # sink (S3) was slower than Envoy, and the worker buffered up to ~30 MB of one upload.
            ("grpc.http2.bdp_probe", 0),
            ("grpc.http2.lookahead_bytes", 1024 * 1024),
        ],
    )
    # Generated add-functions also "register" each method with grpc core, giving it a request queue of its
    # own; grpc.aio's server loop then waits on one future per registered method (asyncio.wait over ~80
    # futures) for every incoming call, about a fifth of a small call's CPU. The generic handlers the same
    # functions add find every method by a dict lookup, so registration is skipped.
    server.add_registered_method_handlers = _skip_registration
    for binding in services:
        binding.add_to_server(binding.servicer_class(), server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = [b.descriptor.full_name for b in services]
    reflection.enable_server_reflection([*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    server.add_insecure_port(f"{host}:{port}")
    await server.start()
    for name in ["", *names]:
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    tune_garbage_collector()
    log.info("listening", extra={"fields": {"port": port, "services": len(names)}})
    sweeper = asyncio.create_task(files.sweep_forever(runtime, stop))
    reactions = asyncio.create_task(consumers.run_forever(runtime, stop))
    chores = [asyncio.create_task(task(runtime, stop), name=name) for name, task in background.tasks()]
    metrics_server = metrics.serve(settings, host)
    await stop.wait()
    for name in ["", *names]:
        await health_servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    if drain is not None and drain.is_set() and settings.shutdown_drain_seconds > 0:
        log.info("draining", extra={"fields": {"port": port, "seconds": settings.shutdown_drain_seconds}})
        await asyncio.sleep(settings.shutdown_drain_seconds)
    await sweeper
    await reactions
    await asyncio.gather(*chores)
    # No new calls from here (the edge retries a refused stream elsewhere); those in flight may finish.
    await server.stop(grace=settings.shutdown_grace_seconds)
    if metrics_server is not None:
        metrics_server.shutdown()
    await close_runtime(runtime)
    tracing.shutdown()
    log.info("stopped", extra={"fields": {"port": port}})


def tune_garbage_collector() -> None:
    """Moves everything the process built at start-up (modules, descriptors, metadata: ~100,000 objects)
    out of the cyclic collector's reach and makes collections rarer. With the defaults a full
    collection walks all of it, stalling every call in flight for tens of milliseconds, and the young
    generation is collected every few requests; requests free almost everything they allocate by
    reference counting, so fewer, smaller collections lose nothing."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _skip_registration(service_name, method_handlers) -> None:
    """Stands in for `grpc.aio.Server.add_registered_method_handlers` (see `serve`)."""


def main(argv: list[str] | None = None) -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(description="Run one gRPC server process.")
    parser.add_argument("--host", default=settings.grpc_host)
    parser.add_argument("--port", type=int, default=settings.grpc_port)
    args = parser.parse_args(argv)
    logs.configure(settings.log_level)

    async def run() -> None:
        stop, drain = asyncio.Event(), asyncio.Event()
        loop = asyncio.get_running_loop()

        def graceful() -> None:  # SIGTERM: leave the edge's rotation first (docs/operations.md)
            drain.set()
            stop.set()

        loop.add_signal_handler(signal.SIGTERM, graceful)
        loop.add_signal_handler(signal.SIGINT, stop.set)  # the edge is gone already (`lms serve` stopping)
        await serve(settings, args.host, args.port, stop, drain)

    # uvloop: the course list served 1,650 req/s on it against 1,350 on asyncio's own loop (one worker, 2 cores).
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run())


if __name__ == "__main__":
    main()
