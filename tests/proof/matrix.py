"""Runs generated attack calls against a running stack over JSON (through Envoy) and gRPC, concurrently.

A call names an RPC, a caller and values for the route's placeholders and reference fields. The same call
is made twice: with the victim's real objects and with values that name nothing anywhere (the probe). An
answer that differs between the two tells the caller that the victim's object exists: that is a leak,
whatever the status. Every answer must also be below 500 and free of the victim's marker text.
"""
from __future__ import annotations

import base64
import concurrent.futures
import dataclasses
import functools
import json
import re

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

from tests.proof import surface
from tests.proof.world import LIST_REFERENCES, MARK, PRIVATE_MARK, REFERENCES, missing_value

PNG_1PX = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
                            "AAAABJRU5ErkJggg==")
GRPC_HTTP = {
    grpc.StatusCode.OK: 200, grpc.StatusCode.INVALID_ARGUMENT: 400, grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403, grpc.StatusCode.NOT_FOUND: 404, grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 400, grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNAVAILABLE: 503, grpc.StatusCode.INTERNAL: 500, grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.UNIMPLEMENTED: 501, grpc.StatusCode.DEADLINE_EXCEEDED: 504,
}
CONCURRENCY = 12


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    text: str


@dataclasses.dataclass
class Call:
    rpc: surface.Rpc
    caller: str  # a name in the attacker table
    values: dict  # placeholder or reference name -> value
    real: Answer | None = None
    probe: Answer | None = None
    values_real: dict = dataclasses.field(default_factory=dict)
    values_probe: dict = dataclasses.field(default_factory=dict)


@functools.cache
def _pool() -> descriptor_pool.DescriptorPool:
    pool = descriptor_pool.DescriptorPool()
    files = {f.name: f for f in surface.descriptor_files()}
    added = set()

    def add(name):
        if name in added:
            return
        for dependency in files[name].dependency:
            add(dependency)
        pool.Add(files[name])
        added.add(name)
    for name in files:
        add(name)
    return pool


def message_class(full_name: str):
    return message_factory.GetMessageClass(_pool().FindMessageTypeByName(full_name))


def request_fields(rpc: surface.Rpc) -> dict[str, descriptor_pb2.FieldDescriptorProto]:
    message = surface.message_types().get(rpc.input_type)
    return {f.name: f for f in message.field} if message else {}


def _rule_value(rules):
    if rules.choices:
        return rules.choices[0]
    kind = rules.type
    if kind == "string":
        return {"date-time": "2030-01-01T10:00:00Z", "uri": "https://example.com/x", "email": "p@example.com",
                "decimal": "10.00"}.get(rules.format, "proof")
    if kind in ("integer", "number"):
        low = rules.minimum if rules.HasField("minimum") else 1
        return max(low, 1) if not rules.HasField("maximum") else min(max(low, 1), rules.maximum)
    if kind == "boolean":
        return True
    if kind == "array":
        return [1] if rules.items == "integer" else ["proof"] if rules.items == "string" else []
    if kind == "object":
        return {}
    return "proof"


def references(rpc: surface.Rpc) -> list[str]:
    """Request fields naming other objects: of the JSON body's message, or query fields of a GET."""
    names = []
    body = surface.body_message(rpc)
    if body and body != "google.api.HttpBody":
        names += [f.name for f in surface.message_types()[body].field if f.name in REFERENCES]
    elif rpc.upload or body == "google.api.HttpBody":
        names += [n for n in REFERENCES if n in _upload_fields(rpc)]
    if rpc.is_read:
        names += [n for n in request_fields(rpc) if n in REFERENCES and n not in rpc.placeholders]
    return names


def _upload_fields(rpc: surface.Rpc) -> set[str]:
    """The text fields of a streamed body's form (lms.common.v1.upload_form.fields names their message)."""
    form = _upload_form(rpc)
    if form is None or not form.fields:
        return set()
    return {f.name for f in surface.message_types()[form.fields].field}


def _upload_form(rpc: surface.Rpc):
    from lms.common.v1 import options_pb2

    for f in surface.descriptor_files():
        if f.package == rpc.package:
            for service in f.service:
                if service.name == rpc.service:
                    for method in service.method:
                        if method.name == rpc.method and method.options.HasExtension(options_pb2.upload_form):
                            return method.options.Extensions[options_pb2.upload_form]
    return None


def json_body(rpc: surface.Rpc, values: dict) -> dict | None:
    """A valid-looking body: every field with rules gets an allowed value, reference fields the given ids."""
    if not rpc.body and not rpc.upload:
        return None
    name = surface.body_message(rpc)
    form = _upload_form(rpc)
    if form is not None and form.fields:
        name = form.fields
    body = {}
    if name and name != "google.api.HttpBody":
        for field_name, rules in surface.field_rules(name).items():
            body[field_name] = _rule_value(rules)
        for field in surface.message_types()[name].field:
            if field.name in REFERENCES and field.name in values:
                value = values[field.name]
                body[field.name] = [value] if field.name in LIST_REFERENCES else value
    return body


def files_of(rpc: surface.Rpc) -> dict | None:
    form = _upload_form(rpc)
    if form is None or not form.files:
        return None
    return {part: ("proof.png", PNG_1PX, "image/png") for part in form.files}


