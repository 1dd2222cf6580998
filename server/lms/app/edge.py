"""Renders the Envoy configuration of the edge.

One builder serves every topology: the committed `envoy.yaml` (embedded defaults, run from the
repository root) and `edge/envoy.compose.yaml` (docker-compose, DNS-discovered replicas), both
written by `python -m tools.codegen`, and the configs `lms serve` and the tests write for their
own ports and worker counts. The configuration is plain data (`config`) dumped with PyYAML; the
route table the Lua filter uses for 405/OPTIONS/HEAD/415 comes from the protos' `google.api.http`
annotations in the descriptor set, so a new domain is covered without touching this file.
docs/edge.md explains every limit chosen here.
"""
from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from google.protobuf import descriptor_pb2

from lms.platform.config import REPO_ROOT

DESCRIPTOR_PATH = REPO_ROOT / "edge" / "lms.pb"
LUA_PATH = REPO_ROOT / "edge" / "drf.lua"

# Request line plus headers (URL with its query string, the bearer token, everything): above it 431.
# The gRPC workers accept twice as much metadata (lms.app.server), so no request the edge admits fails
# there as "throttled".
MAX_REQUEST_HEADERS_KB = 32
# A JSON request body the transcoder buffers (uploads stream and are not bound by it); the workers
# take messages up to 8 MiB (lms.app.server.MAX_MESSAGE_BYTES).
MAX_REQUEST_BODY_BYTES = 8 * 1024 * 1024
# A JSON response the transcoder (and the Lua filter, for bare arrays) buffers. Sized for the largest
# legal page: 100 items whose text fields are all at their maximum length, every character escaped.
MAX_RESPONSE_BODY_BYTES = 64 * 1024 * 1024
# Endpoints that fail to connect are taken out of the balancer for this long (doubling on repeats).
EJECTION_SECONDS = 2
VERBS = ("get", "post", "put", "patch", "delete")


@dataclasses.dataclass(frozen=True)
class Cors:
    """django-cors-headers' CORS_ALLOWED_ORIGINS, CORS_ALLOWED_ORIGIN_REGEXES, CORS_ALLOW_CREDENTIALS."""
    origins: tuple[str, ...] = ()
    origin_regexes: tuple[str, ...] = ()
    allow_credentials: bool = False

    @property
    def enabled(self) -> bool:
        return bool(self.origins or self.origin_regexes)


# django-cors-headers' defaults (CORS_ALLOW_METHODS, CORS_ALLOW_HEADERS, CORS_PREFLIGHT_MAX_AGE), plus
# the headers this API reads (X-Tenant-ID, Range) and the response headers clients need to see.
CORS_ALLOW_METHODS = "DELETE, GET, OPTIONS, PATCH, POST, PUT"
CORS_ALLOW_HEADERS = ("accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with, "
                      "x-tenant-id, range, if-none-match, idempotency-key")
CORS_EXPOSE_HEADERS = "location, retry-after, content-disposition, content-range, x-request-id"
CORS_MAX_AGE = "86400"


@dataclasses.dataclass(frozen=True)
class Capacity:
    """What the edge is sized to carry (LMS_EDGE_MAX_CONNECTIONS, LMS_EDGE_MAX_REQUESTS)."""
    websockets: int = 20000  # concurrent WebSocket connections (upstream connections of lms_ws)
    grpc_requests: int = 10000  # concurrent requests and streams to the gRPC workers

    @property
    def downstream_connections(self) -> int:
        """The overload manager's limit: above every cluster's, so a circuit breaker trips first."""
        return self.websockets + self.grpc_requests + 1024


