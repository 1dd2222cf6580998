"""Metrics scraped from the running stack under a short load; one trace from Envoy through the worker to SQL."""
from __future__ import annotations

import asyncio
import dataclasses
import http.server
import os
import re
import subprocess
import sys
import threading
import time

import httpx
import pytest
import websockets.sync.client

from lms.platform.auth import mint_token
from tests.files.helpers import upload_media
from tests.files.samples import pdf
from tests.helpers import make_course
from tests.stack import ROOT, free_port

SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$", re.M)


def scrape(url: str) -> dict[tuple[str, str], float]:
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200, response.text
    return {(m["name"], m["labels"] or ""): float(m["value"]) for m in SAMPLE.finditer(response.text)}


def total(samples: dict, name: str, **labels: str) -> float:
    wanted = [f'{k}="{v}"' for k, v in labels.items()]
    return sum(v for (n, found), v in samples.items() if n == name and all(w in found for w in wanted))


def test_metrics_move_under_load(tenant, stack):
    admin = tenant.admin()
    course = make_course(admin)
    before = scrape(stack.metrics_url)
    for _ in range(20):
        assert admin.get("/api/lms/courses/").status_code == 200
    assert tenant.student().post("/api/lms/courses/", {"title": "x"}).status_code == 403
    assert upload_media(admin, course["id"], pdf(), "notes.pdf", "application/pdf").status_code == 201
    with websockets.sync.client.connect(f"{stack.ws_url}?token={admin.token}", open_timeout=10) as ws:
        ws.recv(timeout=10)  # the welcome
        during = scrape(stack.metrics_url)
    after = scrape(stack.metrics_url)

    list_courses = "/lms.courses.v1.CourseService/ListCourses"
    assert total(after, "lms_rpc_requests_total", method=list_courses, code="OK") >= \
        total(before, "lms_rpc_requests_total", method=list_courses, code="OK") + 20
    assert total(after, "lms_rpc_requests_total", code="PERMISSION_DENIED") > \
        total(before, "lms_rpc_requests_total", code="PERMISSION_DENIED")
    assert total(after, "lms_rpc_duration_seconds_count", method=list_courses) >= \
        total(before, "lms_rpc_duration_seconds_count", method=list_courses) + 20
    assert total(after, "lms_upload_bytes_total") >= total(before, "lms_upload_bytes_total") + len(pdf())
    assert total(during, "lms_ws_connections") >= 1 and total(during, "lms_ws_rooms") >= 1
    assert ("lms_db_pool_connections_in_use", 'pool="transactions"') in after
    assert total(after, "lms_outbox_last_numbered_id") >= 0 and ("lms_outbox_oldest_pending_seconds", "") in after
    assert any(n == "lms_ws_last_delivered_id" for n, _ in after)
    envoy = httpx.get(stack.metrics_url + "/envoy", timeout=10)
    assert envoy.status_code == 200 and "envoy_cluster_upstream_rq_total" in envoy.text


def test_rate_limit_refusals_are_counted(stack):
    """In a worker process: what the interceptor does for a 429 (the shared stack's budgets are too large)."""
    code = """
import asyncio, dataclasses, sys
from lms.platform import metrics
from lms.platform.config import Settings
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
settings = dataclasses.replace(Settings.from_env(), metrics_port=1, metrics_dir=sys.argv[1])
metrics.setup(settings)
metrics.rate_limited("upload"); metrics.rate_limited("upload")
registry = CollectorRegistry(); multiprocess.MultiProcessCollector(registry)
print(generate_latest(registry).decode())
"""
    directory = stack.data_dir / "metrics-unit"
    out = subprocess.run([sys.executable, "-c", code, str(directory)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "server")}).stdout
    assert 'lms_rate_limit_refusals_total{bucket="upload"} 2.0' in out