def call_values(world, rpc: surface.Rpc, probe: bool) -> dict:
    values = {}
    for name in rpc.placeholders:
        real = world.value_for(rpc.template, name)
        values[name] = missing_value(name, real) if probe else real
    for name in references(rpc):
        placeholder = REFERENCES[name]
        real = world.value_for(rpc.template, placeholder)
        values[name] = missing_value(placeholder, real) if probe else real
    return values


# --- JSON ---------------------------------------------------------------------------------------------------

def http_call(client, rpc: surface.Rpc, values: dict) -> Answer:
    path = rpc.path(values)
    params = {n: values[n] for n in references(rpc) if rpc.is_read and n in values and n not in rpc.placeholders}
    body = json_body(rpc, values)
    files = files_of(rpc)
    kwargs = {"params": params} if params else {}
    if files:
        kwargs["files"] = files
        kwargs["data"] = {k: json.dumps(v) if not isinstance(v, str) else v for k, v in (body or {}).items()}
    elif body is not None:
        kwargs["json"] = body
    response = client.http.request(rpc.verb, path, **kwargs)
    text = response.text if "text" in response.headers.get("content-type", "") or \
        "json" in response.headers.get("content-type", "") else f"<{len(response.content)} bytes>"
    return Answer(response.status_code, text + marks(response.content))


# --- gRPC ---------------------------------------------------------------------------------------------------

def grpc_request(rpc: surface.Rpc, values: dict):
    fields = request_fields(rpc)
    data = {}
    for name in rpc.placeholders:
        field = fields.get(name)
        value = values[name]
        if field is not None and field.type in (field.TYPE_INT32, field.TYPE_INT64):
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = 2147480001
        elif field is not None:
            value = str(value)
        data[name] = value
    if rpc.is_read:
        for name in references(rpc):
            if name in fields and name not in rpc.placeholders:
                field = fields[name]
                data[name] = int(values[name]) if field.type in (field.TYPE_INT32, field.TYPE_INT64) \
                    else str(values[name])
    body = json_body(rpc, values)
    if body is not None:
        target = surface.body_message(rpc)
        if target == "google.api.HttpBody":
            http_body = {"content_type": "application/json",
                         "data": base64.b64encode(json.dumps(body).encode()).decode()}
            if rpc.body == "*":
                data.update(http_body)
            else:
                data[rpc.body] = http_body
        elif rpc.body == "*":
            data.update(_typed(target, body))
        elif rpc.body:
            data[rpc.body] = _typed(target, body)
    return json_format.ParseDict(data, message_class(rpc.input_type)(), ignore_unknown_fields=True)


def _typed(message_name: str, body: dict) -> dict:
    fields = {f.name: f for f in surface.message_types()[message_name].field}
    out = {}
    for name, value in body.items():
        field = fields.get(name)
        if field is None:
            continue
        if field.type_name == ".google.protobuf.Value" or field.type == field.TYPE_STRING:
            out[name] = value if field.type_name else str(value)
        elif field.type in (field.TYPE_INT32, field.TYPE_INT64):
            out[name] = value if field.label == field.LABEL_REPEATED else int(value if not isinstance(value, list)
                                                                             else value[0])
        else:
            out[name] = value
    return out


def grpc_call(channel, metadata, rpc: surface.Rpc, values: dict) -> Answer:
    request = grpc_request(rpc, values)
    serialize = lambda m: m.SerializeToString()  # noqa: E731
    raw = lambda b: b  # noqa: E731
    try:
        if rpc.client_streaming:
            reply = channel.stream_unary(rpc.grpc_path, request_serializer=serialize, response_deserializer=raw)(
                iter([request]), metadata=metadata, timeout=30)
        elif rpc.server_streaming:
            reply = b"".join(channel.unary_stream(rpc.grpc_path, request_serializer=serialize,
                                                  response_deserializer=raw)(request, metadata=metadata, timeout=30))
        else:
            reply = channel.unary_unary(rpc.grpc_path, request_serializer=serialize, response_deserializer=raw)(
                request, metadata=metadata, timeout=30)
    except grpc.RpcError as error:
        details = error.details() or ""
        return Answer(GRPC_HTTP.get(error.code(), 599), details + marks(details.encode()))
    return Answer(200, f"<{len(reply)} bytes>" + marks(reply))


def marks(content: bytes) -> str:
    """The victim's markers found in an answer (rendered into its text, so the checks see binary answers too)."""
    return "".join(f" [{m}]" for m in (MARK, PRIVATE_MARK) if m.encode() in content)


def normalize(text: str, values: dict) -> str:
    for value in sorted({str(v) for v in values.values()}, key=len, reverse=True):
        if len(value) > 2 and not value.isdigit():
            text = text.replace(value, "<v>")
    return re.sub(r"\d+", "<n>", text)


def run(calls: list[Call], do) -> None:
    """Fills each call's real and probe answers with `do(call, probe)`, CONCURRENCY at a time."""
    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        futures = {}
        for call in calls:
            futures[pool.submit(do, call, False)] = (call, "real")
            futures[pool.submit(do, call, True)] = (call, "probe")
        for future in concurrent.futures.as_completed(futures):
            call, which = futures[future]
            setattr(call, which, future.result())
