"""The rendered Envoy configuration, without running the service: it is valid for Envoy 1.40 with
every option on, its route table covers every route of the OpenAPI document (both come from the
protos), and its limits follow the configured capacity."""
import json
import subprocess

import yaml

from lms.app import edge
from lms.app.supervisor import envoy_binary
from tools.codegen import OPENAPI, ROOT


def _layout(**kw) -> edge.EdgeLayout:
    return edge.EdgeLayout(listen_address="127.0.0.1", listen_port=19999, admin_port=19998,
                           grpc_upstreams=(("127.0.0.1", 50051), ("127.0.0.1", 50052)),
                           ws_upstreams=(("127.0.0.1", 50081),), descriptor_path=str(edge.DESCRIPTOR_PATH),
                           lua_path=str(edge.LUA_PATH), **kw)


def test_every_option_renders_a_configuration_envoy_accepts(tmp_path):
    layout = _layout(capacity=edge.Capacity(websockets=30000, grpc_requests=5000),
                     cors=edge.Cors(("https://app.example.com",), (r"^https://\w+\.example\.org$",), True))
    path = tmp_path / "envoy.yaml"
    path.write_text(edge.render(layout, edge.api_surface()))
    result = subprocess.run([envoy_binary(), "--mode", "validate", "-c", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    config = yaml.safe_load(path.read_text())
    clusters = {c["name"]: c for c in config["static_resources"]["clusters"]}
    ws = clusters["lms_ws"]["circuit_breakers"]["thresholds"][0]
    grpc = clusters["lms_grpc"]["circuit_breakers"]["thresholds"][0]
    assert ws["max_connections"] == ws["max_requests"] == ws["max_pending_requests"] == 30000
    assert grpc["max_requests"] == grpc["max_retries"] == 5000
    monitor = config["overload_manager"]["resource_monitors"][0]["typed_config"]
    assert monitor["max_active_downstream_connections"] > 30000 + 5000
    manager = config["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]
    assert manager["http_filters"][0]["name"] == "envoy.filters.http.cors"
    policy = manager["route_config"]["virtual_hosts"][0]["typed_per_filter_config"]["envoy.filters.http.cors"]
    assert policy["allow_credentials"] is True
    assert {"exact": "https://app.example.com"} in policy["allow_origin_string_match"]


def test_without_origins_there_is_no_cors_filter():
    config = edge.config(_layout(), edge.api_surface())
    manager = config["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]
    assert "envoy.filters.http.cors" not in [f["name"] for f in manager["http_filters"]]


def test_the_route_table_covers_every_documented_operation():
    surface = edge.api_surface()
    table = {route.template: dict(route.bodies) for route in surface.routes}
    document = json.loads((ROOT / OPENAPI).read_text())
    operations = {(path.rstrip("/"), verb.upper()) for path, item in document["paths"].items() for verb in item}
    covered = set()
    for template, methods in table.items():
        openapi_path = template
        for start in [i for i, c in enumerate(template) if c == "{"][::-1]:
            end = template.index("}", start)
            openapi_path = openapi_path[:start] + "{" + template[start + 1:end].split("=")[0] + "}" + \
                openapi_path[end + 1:]
        covered |= {(openapi_path, method) for method in methods}
    assert operations == covered
    # literal segments first, so `courses/most_popular` is found before `courses/{id}`
    templates = [route.template for route in surface.routes]
    assert templates.index("/api/lms/courses/most_popular") < templates.index("/api/lms/courses/{course_id}")
    # streamed uploads take any body (the service parses it), typed routes JSON
    assert table["/api/lms/courses/{course_id}/resources"]["POST"] == "any"
    assert table["/api/lms/categories"] == {"GET": "none", "POST": "json"}


def test_lua_patterns_match_their_templates():
    import re

    route = edge.HttpRoute("/api/lms/assignment-submissions/{id}/grade", (("PATCH", "json"),))
    assert route.lua_pattern == "^/api/lms/assignment%-submissions/[^/]+/grade/?$"
    assert edge.HttpRoute("/api/lms/files/{key=**}", ()).lua_pattern == "^/api/lms/files/.+/?$"
    # the Lua pattern, read as a regular expression after un-escaping, matches with and without a slash
    as_regex = route.lua_pattern.replace("%-", "-")
    assert re.match(as_regex, "/api/lms/assignment-submissions/12/grade/")
    assert re.match(as_regex, "/api/lms/assignment-submissions/12/grade")