@dataclasses.dataclass(frozen=True)
class Tracing:
    """OpenTelemetry tracing by the edge (docs/observability.md): Envoy starts each request's trace, exports
    its span with OTLP over HTTP to `traces_url` and forwards `traceparent` to the worker, whose spans join the
    trace. Off (no tracer in the config) when `traces_url` is empty."""
    traces_url: str = ""  # e.g. http://collector:4318/v1/traces
    service_name: str = "lms-edge"
    sampling_percent: float = 100.0

    @property
    def enabled(self) -> bool:
        return bool(self.traces_url)

    @classmethod
    def from_env(cls, environ=None) -> "Tracing":
        """The standard OpenTelemetry variables: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is) or
        OTEL_EXPORTER_OTLP_ENDPOINT (plus /v1/traces), OTEL_SERVICE_NAME for the edge's spans (lms-edge)."""
        environ = os.environ if environ is None else environ
        url = environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").strip()
        base = environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip()
        if not url and base:
            url = base.rstrip("/") + "/v1/traces"
        return cls(traces_url=url)


def _tracing(tracing: Tracing) -> dict:
    return {
        "provider": {"name": "envoy.tracers.opentelemetry", "typed_config": _typed(
            "envoy.config.trace.v3.OpenTelemetryConfig",
            http_service={"http_uri": {"uri": tracing.traces_url, "cluster": "otel_collector", "timeout": "2s"}},
            service_name=tracing.service_name)},
        "random_sampling": {"value": tracing.sampling_percent},
    }


def _collector_cluster(tracing: Tracing) -> dict:
    url = urlsplit(tracing.traces_url)
    https = url.scheme == "https"
    cluster = {
        "name": "otel_collector",
        "type": "STRICT_DNS",
        "connect_timeout": "2s",
        "load_assignment": {"cluster_name": "otel_collector", "endpoints": [{"lb_endpoints": _endpoints(
            [(url.hostname, url.port or (443 if https else 80))])}]},
    }
    if https:
        cluster["transport_socket"] = {"name": "envoy.transport_sockets.tls", "typed_config": _typed(
            "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext", sni=url.hostname)}
    return cluster


@dataclasses.dataclass(frozen=True)
class EdgeLayout:
    listen_address: str
    listen_port: int
    admin_port: int
    grpc_upstreams: tuple[tuple[str, int], ...]
    ws_upstreams: tuple[tuple[str, int], ...]
    descriptor_path: str
    lua_path: str
    discovery: str = "STATIC"  # STRICT_DNS behind docker-compose, where a name resolves to every replica
    # The WebSocket servers' Unix sockets (`@name`: abstract namespace), when they share the edge's host (lms
    # serve): lms_ws connects there instead of to ws_upstreams (docs/live-updates.md, "At scale").
    ws_sockets: tuple[str, ...] = ()
    access_log: bool = True
    capacity: Capacity = Capacity()
    cors: Cors = Cors()
    tracing: Tracing = Tracing()


@dataclasses.dataclass(frozen=True)
class HttpRoute:
    """One path template of the JSON API and what each of its methods takes as a body."""
    template: str  # as annotated, e.g. /api/lms/courses/{course_id}
    bodies: tuple[tuple[str, str], ...]  # (METHOD, "none" | "json" | "any"), "any": streamed uploads
    # (METHOD, names): typed top-level fields of a JSON body, which the transcoder would skip when null
    not_null: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def lua_pattern(self) -> str:
        """A Lua pattern matching the template's paths, with or without a trailing slash."""
        out = []
        for part in re.split(r"({[^}]*})", self.template.rstrip("/")):
            if part.startswith("{"):
                out.append(".+" if "**" in part else "[^/]+")
            else:
                out.append(re.sub(r"([%^$().\[\]*+\-?])", r"%\1", part))
        return "^" + "".join(out) + "/?$"


@dataclasses.dataclass(frozen=True)
class ApiSurface:
    """What the edge needs from the descriptor set: the services it transcodes and their routes."""
    services: tuple[str, ...]
    routes: tuple[HttpRoute, ...]


def transcoded_services(descriptor_path: Path = DESCRIPTOR_PATH) -> list[str]:
    """Every service of an `lms.*` package in the descriptor set."""
    return list(api_surface(descriptor_path).services)


