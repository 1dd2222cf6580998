"""The API surface as the contract states it: every RPC of every `lms.*` service in the descriptor set the
edge transcodes with (edge/lms.pb, written by tools.codegen from protos/), with its route, body binding,
streaming shape and access options. The proof matrix is generated from this list, so an RPC added to a
proto is in the matrix (or fails the coverage test) without anyone listing it."""
from __future__ import annotations

import dataclasses
import functools
import re

from google.protobuf import descriptor_pb2

from lms.app.edge import DESCRIPTOR_PATH

PLACEHOLDER = re.compile(r"{([a-z_]+)(?:=[^}]*)?}")


@dataclasses.dataclass(frozen=True)
class Rpc:
    package: str
    service: str
    method: str
    input_type: str  # full name, no leading dot
    output_type: str
    verb: str  # GET, POST, PUT, PATCH, DELETE ("" for an RPC without a JSON route)
    template: str
    body: str  # "" (no body), "*" or the request field that takes the body
    client_streaming: bool
    server_streaming: bool
    allow_anonymous: bool
    upload: bool  # the body is a streamed google.api.HttpBody (multipart/form-data or raw)

    @property
    def full_name(self) -> str:
        return f"{self.package}.{self.service}/{self.method}"

    @property
    def short(self) -> str:
        return f"{self.service}.{self.method}"

    @property
    def grpc_path(self) -> str:
        return f"/{self.package}.{self.service}/{self.method}"

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(PLACEHOLDER.findall(self.template))

    @property
    def is_read(self) -> bool:
        return self.verb == "GET"

    def path(self, values: dict[str, object]) -> str:
        """The route's path with `values` for its placeholders (a trailing slash, as DRF clients send)."""
        path = PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), self.template)
        return path if path.endswith("/") else path + "/"


@functools.cache
def descriptor_files() -> tuple:
    return tuple(descriptor_pb2.FileDescriptorSet.FromString(DESCRIPTOR_PATH.read_bytes()).file)


@functools.cache
def message_types() -> dict[str, descriptor_pb2.DescriptorProto]:
    found = {}

    def index(prefix, types):
        for message in types:
            found[f"{prefix}.{message.name}"] = message
            index(f"{prefix}.{message.name}", message.nested_type)
    for f in descriptor_files():
        index(f.package, f.message_type)
    return found


@functools.cache
def rpcs() -> tuple[Rpc, ...]:
    from google.api import annotations_pb2

    from lms.common.v1 import options_pb2

    out = []
    messages = message_types()
    for f in descriptor_files():
        if not f.package.startswith("lms."):
            continue
        for service in f.service:
            for method in service.method:
                rule = method.options.Extensions[annotations_pb2.http]
                verb = rule.WhichOneof("pattern") or ""
                template = getattr(rule, verb) if verb else ""
                access = method.options.Extensions[options_pb2.access]
                request = messages.get(method.input_type.lstrip("."))
                upload = method.input_type == ".google.api.HttpBody" or any(
                    field.name == rule.body and field.type_name == ".google.api.HttpBody"
                    for field in (request.field if request else ()))
                out.append(Rpc(f.package, service.name, method.name, method.input_type.lstrip("."),
                               method.output_type.lstrip("."), verb.upper(), template.rstrip("/") or template,
                               rule.body, method.client_streaming, method.server_streaming,
                               access.allow_anonymous, upload))
    return tuple(out)


def field_rules(message_name: str) -> dict[str, object]:
    """{field name: lms.common.v1.FieldRules} of a request message's writable fields."""
    from lms.common.v1 import options_pb2

    message = message_types().get(message_name)
    if message is None:
        return {}
    return {field.name: field.options.Extensions[options_pb2.rules] for field in message.field
            if field.options.HasExtension(options_pb2.rules)}


def body_message(rpc: Rpc) -> str | None:
    """Full name of the message the JSON body is parsed into (the request, or its body field's type)."""
    if not rpc.body:
        return None
    if rpc.body == "*":
        return rpc.input_type
    request = message_types()[rpc.input_type]
    for field in request.field:
        if field.name == rpc.body:
            return field.type_name.lstrip(".") or None
    return None
