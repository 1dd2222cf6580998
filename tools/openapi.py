"""Builds the OpenAPI 3.1 document of the JSON API from the descriptor set Envoy transcodes with.

Everything comes from the protos: routes and verbs from `google.api.http`, success codes and
bare-array bodies from `lms.common.v1.http_response`, anonymous access from `lms.common.v1.access`,
schemas from the messages, and descriptions from the proto comments.
"""
from __future__ import annotations

import json
import re

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

FDP = descriptor_pb2.FieldDescriptorProto
VERBS = ("get", "put", "post", "delete", "patch")
INT32_TYPES = {FDP.TYPE_INT32, FDP.TYPE_SINT32, FDP.TYPE_SFIXED32, FDP.TYPE_UINT32, FDP.TYPE_FIXED32}
INT64_TYPES = {FDP.TYPE_INT64, FDP.TYPE_SINT64, FDP.TYPE_SFIXED64, FDP.TYPE_UINT64, FDP.TYPE_FIXED64}
WRAPPERS = {
    "google.protobuf.Int32Value": {"type": "integer", "format": "int32"},
    "google.protobuf.Int64Value": {"type": "string", "format": "int64"},
    "google.protobuf.BoolValue": {"type": "boolean"},
    "google.protobuf.StringValue": {"type": "string"},
    "google.protobuf.DoubleValue": {"type": "number"},
    "google.protobuf.FloatValue": {"type": "number"},
}
INT32_MIN, INT32_MAX = -2_147_483_648, 2_147_483_647
LONG_TEXT_MAX_LENGTH = 65_536  # lms.platform.validation.LONG_TEXT_MAX_LENGTH: text without a declared bound
PATCH_SUFFIX = "Patch"  # schema name suffix of a body message's PATCH variant
STRING_FORMATS = {"uri": "uri", "email": "email", "date-time": "date-time"}
ERROR_RESPONSES = {
    "400": ("Invalid input: one list of messages per field, or `non_field_errors`.", "ValidationError"),
    "401": ("No token, or a token that is not valid.", "Detail"),
    "403": ("The caller may not do this.", "Detail"),
    "404": ("No such object in the caller's tenant.", "Detail"),
    "429": ("Rate limit reached; `Retry-After` says when to try again.", "Detail"),
}


class _Comments:
    """Leading comments of proto elements, keyed by (file, location path)."""

    def __init__(self, files):
        self._by_key = {}
        for f in files:
            for loc in f.source_code_info.location:
                text = " ".join(line.strip() for line in loc.leading_comments.strip().splitlines())
                if text:
                    self._by_key[(f.name, tuple(loc.path))] = text

    def get(self, file_name: str, path: tuple) -> str:
        return self._by_key.get((file_name, path), "")