class _Collector(http.server.BaseHTTPRequestHandler):
    """An OTLP/HTTP endpoint that keeps what it receives."""
    received: list[bytes] = []

    def do_POST(self):
        if "chunked" in self.headers.get("transfer-encoding", ""):
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                body += self.rfile.read(size) if size else b""
                self.rfile.readline()
                if not size:
                    break
        else:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
        _Collector.received.append(body)
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.slow
def test_one_trace_from_envoy_through_the_worker_to_sql(tmp_path):
    """A real Envoy with tracing on in front of an in-process worker (its spans go to an in-memory exporter):
    Envoy's span, the worker's server span and the SQL spans share one trace, linked parent to child, and the
    request id the worker records is the trace id."""
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from lms.app import edge
    from lms.app.server import serve
    from lms.app.supervisor import envoy_binary
    from lms.platform import tracing
    from lms.platform.config import Settings

    secret = "trace-secret-" + "t" * 40
    database = tmp_path / "lms.sqlite3"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("LMS_", "OTEL_"))},
           "LMS_DATA_DIR": str(tmp_path), "LMS_DATABASE_URL": f"sqlite:///{database}",
           "PYTHONPATH": str(ROOT / "server")}
    subprocess.run([sys.executable, "-m", "lms.cli", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)

    collector = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.install(provider)
    grpc_port, edge_port = free_port(), free_port()
    settings = dataclasses.replace(Settings.from_env(), data_dir=tmp_path, database_url=f"sqlite:///{database}",
                                   jwt_secret=secret, grpc_port=grpc_port, consumers_enabled=False,
                                   public_url=f"http://127.0.0.1:{edge_port}", metrics_port=0)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    worker = threading.Thread(target=lambda: loop.run_until_complete(serve(settings, "127.0.0.1", grpc_port, stop)),
                              daemon=True)
    worker.start()

    layout = edge.EdgeLayout(
        listen_address="127.0.0.1", listen_port=edge_port, admin_port=free_port(),
        grpc_upstreams=(("127.0.0.1", grpc_port),), ws_upstreams=(("127.0.0.1", free_port()),),
        descriptor_path=str(edge.DESCRIPTOR_PATH), lua_path=str(edge.LUA_PATH), access_log=False,
        tracing=edge.Tracing(traces_url=f"http://127.0.0.1:{collector.server_address[1]}/v1/traces"))
    config = tmp_path / "envoy.yaml"
    config.write_text(edge.render(layout, edge.api_surface()))
    envoy = subprocess.Popen([envoy_binary(), "-c", str(config), "--concurrency", "1", "--log-level", "warn",
                              "--disable-hot-restart"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
    try:
        token = mint_token(secret, user_id="tracer", tenant_id="trace-tenant", roles=["admin"])
        headers = {"Authorization": f"Bearer {token}"}
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{edge_port}/api/health/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and envoy.poll() is None, "edge did not start"
            time.sleep(0.2)
        exporter.clear()
        response = httpx.post(f"http://127.0.0.1:{edge_port}/api/lms/categories/", json={"name": "Traced"},
                              headers=headers, timeout=10)
        assert response.status_code == 201, response.text
        for _ in range(5):  # Envoy exports after 5 spans (or 5 s)
            httpx.get(f"http://127.0.0.1:{edge_port}/api/lms/categories/", headers=headers, timeout=10)

        spans = exporter.get_finished_spans()
        server_span = next(s for s in spans if s.name == "lms.courses.v1.CategoryService/CreateCategory")
        trace_id = server_span.context.trace_id
        assert server_span.parent is not None and server_span.parent.is_remote  # Envoy's span
        sql = [s for s in spans if s.parent is not None and s.parent.span_id == server_span.context.span_id]
        assert sql and all(s.context.trace_id == trace_id for s in sql)
        assert any("INSERT" in s.attributes.get("db.statement", "") for s in sql), [s.name for s in sql]

        edge_spans = {}
        deadline = time.monotonic() + 15
        while server_span.parent.span_id not in edge_spans and time.monotonic() < deadline:
            for body in list(_Collector.received):
                export = trace_service_pb2.ExportTraceServiceRequest.FromString(body)
                for resource in export.resource_spans:
                    for scope in resource.scope_spans:
                        for span in scope.spans:
                            edge_spans[int.from_bytes(span.span_id, "big")] = span
            time.sleep(0.2)
        envoy_span = edge_spans.get(server_span.parent.span_id)
        assert envoy_span is not None, ("Envoy did not export the span the worker's span is a child of",
                                        len(_Collector.received), list(edge_spans)[:5], server_span.parent)
        assert int.from_bytes(envoy_span.trace_id, "big") == trace_id

        # The request id the worker logs and records is the trace id.
        import sqlite3

        with sqlite3.connect(database) as db:
            recorded = {row[0] for row in db.execute("SELECT request_id FROM activity_logs")}
        assert format(trace_id, "032x") in recorded
    finally:
        os.killpg(envoy.pid, 15)
        envoy.wait(timeout=10)
        loop.call_soon_threadsafe(stop.set)
        worker.join(timeout=15)
        collector.shutdown()
        tracing.ENABLED = False


def test_edge_traces_only_when_an_otlp_endpoint_is_set():
    from lms.app import edge

    assert edge.Tracing.from_env({}).enabled is False
    tracing = edge.Tracing.from_env({"OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector.example:4318/"})
    assert tracing.traces_url == "https://collector.example:4318/v1/traces"
    assert edge.Tracing.from_env({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:1/t"}).traces_url == "http://c:1/t"
    surface = edge.ApiSurface(services=("lms.system.v1.SystemService",), routes=())
    plain = edge.config(edge.default_layout(), surface)
    manager = plain["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]
    assert "tracing" not in manager and len(plain["static_resources"]["clusters"]) == 2
    traced = edge.config(dataclasses.replace(edge.default_layout(), tracing=tracing), surface)
    manager = traced["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]
    assert manager["tracing"]["provider"]["name"] == "envoy.tracers.opentelemetry"
    collector = traced["static_resources"]["clusters"][-1]
    assert collector["name"] == "otel_collector" and "transport_socket" in collector  # https: TLS


def test_request_id_is_the_forwarded_trace_id():
    from lms.platform import tracing

    parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    assert tracing.request_id_of({"traceparent": parent, "x-request-id": "r"}) == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert tracing.request_id_of({"traceparent": "garbage", "x-request-id": "r"}) == "r"
    assert tracing.request_id_of({}) == ""
