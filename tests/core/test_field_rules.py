"""The schema tells the truth: every writable field's `lms.common.v1.rules` (which the OpenAPI document shows)
agree with the `lms.platform.validation.Fields` that validate it, for every domain (no transport needed)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from google.protobuf import descriptor_pool

import importlib

from lms.app import registry
from lms.common.v1 import options_pb2
from lms.platform import validation as v

ROOT = Path(__file__).resolve().parents[2]
registry.servicer_classes()  # imports every domain, which declares its Fields
for _module in sorted((ROOT / "server").glob("lms/*/v1/*_pb2.py")):  # and every message
    importlib.import_module(".".join(_module.relative_to(ROOT / "server").with_suffix("").parts))


def expected_rules(spec: v.Field) -> dict:
    """What a field spec implies for its declared rules (only the keys the rules can state)."""
    rules: dict = {"required": spec.required, "nullable": spec.allow_null}
    if isinstance(spec, v.Str):
        rules["type"] = "string"
        rules["max_length"] = spec.max_length or 0
        rules["min_length"] = 0 if spec.allow_blank else 1
        if isinstance(spec, v.Choice):
            rules["choices"] = list(spec.choices)
            rules["min_length"] = 0
            rules["max_length"] = 0
        rules["format"] = {v.Url: "uri", v.Email: "email"}.get(type(spec), "")
    elif isinstance(spec, v.Int):
        rules["type"] = "integer"
        rules["minimum"] = None if spec.min_value == v.INT32_MIN else spec.min_value
        rules["maximum"] = None if spec.max_value == v.INT32_MAX else spec.max_value
    elif isinstance(spec, v.Bool):
        rules["type"] = "boolean"
    elif isinstance(spec, v.DecimalStr):
        pass  # a decimal string or a number: the rules say which JSON type clients send
    elif isinstance(spec, v.DateTime):
        rules["type"], rules["format"] = "string", "date-time"
    elif isinstance(spec, v.StrList):
        rules.update(type="array", items="string", max_items=spec.max_items, item_max_length=spec.item_max_length)
    return rules


def declared_rules(rules, spec: v.Field) -> dict:
    actual = {"required": rules.required, "nullable": rules.nullable, "type": rules.type}
    if rules.type == "string":
        actual["max_length"] = rules.max_length if rules.max_length != v.LONG_TEXT_MAX_LENGTH or (
            isinstance(spec, v.Str) and spec.max_length == v.LONG_TEXT_MAX_LENGTH) else v.LONG_TEXT_MAX_LENGTH
        actual["min_length"] = rules.min_length
        actual["format"] = rules.format
        if rules.choices:
            actual["choices"] = list(rules.choices)
    if rules.type == "integer":
        actual["minimum"] = rules.minimum if rules.HasField("minimum") else None
        actual["maximum"] = rules.maximum if rules.HasField("maximum") else None
    if rules.type == "array" and rules.items == "string":
        actual.update(items="string", max_items=rules.max_items, item_max_length=rules.item_max_length)
    return actual


def rule_fields(message_name: str) -> dict:
    """The writable fields (JSON values) of a message that declare rules; typed fields with rules are query
    parameters, whose rules only document them."""
    message = descriptor_pool.Default().FindMessageTypeByName(message_name)
    return {f.name: f.GetOptions().Extensions[options_pb2.rules] for f in message.fields
            if f.GetOptions().HasExtension(options_pb2.rules) and f.message_type is not None
            and f.message_type.full_name == "google.protobuf.Value"}


@pytest.mark.parametrize("message_name", sorted(v.DECLARED))
def test_declared_fields_match_the_proto_rules(message_name):
    spec = v.DECLARED[message_name]
    rules = rule_fields(message_name)
    assert set(rules) == set(spec.fields), f"{message_name}: rules for {sorted(rules)}, specs for {sorted(spec.fields)}"
    for name, field in spec.fields.items():
        expected = expected_rules(field)
        actual = declared_rules(rules[name], field)
        mismatched = {k: (expected[k], actual.get(k)) for k in expected if k in actual and expected[k] != actual[k]}
        assert not mismatched, f"{message_name}.{name}: (service, proto) {mismatched}"


def test_every_message_with_rules_is_declared_by_a_domain():
    with_rules = set()
    descriptor_set = (ROOT / "edge" / "lms.pb").read_bytes()
    from google.protobuf import descriptor_pb2

    for file in descriptor_pb2.FileDescriptorSet.FromString(descriptor_set).file:
        if not file.package.startswith("lms."):
            continue
        for message in file.message_type:
            full = f"{file.package}.{message.name}"
            if rule_fields(full):
                with_rules.add(full)
    assert with_rules - set(v.DECLARED) == set()


def test_the_openapi_document_shows_the_rules():
    schema = json.loads((ROOT / "server" / "lms" / "system" / "openapi.json").read_text())
    components = schema["components"]["schemas"]
    category = components["courses.v1.CategoryInput"]
    assert category["required"] == ["name"]
    assert category["properties"]["name"]["maxLength"] == 100 and category["properties"]["name"]["minLength"] == 1
    assert "required" not in components["courses.v1.CategoryInputPatch"]
    course = components["courses.v1.CourseInput"]["properties"]
    assert course["level"]["enum"] == ["Beginner", "Intermediate", "Advanced"]
    assert course["status"]["enum"] == ["Draft", "Published", "Archived"]
    assert components["content.v1.LessonInput"]["properties"]["lesson_type"]["enum"][0] == "text"
    assert components["content.v1.LessonInput"]["properties"]["content_text"]["maxLength"] == 65536
    assert components["content.v1.ResourceInput"]["properties"]["resource_type"]["enum"] == ["file", "link"]
    assert components["content.v1.OrderItem"]["properties"]["order"]["minimum"] == 1
    settings = components["certificates.v1.CertificateSettingsInput"]["properties"]
    assert settings["template"]["enum"] == ["default", "classic", "modern"] and settings["min_score"]["maximum"] == 100
    paths = schema["paths"]
    patch_body = paths["/api/lms/categories/{category_id}/"]["patch"]["requestBody"]["content"]["application/json"]
    assert patch_body["schema"]["$ref"].endswith("CategoryInputPatch")
    for route, verb, fields in (("/api/lms/assignments/", "post", "AssignmentInput"),
                                ("/api/lms/assignment-submissions/", "post", "SubmissionInput")):
        content = paths[route][verb]["requestBody"]["content"]
        assert content["application/json"]["schema"]["$ref"].endswith(fields), route
        assert "multipart/form-data" in content
    parameters = {p["name"]: p for p in paths["/api/lms/enrollments/progress/"]["get"]["parameters"]}
    assert parameters["course"]["required"] is True
    listing = {p["name"]: p for p in paths["/api/lms/courses/"]["get"]["parameters"] if "name" in p}
    assert "-total_enrollments" in listing["ordering"]["schema"]["enum"]
    assert listing["level"]["schema"]["enum"] == ["Beginner", "Intermediate", "Advanced"]
    nested = components["ValidationError"]["additionalProperties"]["items"]["anyOf"]
    assert {"type": "string"} in nested and any(item.get("type") == "object" for item in nested)
