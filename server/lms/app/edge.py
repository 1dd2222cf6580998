"""Renders the Envoy configuration of the edge.

One template serves every topology: the committed `envoy.yaml` (embedded defaults, run from the
repository root) and `edge/envoy.compose.yaml` (docker-compose, DNS-discovered replicas), both
written by `python -m tools.codegen`, and the configs `lms serve` and the tests write for their
own ports and worker counts.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml
from google.protobuf import descriptor_pb2

from lms.platform.config import REPO_ROOT

DESCRIPTOR_PATH = REPO_ROOT / "edge" / "lms.pb"
LUA_PATH = REPO_ROOT / "edge" / "drf.lua"


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
    access_log: bool = True


def transcoded_services(descriptor_path: Path = DESCRIPTOR_PATH) -> list[str]:
    """Every service of an `lms.*` package in the descriptor set."""
    files = descriptor_pb2.FileDescriptorSet.FromString(descriptor_path.read_bytes()).file
    return sorted(f"{f.package}.{s.name}" for f in files if f.package.startswith("lms.") for s in f.service)


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
        }}),
}]


def config(layout: EdgeLayout, services: list[str]) -> dict:
    """The Envoy bootstrap as plain data (dumped to YAML by `render`)."""
    connection_manager = {
        "stat_prefix": "edge",
        "codec_type": "AUTO",
        "use_remote_address": True,
        "generate_request_id": True,
        "stream_idle_timeout": "300s",
        "upgrade_configs": [{"upgrade_type": "websocket"}],
    }
    if layout.access_log:
        connection_manager["access_log"] = ACCESS_LOG
    connection_manager["route_config"] = {
        "name": "edge",
        "virtual_hosts": [{
            "name": "lms",
            "domains": ["*"],
            "request_headers_to_add": [
                {"header": {"key": "x-forwarded-host", "value": "%REQ(:AUTHORITY)%"},
                 "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"},
                {"header": {"key": "x-lms-downstream-protocol", "value": "%PROTOCOL%"},
                 "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"},
            ],
            "routes": [
                {"match": {"prefix": "/ws/lms"},
                 "route": {"cluster": "lms_ws", "timeout": "0s", "idle_timeout": "3600s"},
                 "typed_per_filter_config": {
                     "envoy.filters.http.grpc_json_transcoder": _disabled(),
                     "envoy.filters.http.lua": _disabled(),
                 }},
                {"match": {"prefix": "/"}, "route": {"cluster": "lms_grpc", "timeout": "300s"}},
            ],
        }],
    }
    connection_manager["http_filters"] = [
        {"name": "envoy.filters.http.lua",
         "typed_config": _typed("envoy.extensions.filters.http.lua.v3.Lua",
                                default_source_code={"filename": layout.lua_path})},
        {"name": "envoy.filters.http.grpc_json_transcoder",
         "typed_config": _typed(
             "envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder",
             proto_descriptor=layout.descriptor_path,
             services=list(services),
             print_options={"preserve_proto_field_names": True, "always_print_primitive_fields": True},
             convert_grpc_status=True,
             ignore_unknown_query_parameters=True,
             query_param_unescape_plus=True,
             request_validation_options={"reject_unknown_method": True})},
        {"name": "envoy.filters.http.router",
         "typed_config": _typed("envoy.extensions.filters.http.router.v3.Router")},
    ]
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
        "health_checks": [{
            "timeout": "2s", "interval": "5s", "unhealthy_threshold": 2, "healthy_threshold": 1,
            "no_traffic_interval": "5s", "grpc_health_check": {},
        }],
        "load_assignment": {"cluster_name": "lms_grpc",
                            "endpoints": [{"lb_endpoints": _endpoints(layout.grpc_upstreams)}]},
    }
    ws_cluster = {
        "name": "lms_ws",
        "type": layout.discovery,
        "lb_policy": "LEAST_REQUEST",
        "connect_timeout": "2s",
        "load_assignment": {"cluster_name": "lms_ws",
                            "endpoints": [{"lb_endpoints": _endpoints(layout.ws_upstreams)}]},
    }
    return {
        "admin": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": layout.admin_port}}},
        "overload_manager": {"resource_monitors": [{
            "name": "envoy.resource_monitors.global_downstream_max_connections",
            "typed_config": _typed(
                "envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig",
                max_active_downstream_connections=50000),
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
            "clusters": [grpc_cluster, ws_cluster],
        },
    }


class _Dumper(yaml.SafeDumper):
    """Block style, keys in insertion order, no aliases for repeated sub-structures."""

    def ignore_aliases(self, data) -> bool:
        return True


def render(layout: EdgeLayout, services: list[str]) -> str:
    header = ("# Envoy edge of the LMS service. Generated by server/lms/app/edge.py: change that, not this file.\n"
              f"# :{layout.listen_port} serves the JSON API (transcoded to gRPC), native gRPC and /ws/lms/ "
              "WebSockets.\n")
    return header + yaml.dump(config(layout, services), Dumper=_Dumper, sort_keys=False,
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