class OpenApiBuilder:
    def __init__(self, descriptor_set: bytes):
        self.fds = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set)
        self.pool = descriptor_pool.DescriptorPool()
        for f in self.fds.file:
            self.pool.Add(f)
        self.comments = _Comments(self.fds.file)
        self.method_options = message_factory.GetMessageClass(
            self.pool.FindMessageTypeByName("google.protobuf.MethodOptions"))
        self.field_options = message_factory.GetMessageClass(
            self.pool.FindMessageTypeByName("google.protobuf.FieldOptions"))
        self.ext_http = self.pool.FindExtensionByName("google.api.http")
        self.ext_response = self.pool.FindExtensionByName("lms.common.v1.http_response")
        self.ext_access = self.pool.FindExtensionByName("lms.common.v1.access")
        self.ext_nullable = self.pool.FindExtensionByName("lms.common.v1.nullable_type")
        self.ext_upload_form = self.pool.FindExtensionByName("lms.common.v1.upload_form")
        self.ext_rules = self.pool.FindExtensionByName("lms.common.v1.rules")
        self.input_messages: set[str] = set()
        self.messages = {}  # full name -> (file name, path, DescriptorProto)
        for f in self.fds.file:
            self._index_messages(f.name, f.package, f.message_type, (4,))
        self.schemas: dict[str, dict] = {}
        self.output_messages: set[str] = set()

    def _index_messages(self, file_name, prefix, messages, path):
        for i, m in enumerate(messages):
            full = f"{prefix}.{m.name}"
            self.messages[full] = (file_name, path + (i,), m)
            self._index_messages(file_name, full, m.nested_type, path + (i, 3))

    # Schemas -----------------------------------------------------------------------------------

    @staticmethod
    def _schema_name(full_name: str) -> str:
        return full_name.removeprefix("lms.")

    def _ref(self, full_name: str, patch: bool = False) -> dict:
        """A reference to a message's schema; `patch`: the variant for PATCH bodies (nothing required)."""
        if patch and self._required_inputs(self.messages[full_name][2].field):
            full_name += PATCH_SUFFIX
        self._add_schema(full_name)
        return {"$ref": f"#/components/schemas/{self._schema_name(full_name)}"}

    def _mark_output(self, full_name: str) -> None:
        if full_name in self.output_messages or full_name not in self.messages or full_name.startswith("google."):
            return
        self.output_messages.add(full_name)
        for field in self.messages[full_name][2].field:
            if field.type == FDP.TYPE_MESSAGE:
                self._mark_output(field.type_name.lstrip("."))

    def _field_schema(self, field) -> dict:
        if field.type == FDP.TYPE_MESSAGE:
            type_name = field.type_name.lstrip(".")
            if type_name == "google.protobuf.Timestamp":
                schema = {"type": "string", "format": "date-time"}
            elif type_name == "google.protobuf.Value":
                options = self.field_options.FromString(field.options.SerializeToString())
                nullable = options.Extensions[self.ext_nullable]
                schema = {"type": [nullable, "null"]} if nullable else {}
            elif type_name == "google.protobuf.Struct" or type_name == "google.protobuf.Empty":
                schema = {"type": "object"}
            elif type_name == "google.protobuf.ListValue":
                schema = {"type": "array", "items": {}}
            elif type_name in WRAPPERS:
                schema = dict(WRAPPERS[type_name])
            else:
                schema = self._ref(type_name)
        elif field.type in INT32_TYPES:
            schema = {"type": "integer", "format": "int32"}
        elif field.type in INT64_TYPES:
            schema = {"type": "string", "format": "int64"}
        elif field.type in (FDP.TYPE_DOUBLE, FDP.TYPE_FLOAT):
            schema = {"type": "number"}
        elif field.type == FDP.TYPE_BOOL:
            schema = {"type": "boolean"}
        elif field.type == FDP.TYPE_BYTES:
            schema = {"type": "string", "contentEncoding": "base64"}
        elif field.type == FDP.TYPE_ENUM:
            enum = self.pool.FindEnumTypeByName(field.type_name.lstrip("."))
            schema = {"type": "string", "enum": [v.name for v in enum.values]}
        else:
            schema = {"type": "string"}
        if field.label == FDP.LABEL_REPEATED:
            schema = {"type": "array", "items": schema}
        rules = self._rules(field)
        if rules is not None:
            schema = self._rules_schema(rules, schema)
        return schema

    def _rules(self, field):
        """The field's `lms.common.v1.rules`, or None."""
        if not field.options.ByteSize():
            return None
        options = self.field_options.FromString(field.options.SerializeToString())
        return options.Extensions[self.ext_rules] if options.HasExtension(self.ext_rules) else None

    @staticmethod
    def _rules_schema(rules, base: dict) -> dict:
        """The JSON schema of a writable field (or query parameter) from its declared validation rules."""
        kind = rules.type or base.get("type", "string")
        if kind == "integer" and not rules.type:  # an int32 field: its bounds, within int32
            return {**base, "minimum": rules.minimum if rules.HasField("minimum") else INT32_MIN,
                    "maximum": rules.maximum if rules.HasField("maximum") else INT32_MAX}
        if kind == "string" and not rules.type:
            return {**base, "enum": list(rules.choices)} if rules.choices else dict(base)
        if isinstance(kind, list):
            kind = kind[0]
        schema: dict = {"type": kind}
        if kind == "string":
            schema["maxLength"] = rules.max_length or LONG_TEXT_MAX_LENGTH
            if rules.min_length:
                schema["minLength"] = rules.min_length
            if rules.choices:
                schema["enum"] = list(rules.choices)
            if rules.format in STRING_FORMATS:
                schema["format"] = STRING_FORMATS[rules.format]
            elif rules.format == "decimal":
                schema["pattern"] = r"^\s*\d{1,8}(\.\d{1,2})?\s*$"
                schema["description"] = "A decimal amount with at most two places, such as \"99.99\"."
        elif kind in ("integer", "number"):
            schema["minimum"] = rules.minimum if rules.HasField("minimum") else INT32_MIN
            schema["maximum"] = rules.maximum if rules.HasField("maximum") else INT32_MAX
            if kind == "integer":
                schema["format"] = "int32"
        elif kind == "array":
            items: dict = {"type": rules.items or "string"}
            if items["type"] == "string":
                items["maxLength"] = rules.item_max_length or LONG_TEXT_MAX_LENGTH
                items["minLength"] = 1
            elif items["type"] == "integer":
                items.update(minimum=rules.minimum if rules.HasField("minimum") else INT32_MIN,
                             maximum=rules.maximum if rules.HasField("maximum") else INT32_MAX, format="int32")
            schema["items"] = items
            if rules.max_items:
                schema["maxItems"] = rules.max_items
        if rules.nullable:
            schema["type"] = [kind, "null"]
        return schema

    def _required_inputs(self, fields) -> list[str]:
        return [f.name for f in fields if (rules := self._rules(f)) is not None and rules.required]

    def _add_schema(self, full_name: str) -> None:
        patch = full_name.endswith(PATCH_SUFFIX)
        full_name = full_name.removesuffix(PATCH_SUFFIX)
        name = self._schema_name(full_name) + (PATCH_SUFFIX if patch else "")
        if name in self.schemas:
            return
        self.schemas[name] = {}  # placeholder breaks recursion
        file_name, path, message = self.messages[full_name]
        properties, required = {}, []
        for i, field in enumerate(message.field):
            schema = self._field_schema(field)
            description = self.comments.get(file_name, path + (2, i))
            if description:
                schema = {**schema, "description": description} if "$ref" not in schema else {
                    "allOf": [schema], "description": description}
            properties[field.name] = schema
            always_printed = field.type != FDP.TYPE_MESSAGE or field.label == FDP.LABEL_REPEATED or (
                field.type_name == ".google.protobuf.Value")
            if always_printed and not field.proto3_optional:
                required.append(field.name)
        schema = {"type": "object", "properties": properties}
        if full_name in self.output_messages and required:
            schema["required"] = required
        elif full_name not in self.output_messages and not patch:
            inputs = self._required_inputs(message.field)
            if inputs:
                schema["required"] = inputs
        description = self.comments.get(file_name, path)
        if description:
            schema["description"] = description
        self.schemas[name] = schema

    # Operations --------------------------------------------------------------------------------

    def _options(self, method):
        return self.method_options.FromString(method.options.SerializeToString())

    def _operation(self, file_name, service, s_index, method, m_index, rule, verb, template, options):
        request_file, request_path, request = self.messages[method.input_type.lstrip(".")]
        fields = {f.name: f for f in request.field}
        path_params = re.findall(r"{([^}=]+)", template)
        response_rule = options.Extensions[self.ext_response]
        access = options.Extensions[self.ext_access]
        comment = self.comments.get(file_name, (6, s_index, 2, m_index))
        operation = {
            "operationId": f"{service.name}_{method.name}",
            "tags": [service.name],
            "summary": comment.split(". ")[0].rstrip("."),
            "description": comment,
            "parameters": [],
        }
        for name in path_params:
            operation["parameters"].append({
                "name": name, "in": "path", "required": True, "schema": self._field_schema(fields[name])})
        body_field = rule.body
        streaming_upload = method.client_streaming
        if not body_field or (body_field != "*" and not streaming_upload):
            for name, field in fields.items():
                if name in path_params or name == body_field:
                    continue
                if field.type == FDP.TYPE_MESSAGE and field.type_name.lstrip(".") not in WRAPPERS:
                    continue
                rules = self._rules(field)
                param = {"name": name, "in": "query", "required": bool(rules is not None and rules.required),
                         "schema": self._field_schema(field)}
                request_file, request_path, _ = self.messages[method.input_type.lstrip(".")]
                description = self.comments.get(request_file, request_path + (2, list(fields).index(name)))
                if description:
                    param["description"] = description
                operation["parameters"].append(param)
        if streaming_upload:
            operation["requestBody"] = self._upload_body(options.Extensions[self.ext_upload_form], verb == "patch")
        elif body_field == "*":
            props = {n: self._described(self._field_schema(f), request_file, request_path, i)
                     for i, (n, f) in enumerate(fields.items()) if n not in path_params}
            body_schema = {"type": "object", "properties": props}
            required = [n for n in self._required_inputs(request.field) if n not in path_params]
            if required and verb != "patch":
                body_schema["required"] = required
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body_schema}}}
        elif body_field:
            field = fields[body_field]
            if field.type == FDP.TYPE_MESSAGE and field.type_name.lstrip(".") in self.messages:
                schema = self._ref(field.type_name.lstrip("."), patch=verb == "patch")
            else:
                schema = self._field_schema(field)
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
        output = method.output_type.lstrip(".")
        status = str(response_rule.status or 200)
        if output == "google.api.HttpBody":
            # Any media type (a file, a CSV, this JSON document itself): no schema to hold the bytes to.
            response = {"description": "The document or file.", "content": {"*/*": {"schema": {}}}}
        elif status == "204":
            response = {"description": "Deleted; the body is empty."}
        else:
            self._mark_output(output)
            schema = self._ref(output)
            if response_rule.bare_array_field:
                element = next(f for f in self.messages[output][2].field if f.name == response_rule.bare_array_field)
                schema = self._field_schema(element)
            response = {"description": "Success.", "content": {"application/json": {"schema": schema}}}
        operation["responses"] = {status: response}
        for code in ERROR_RESPONSES:
            operation["responses"][code] = {"$ref": f"#/components/responses/E{code}"}
        if access.allow_anonymous:
            operation["security"] = [{}, {"bearerAuth": []}]
            operation["parameters"].append({"$ref": "#/components/parameters/TenantHeader"})
        if not operation["parameters"]:
            del operation["parameters"]
        return operation

    def _described(self, schema: dict, file_name: str, path: tuple, index: int) -> dict:
        description = self.comments.get(file_name, path + (2, index))
        return {**schema, "description": description} if description and "$ref" not in schema else schema

    def _upload_body(self, form, patch: bool = False) -> dict:
        """The body of a streamed upload: multipart/form-data with the form's text fields and file parts,
        and (when it names a fields message) the same fields as a JSON object."""
        if not form.fields and not form.files:
            schema = {"type": "object", "additionalProperties": True}
            return {"required": True, "content": {"multipart/form-data": {"schema": schema},
                                                  "application/json": {"schema": schema}}}
        properties = {}
        content = {}
        if form.fields:
            file_name, path, message = self.messages[form.fields]
            for i, field in enumerate(message.field):
                schema = self._field_schema(field)
                description = self.comments.get(file_name, path + (2, i))
                properties[field.name] = {**schema, "description": description} if description else schema
            content["application/json"] = {"schema": self._ref(form.fields, patch=patch)}
        for name in form.files:
            properties[name] = {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream",
                                "description": "The file (its type is decided from its bytes)."}
        multipart = {"type": "object", "properties": properties}
        if not form.fields:
            multipart["required"] = list(form.files)
        elif not patch and (required := self._required_inputs(self.messages[form.fields][2].field)):
            multipart["required"] = required
        return {"required": True, "content": {"multipart/form-data": {"schema": multipart}, **content}}

    def build(self) -> dict:
        paths: dict[str, dict] = {}
        tags = []
        for f in self.fds.file:
            if not f.package.startswith("lms."):
                continue
            for s_index, service in enumerate(f.service):
                tags.append({"name": service.name, "description": self.comments.get(f.name, (6, s_index))})
                for m_index, method in enumerate(service.method):
                    options = self._options(method)
                    if not options.HasExtension(self.ext_http):
                        continue
                    rule = options.Extensions[self.ext_http]
                    for binding in [rule, *rule.additional_bindings]:
                        verb = binding.WhichOneof("pattern")
                        if verb not in VERBS:
                            continue
                        template = getattr(binding, verb)
                        # `{key=**}` (a multi-segment capture) is the path parameter `{key}` in OpenAPI.
                        path = re.sub(r"{([^}=]+)=[^}]*}", r"{\1}", template.rstrip("/"))
                        path = path if template.endswith("**}") else path + "/"
                        paths.setdefault(path, {})[verb] = self._operation(
                            f.name, service, s_index, method, m_index, binding, verb, template, options)
        # Output messages are known only once every operation was seen: rebuild their schemas.
        self.schemas.clear()
        for full in sorted(self.output_messages):
            self._add_schema(full)
        for path_item in paths.values():
            for op in path_item.values():
                self._collect_refs(op)
        schemas = dict(sorted(self.schemas.items()))
        schemas["Detail"] = {"type": "object", "required": ["detail"],
                             "properties": {"detail": {"type": "string"}}}
        # `{"field": ["message", ...]}`, `{"non_field_errors": [...]}`, `{"detail": "..."}` for unparsable bodies,
        # and DRF's nested shape for lists of objects (reorder: `{"resources": [{}, {"order": ["..."]}]}`).
        messages = {"type": "array", "items": {"type": "string"}}
        schemas["ValidationError"] = {"type": "object", "properties": {"detail": {"type": "string"}},
                                      "additionalProperties": {"type": "array", "items": {"anyOf": [
                                          {"type": "string"},
                                          {"type": "object", "additionalProperties": messages}]}}}
        return {
            "openapi": "3.1.0",
            "info": {
                "title": "LMS API",
                "version": "1.0.0",
                "description": "Courses, enrollments, progress, grading and more, for many tenants. "
                               "Generated from the protos in protos/lms; the same RPCs are served over gRPC.",
            },
            "servers": [{"url": "/"}],
            "security": [{"bearerAuth": []}],
            "tags": tags,
            "paths": paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
                "parameters": {"TenantHeader": {
                    "name": "X-Tenant-ID", "in": "header", "required": False, "schema": {"type": "string"},
                    "description": "Tenant of a call made without a token."}},
                "responses": {f"E{code}": {"description": text, "content": {"application/json": {
                    "schema": {"$ref": f"#/components/schemas/{schema}"}}}}
                    for code, (text, schema) in ERROR_RESPONSES.items()},
            },
        }

    def _collect_refs(self, node) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                self._add_schema("lms." + ref.rsplit("/", 1)[1])
            for value in node.values():
                self._collect_refs(value)
        elif isinstance(node, list):
            for value in node:
                self._collect_refs(value)


def build_openapi(descriptor_set: bytes) -> str:
    return json.dumps(OpenApiBuilder(descriptor_set).build(), indent=1, ensure_ascii=False) + "\n"
