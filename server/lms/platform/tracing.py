"""OpenTelemetry traces: one trace per request, from the edge through the worker to its SQL statements.

On only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set: `setup()` then
installs a tracer provider exporting with OTLP over HTTP (batched, in the background), and the engines'
statements become spans (opentelemetry-instrumentation-sqlalchemy). The call interceptor opens a server
span per call, child of the `traceparent` the edge forwards (Envoy's own span, lms.app.edge), and makes it
current while the call runs. Off, nothing is imported and the interceptor skips all of it (`ENABLED`).

The request id in the logs is the trace id whenever there is one (`request_id_of`), so a log line leads
to its trace and back.
"""
from __future__ import annotations

import os
import re

ENABLED = False
_provider = None
_tracer = None
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}")
_INVALID_TRACE = "0" * 32
# gRPC codes that are the server's failure (OpenTelemetry's semantic conventions for server spans).
_SERVER_ERRORS = frozenset({"UNKNOWN", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS"})


def endpoint() -> str:
    return (os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
            or "").strip()


def setup(component: str) -> bool:
    """Exports traces with OTLP when an endpoint is configured; returns whether tracing is on."""
    if ENABLED or not endpoint():
        return ENABLED
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = os.environ.get("OTEL_SERVICE_NAME") or f"lms-{component}"
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    install(provider)
    return True


def install(provider) -> None:
    """Makes `provider` this process's tracer provider (tests pass one with an in-memory exporter)."""
    global ENABLED, _provider, _tracer
    from opentelemetry import trace

    _provider, _tracer = provider, provider.get_tracer("lms")
    trace.set_tracer_provider(provider)  # (for libraries; warns, and keeps the first, when called twice)
    ENABLED = True


def shutdown() -> None:
    if _provider is not None:
        _provider.shutdown()


def instrument_engines(*engines) -> None:
    """SQL statements of these engines become spans of the current call's trace."""
    if not ENABLED:
        return
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    instrumentor = SQLAlchemyInstrumentor()
    if instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.uninstrument()
    instrumentor.instrument(engines=[e.sync_engine for e in engines if e is not None], tracer_provider=_provider,
                            enable_commenter=False)


def request_id_of(metadata) -> str:
    """The trace id of the `traceparent` the edge forwarded, else Envoy's `x-request-id`, else ''."""
    parent = metadata.get("traceparent")
    if parent:
        match = _TRACEPARENT.match(parent)
        if match and match.group(1) != _INVALID_TRACE:
            return match.group(1)
    return metadata.get("x-request-id", "")


def start_call(method: str, metadata):
    """Opens the server span of a call, child of the forwarded `traceparent`, and makes it current:
    returns (span, token) for `end_call`, or (None, None) when tracing is off."""
    if not ENABLED:
        return None, None
    from opentelemetry import context, trace
    from opentelemetry.propagate import extract

    parent = extract(metadata)
    service, _, name = method.lstrip("/").partition("/")
    span = _tracer.start_span(method.lstrip("/"), context=parent, kind=trace.SpanKind.SERVER,
                              attributes={"rpc.system": "grpc", "rpc.service": service, "rpc.method": name})
    return span, context.attach(trace.set_span_in_context(span, parent))


def trace_id(span) -> str:
    return format(span.get_span_context().trace_id, "032x")


def end_call(span, token, outcome: str, tenant: str | None, user: str | None) -> None:
    from opentelemetry import context, trace

    span.set_attribute("rpc.grpc.status_code", outcome)
    if tenant:
        span.set_attribute("lms.tenant", tenant)
    if user:
        span.set_attribute("enduser.id", user)
    if outcome in _SERVER_ERRORS:
        span.set_status(trace.Status(trace.StatusCode.ERROR, outcome))
    span.end()
    context.detach(token)