def api_surface(descriptor_path: Path = DESCRIPTOR_PATH) -> ApiSurface:
    """Services and HTTP routes of every `lms.*` package, from the `google.api.http` annotations."""
    from google.api import annotations_pb2, http_pb2  # noqa: F401 - registers the extension

    files = descriptor_pb2.FileDescriptorSet.FromString(descriptor_path.read_bytes()).file
    messages = {}
    for f in files:
        _index(messages, f.package, f.message_type)
    services, by_template, typed = [], {}, {}
    for f in files:
        if not f.package.startswith("lms."):
            continue
        for service in f.service:
            services.append(f"{f.package}.{service.name}")
            for method in service.method:
                rule = method.options.Extensions[annotations_pb2.http]
                request = messages.get(method.input_type.lstrip("."))
                for binding in [rule, *rule.additional_bindings]:
                    verb = binding.WhichOneof("pattern")
                    if verb not in VERBS:
                        continue
                    template = getattr(binding, verb).rstrip("/")
                    kind = _body_kind(binding.body, method, request)
                    by_template.setdefault(template, {})[verb.upper()] = kind
                    if kind == "json":
                        names = _typed_body_fields(binding.body, template, request, messages)
                        if names:
                            typed.setdefault(template, {})[verb.upper()] = names
    # Literal segments before placeholders, as Django's URL patterns list a router's extra actions
    # (`courses/most_popular`) before the detail route (`courses/{id}`): the first match decides.
    ordered = sorted(by_template.items(), key=lambda item: (
        [1 if segment.startswith("{") else 0 for segment in item[0].split("/")], item[0]))
    routes = tuple(HttpRoute(t, tuple(sorted(m.items())), tuple(sorted(typed.get(t, {}).items())))
                   for t, m in ordered)
    return ApiSurface(tuple(sorted(services)), routes)


def _index(messages: dict, prefix: str, types) -> None:
    for message in types:
        full = f"{prefix}.{message.name}"
        messages[full] = message
        _index(messages, full, message.nested_type)


def _body_kind(body: str, method, request) -> str:
    """The body a binding takes: `none`, `any` (a streamed google.api.HttpBody: the service parses it
    by its content type, as DRF's parsers do) or `json` (a typed message the transcoder parses)."""
    if not body:
        return "none"
    if method.input_type == ".google.api.HttpBody":
        return "any"
    if body != "*" and request is not None:
        for field in request.field:
            if field.name == body and field.type_name == ".google.api.HttpBody":
                return "any"
    return "json"


_JSON_VALUES = {".google.protobuf.Value"}  # null is a value of its own: the domain's Fields decide


def _typed_body_fields(body: str, template: str, request, messages: dict) -> tuple[str, ...]:
    """The JSON names (proto and lowerCamel) of a JSON body's typed top-level fields. The transcoder skips
    `null` for them as if the field were absent, where DRF answers `This field may not be null.`; the Lua
    filter refuses it instead. `google.protobuf.Value` fields take null and leave it to the domain."""
    if request is None:
        return ()
    if body == "*":
        in_path = set(re.findall(r"{([^}=]+)", template))
        fields = [f for f in request.field if f.name not in in_path]
    else:
        wrapper = next((f for f in request.field if f.name == body), None)
        if wrapper is None or wrapper.type_name in _JSON_VALUES or wrapper.type_name not in (
                "." + name for name in messages):
            return ()
        fields = list(messages[wrapper.type_name.lstrip(".")].field)
    names = set()
    for field in fields:
        if field.type_name in _JSON_VALUES:
            continue
        names.update({field.name, field.json_name or field.name})
    return tuple(sorted(names))


def lua_route_table(routes) -> str:
    """The route table the Lua filter reads from the route's metadata: one line per template,
    `<lua pattern> <METHOD>=<body kind>[:<field>|<field>...],...` (the fields that may not be null)."""
    lines = []
    for r in routes:
        not_null = dict(r.not_null)
        lines.append(f"{r.lua_pattern} " + ",".join(
            f"{m}={k}" + (":" + "|".join(not_null[m]) if not_null.get(m) else "") for m, k in r.bodies))
    return "\n".join(lines)


def _endpoints(upstreams) -> list[dict]:
    return [{"endpoint": {"address": {"socket_address": {"address": host, "port_value": port}}}}
            for host, port in upstreams]


def _typed(type_name: str, **fields) -> dict:
    return {"@type": f"type.googleapis.com/{type_name}", **fields}


def _disabled() -> dict:
    return _typed("envoy.config.route.v3.FilterConfig", disabled=True)


ACCESS_LOG = [{
    "name": "envoy.access_loggers.stdout",
    "typed_config": _typed("envoy.extensions.access_loggers.stream.v3.StdoutAccessLog", log_format={
        "json_format": {
            "ts": "%START_TIME%",
            "component": "edge",
            "request_id": "%REQ(X-REQUEST-ID)%",
            "method": "%REQ(X-ENVOY-ORIGINAL-METHOD?:METHOD)%",
            "path": "%PATH(WQ:ORIG)%",  # no query string: WebSocket URLs carry ?token=
            "status": "%RESPONSE_CODE%",
            "bytes_in": "%BYTES_RECEIVED%",
            "bytes_out": "%BYTES_SENT%",
            "ms": "%DURATION%",
            "upstream": "%UPSTREAM_HOST%",
            # Why a request failed at the edge: Envoy's response flags (UF, UC, URX...), how many
            # upstream attempts it took (retries), and the transport's own reason.
            "flags": "%RESPONSE_FLAGS%",
            "attempts": "%UPSTREAM_REQUEST_ATTEMPT_COUNT%",
            "upstream_failure": "%UPSTREAM_TRANSPORT_FAILURE_REASON%",
        }}),
}]


def _circuit_breakers(limit: int, retries: int | None = None) -> dict:
    return {"thresholds": [{
        "priority": "DEFAULT",
        "max_connections": limit,
        "max_pending_requests": limit,
        "max_requests": limit,
        "max_retries": limit if retries is None else retries,
        "track_remaining": True,
    }]}


def _retry_policy(retry_on: str) -> dict:
    """Retries go to another endpoint (previous_hosts) after a short back-off."""
    return {
        "retry_on": retry_on,
        "num_retries": 3,
        "retry_host_predicate": [{
            "name": "envoy.retry_host_predicates.previous_hosts",
            "typed_config": _typed("envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate"),
        }],
        "host_selection_retry_max_attempts": 5,
        "retry_back_off": {"base_interval": "0.02s", "max_interval": "0.2s"},
    }


# What was never sent can be retried for every method: the connection failed, the worker refused the
# stream (HTTP/2 REFUSED_STREAM) or reset it before the request was complete. A reset after that is
# retried only for idempotent methods (x-envoy-original-method is the JSON client's verb, set by the
# transcoder); a POST may have been processed, so its client gets the 503, unless it carries an
# Idempotency-Key: the worker that gets the repeat answers it from the stored answer if the first one
# committed (lms.platform.idempotency), so a keyed write is retried like a PUT.
RETRY_UNSENT = "connect-failure,refused-stream,reset-before-request"
RETRY_IDEMPOTENT = RETRY_UNSENT + ",reset"
IDEMPOTENT_METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "DELETE")


def _cors_policy(cors: Cors) -> dict:
    matchers = [{"exact": origin} for origin in cors.origins]
    # django-cors-headers applies re.match (anchored at the start only); RE2 matches the whole origin.
    matchers += [{"safe_regex": {"regex": f"(?:{regex}).*"}} for regex in cors.origin_regexes]
    return _typed("envoy.extensions.filters.http.cors.v3.CorsPolicy",
                  allow_origin_string_match=matchers,
                  allow_methods=CORS_ALLOW_METHODS,
                  allow_headers=CORS_ALLOW_HEADERS,
                  expose_headers=CORS_EXPOSE_HEADERS,
                  max_age=CORS_MAX_AGE,
                  allow_credentials=cors.allow_credentials)


def config(layout: EdgeLayout, surface: ApiSurface) -> dict:
    """The Envoy bootstrap as plain data (dumped to YAML by `render`)."""
    capacity = layout.capacity
    connection_manager = {
        "stat_prefix": "edge",
        "codec_type": "AUTO",
        "use_remote_address": True,
        "generate_request_id": True,
        "stream_idle_timeout": "300s",
        "max_request_headers_kb": MAX_REQUEST_HEADERS_KB,
        "upgrade_configs": [{"upgrade_type": "websocket"}],
    }
    if layout.access_log:
        connection_manager["access_log"] = ACCESS_LOG
    if layout.tracing.enabled:
        connection_manager["tracing"] = _tracing(layout.tracing)
    # The Lua filter reads the route table from the metadata of the route it runs on (both API routes).
    route_table = {"filter_metadata": {"envoy.filters.http.lua": {"routes": lua_route_table(surface.routes)}}}
    virtual_host = {
        "name": "lms",
        "domains": ["*"],
        "request_headers_to_add": [
            {"header": {"key": "x-forwarded-host", "value": "%REQ(:AUTHORITY)%"},
             "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"},
            {"header": {"key": "x-lms-downstream-protocol", "value": "%PROTOCOL%"},
             "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"},
            # The Lua filter drops every client-sent x-envoy-* header; this one is Envoy's own: the peer.
            {"header": {"key": "x-envoy-external-address", "value": "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%"},
             "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"},
        ],
        "routes": [
            {"match": {"prefix": "/ws/lms"},
             "route": {"cluster": "lms_ws", "timeout": "0s", "idle_timeout": "3600s"},
             "typed_per_filter_config": {
                 "envoy.filters.http.grpc_json_transcoder": _disabled(),
                 "envoy.filters.http.lua": _disabled(),
             }},
            {"match": {"prefix": "/", "headers": [{
                "name": "x-envoy-original-method",
                "string_match": {"safe_regex": {"regex": "|".join(IDEMPOTENT_METHODS)}}}]},
             "route": {"cluster": "lms_grpc", "timeout": "300s", "retry_policy": _retry_policy(RETRY_IDEMPOTENT)},
             "metadata": route_table},
            {"match": {"prefix": "/", "headers": [{"name": "idempotency-key", "present_match": True}]},
             "route": {"cluster": "lms_grpc", "timeout": "300s", "retry_policy": _retry_policy(RETRY_IDEMPOTENT)},
             "metadata": route_table},
            {"match": {"prefix": "/"},
             "route": {"cluster": "lms_grpc", "timeout": "300s", "retry_policy": _retry_policy(RETRY_UNSENT)},
             "metadata": route_table},
        ],
    }
    http_filters = []
    if layout.cors.enabled:
        # First, so its headers reach every response: errors, 429s and the edge's own replies included.
        virtual_host["typed_per_filter_config"] = {"envoy.filters.http.cors": _cors_policy(layout.cors)}
        http_filters.append({"name": "envoy.filters.http.cors",
                             "typed_config": _typed("envoy.extensions.filters.http.cors.v3.Cors")})
    http_filters += [
        {"name": "envoy.filters.http.lua",
         "typed_config": _typed("envoy.extensions.filters.http.lua.v3.Lua",
                                default_source_code={"filename": layout.lua_path})},
        {"name": "envoy.filters.http.grpc_json_transcoder",
         "typed_config": _typed(
             "envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder",
             proto_descriptor=layout.descriptor_path,
             services=list(surface.services),
             print_options={"preserve_proto_field_names": True, "always_print_primitive_fields": True},
             convert_grpc_status=True,
             ignore_unknown_query_parameters=True,
             query_param_unescape_plus=True,
             request_validation_options={"reject_unknown_method": True},
             max_request_body_size=MAX_REQUEST_BODY_BYTES,
             max_response_body_size=MAX_RESPONSE_BODY_BYTES)},
        {"name": "envoy.filters.http.router",
         "typed_config": _typed("envoy.extensions.filters.http.router.v3.Router")},
    ]
    connection_manager["route_config"] = {"name": "edge", "virtual_hosts": [virtual_host]}
    connection_manager["http_filters"] = http_filters
    grpc_cluster = {
        "name": "lms_grpc",
        "type": layout.discovery,
        "lb_policy": "LEAST_REQUEST",
        "connect_timeout": "2s",
        "typed_extension_protocol_options": {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": _typed(
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                explicit_http_config={"http2_protocol_options": {}}),
        },
        "circuit_breakers": _circuit_breakers(capacity.grpc_requests),
        # A worker that refuses connections is ejected at the first failure (it restarts in about a
        # second); health checks every second bring a recovered one back.
        "outlier_detection": {
            "split_external_local_origin_errors": True,
            "consecutive_local_origin_failure": 1,
            "enforcing_consecutive_local_origin_failure": 100,
            "consecutive_gateway_failure": 3,
            "enforcing_consecutive_gateway_failure": 100,
            "consecutive_5xx": 1000000,
            "interval": "1s",
            "base_ejection_time": f"{EJECTION_SECONDS}s",
            "max_ejection_time": "30s",
            "max_ejection_percent": 50,
        },
        "health_checks": [{
            "timeout": "1s", "interval": "1s", "unhealthy_threshold": 2, "healthy_threshold": 1,
            "no_traffic_interval": "2s", "grpc_health_check": {},
        }],
        "load_assignment": {"cluster_name": "lms_grpc",
                            "endpoints": [{"lb_endpoints": _endpoints(layout.grpc_upstreams)}]},
    }
    ws_cluster = {
        "name": "lms_ws",
        "type": layout.discovery,
        "lb_policy": "LEAST_REQUEST",
        "connect_timeout": "2s",
        "circuit_breakers": _circuit_breakers(capacity.websockets),
        "load_assignment": {"cluster_name": "lms_ws", "endpoints": [{"lb_endpoints": [
            {"endpoint": {"address": {"pipe": {"path": path}}}} for path in layout.ws_sockets]
            if layout.ws_sockets else _endpoints(layout.ws_upstreams)}]},
    }
    return {
        "admin": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": layout.admin_port}}},
        "overload_manager": {"resource_monitors": [{
            "name": "envoy.resource_monitors.global_downstream_max_connections",
            "typed_config": _typed(
                "envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig",
                max_active_downstream_connections=capacity.downstream_connections),
        }]},
        "static_resources": {
            "listeners": [{
                "name": "edge",
                "address": {"socket_address": {"address": layout.listen_address,
                                               "port_value": layout.listen_port}},
                "per_connection_buffer_limit_bytes": 1048576,
                "filter_chains": [{"filters": [{
                    "name": "envoy.filters.network.http_connection_manager",
                    "typed_config": _typed(
                        "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                        **connection_manager),
                }]}],
            }],
            "clusters": [grpc_cluster, ws_cluster] + (
                [_collector_cluster(layout.tracing)] if layout.tracing.enabled else []),
        },
    }


class _Dumper(yaml.SafeDumper):
    """Block style, keys in insertion order, no aliases for repeated sub-structures."""

    def ignore_aliases(self, data) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)


def render(layout: EdgeLayout, surface: ApiSurface) -> str:
    header = ("# Envoy edge of the LMS service. Generated by server/lms/app/edge.py: change that, not this file.\n"
              f"# :{layout.listen_port} serves the JSON API (transcoded to gRPC), native gRPC and /ws/lms/ "
              "WebSockets.\n")
    return header + yaml.dump(config(layout, surface), Dumper=_Dumper, sort_keys=False,
                              default_flow_style=False, width=120)


def default_layout() -> EdgeLayout:
    """The embedded defaults, run from the repository root (the committed envoy.yaml)."""
    return EdgeLayout(listen_address="0.0.0.0", listen_port=9090, admin_port=9901,
                      grpc_upstreams=(("127.0.0.1", 50051),), ws_upstreams=(("127.0.0.1", 50081),),
                      descriptor_path="edge/lms.pb", lua_path="edge/drf.lua")


def compose_layout() -> EdgeLayout:
    """docker-compose: `server` and `ws` resolve to every replica of those services."""
    return EdgeLayout(listen_address="0.0.0.0", listen_port=9090, admin_port=9901,
                      grpc_upstreams=(("server", 50051),), ws_upstreams=(("ws", 50081),),
                      descriptor_path="/app/edge/lms.pb", lua_path="/app/edge/drf.lua", discovery="STRICT_DNS")
