"""Declarative input validation with Django REST Framework's messages.

A domain declares its writable fields once (`Fields(title=Str(max_length=200, required=True), ...)`)
and validates the fields present in a request message: `spec.validate(present(msg), partial=...)`.
`partial=True` is PATCH (only what was sent); otherwise missing required fields are errors and
missing optional ones take their defaults (create and PUT). All errors are collected and raised
together as one `ValidationError`.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Callable
from urllib.parse import urlsplit

from google.protobuf import struct_pb2
from google.protobuf.message import Message

from lms.platform.errors import MSG_REQUIRED, ValidationError

_MISSING = object()

# Bounds every field has unless it declares tighter ones (docs/validation.md): text is at most
# LONG_TEXT_MAX_LENGTH characters (so no stored row can make a page too big to send), integers are int32
# (the database's `integer`, and the protos' ids).
LONG_TEXT_MAX_LENGTH = 65_536
TITLE_MAX_LENGTH = 200
INT32_MIN, INT32_MAX = -2_147_483_648, 2_147_483_647
MSG_NULL_CHARACTERS = "Null characters are not allowed."


def present(message: Message | None) -> dict[str, Any]:
    """The fields set in `message` (proto3 `optional` and message fields have presence), as Python values."""
    if message is None:
        return {}
    values = {}
    for field, value in message.ListFields():
        if isinstance(value, struct_pb2.ListValue):
            value = [_plain(v) for v in value.values]
        elif isinstance(value, struct_pb2.Value):
            value = _plain(value)
        elif isinstance(value, struct_pb2.Struct):
            value = {k: _plain(v) for k, v in value.fields.items()}
        elif field.is_repeated:
            value = list(value)
        values[field.name] = value
    return values


def _plain(value: struct_pb2.Value):
    kind = value.WhichOneof("kind")
    if kind == "list_value":
        return [_plain(v) for v in value.list_value.values]
    if kind == "struct_value":
        return {k: _plain(v) for k, v in value.struct_value.fields.items()}
    if kind == "null_value" or kind is None:
        return None
    return getattr(value, kind)


class Field:
    def __init__(self, *, required: bool = False, default: Any = _MISSING, allow_null: bool = False,
                 validators: tuple[Callable[[Any], None], ...] = ()):
        self.required = required
        self.default = default
        self.allow_null = allow_null
        self.validators = validators

    def run(self, value):
        if value is None:
            if self.allow_null:
                return None
            raise ValidationError(["This field may not be null."])
        value = self.convert(value)
        for validator in self.validators:
            validator(value)
        return value

    def convert(self, value):
        return value


class Str(Field):
    def __init__(self, *, max_length: int | None = LONG_TEXT_MAX_LENGTH, min_length: int | None = None,
                 allow_blank: bool = False, trim: bool = True, **kw):
        if allow_blank and "default" not in kw and not kw.get("required"):
            kw["default"] = ""
        super().__init__(**kw)
        self.max_length, self.min_length, self.allow_blank, self.trim = max_length, min_length, allow_blank, trim

    def convert(self, value):
        value = text_value(value)
        if self.trim:
            value = value.strip()
        if not value and not self.allow_blank:
            raise ValidationError(["This field may not be blank."])
        if "\x00" in value:
            raise ValidationError([MSG_NULL_CHARACTERS])
        if self.max_length is not None and len(value) > self.max_length:
            raise ValidationError([f"Ensure this field has no more than {self.max_length} characters."])
        if self.min_length is not None and len(value) < self.min_length:
            raise ValidationError([f"Ensure this field has at least {self.min_length} characters."])
        return value


def not_a_list(value) -> str:
    """DRF's message for a value that should have been a JSON array (numbers named as Python parsed them)."""
    name = "int" if isinstance(value, float) and value.is_integer() else type(value).__name__
    return f'Expected a list of items but got type "{name}".'


def text_value(value) -> str:
    """A string field's value as DRF's CharField takes it: text, or a number as its text; else invalid."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValidationError(["Not a valid string."])
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return str(int(value))  # JSON 5 arrives as 5.0 through google.protobuf.Value: DRF would say "5"
    return str(value)


class Url(Str):
    def __init__(self, **kw):
        kw.setdefault("max_length", 2000)
        super().__init__(**kw)

    def convert(self, value):
        value = super().convert(value)
        if value and not is_valid_url(value):
            raise ValidationError(["Enter a valid URL."])
        return value


class Email(Str):
    _pattern = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

    def __init__(self, **kw):
        kw.setdefault("max_length", 254)
        super().__init__(**kw)

    def convert(self, value):
        value = super().convert(value)
        if value and not self._pattern.match(value):
            raise ValidationError(["Enter a valid email address."])
        return value


class Choice(Str):
    def __init__(self, choices: tuple[str, ...], **kw):
        super().__init__(**kw)
        self.choices = choices

    def convert(self, value):
        value = text_value(value)
        if value not in self.choices:
            raise ValidationError([f'"{value}" is not a valid choice.'])
        return value


class Int(Field):
    """An integer (int32 unless the bounds say otherwise), as DRF's IntegerField parses it."""

    def __init__(self, *, min_value: int | None = INT32_MIN, max_value: int | None = INT32_MAX, **kw):
        super().__init__(**kw)
        self.min_value = INT32_MIN if min_value is None else min_value
        self.max_value = INT32_MAX if max_value is None else max_value

    def convert(self, value):
        value = integer_value(value)
        if self.min_value is not None and value < self.min_value:
            raise ValidationError([f"Ensure this value is greater than or equal to {self.min_value}."])
        if self.max_value is not None and value > self.max_value:
            raise ValidationError([f"Ensure this value is less than or equal to {self.max_value}."])
        return value


_INTEGER_TEXT = re.compile(r"^-?\d+(\.0*)?$")


def integer_value(value) -> int:
    """An integer from JSON (a number or its text, as DRF's IntegerField takes it), unbounded."""
    if isinstance(value, bool):
        raise ValidationError(["A valid integer is required."])
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(["A valid integer is required."])
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 1000 or not _INTEGER_TEXT.match(text):
            raise ValidationError(["A valid integer is required."])
        return int(text.split(".")[0])
    if not isinstance(value, int):
        raise ValidationError(["A valid integer is required."])
    return value


def int32_value(value, *, min_value: int = INT32_MIN) -> int:
    """An integer within int32 (and `min_value`), with DRF's messages."""
    number = integer_value(value)
    if number < min_value:
        raise ValidationError([f"Ensure this value is greater than or equal to {min_value}."])
    if number > INT32_MAX:
        raise ValidationError([f"Ensure this value is less than or equal to {INT32_MAX}."])
    return number


class Bool(Field):
    def convert(self, value):
        if isinstance(value, bool):
            return value
        if value in ("true", "True", "1", 1):
            return True
        if value in ("false", "False", "0", 0):
            return False
        raise ValidationError(["Must be a valid boolean."])


class DecimalStr(Field):
    """A money amount sent as a decimal string (numbers are accepted too, as DRF does)."""

    def __init__(self, *, max_digits: int = 10, decimal_places: int = 2, min_value: Decimal | None = None, **kw):
        super().__init__(**kw)
        self.max_digits, self.decimal_places, self.min_value = max_digits, decimal_places, min_value

    def convert(self, value):
        if isinstance(value, bool):
            raise ValidationError(["A valid number is required."])
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ValidationError(["A valid number is required."]) from None
        if not number.is_finite():
            raise ValidationError(["A valid number is required."])
        sign, digits, exponent = number.as_tuple()
        decimals = max(0, -exponent)
        whole_digits = max(0, len(digits) + exponent)
        if decimals > self.decimal_places:
            raise ValidationError([f"Ensure that there are no more than {self.decimal_places} decimal places."])
        if whole_digits + self.decimal_places > self.max_digits:
            raise ValidationError([f"Ensure that there are no more than {self.max_digits} digits in total."])
        if self.min_value is not None and number < self.min_value:
            raise ValidationError([f"Ensure this value is greater than or equal to {self.min_value}."])
        return number.quantize(Decimal(1).scaleb(-self.decimal_places))


class DateTime(Field):
    """An ISO 8601 date and time, as DRF's DateTimeField parses it; without an offset it is UTC.

    Returns an aware UTC datetime.
    """

    MESSAGE = ("Datetime has wrong format. Use one of these formats instead: "
               "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].")
    # Django's parse_datetime pattern (its fallback after datetime.fromisoformat).
    _pattern = re.compile(
        r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
        r"[T ](?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
        r"(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?"
        r"\s*(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$")

    def convert(self, value):
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            raise ValidationError([self.MESSAGE])
        return parsed


def parse_datetime(value: str) -> datetime | None:
    """An aware UTC datetime from ISO 8601 text (naive values are UTC), or None if it is not one."""
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        match = DateTime._pattern.fullmatch(text)
        if match is None:
            return None
        parts = match.groupdict()
        zone = parts.pop("tzinfo")
        micro = parts.pop("microsecond")
        try:
            parsed = datetime(**{k: int(v) for k, v in parts.items() if v is not None},
                              microsecond=int(micro.ljust(6, "0")) if micro else 0)
            if zone:
                parsed = datetime.fromisoformat(parsed.isoformat() + ("+00:00" if zone == "Z" else _offset(zone)))
        except ValueError:
            return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


def _offset(zone: str) -> str:
    digits = zone[1:].replace(":", "")
    return f"{zone[0]}{digits[:2]}:{digits[2:4] or '00'}"


class StrList(Field):
    """A JSON array of strings."""

    def __init__(self, *, max_items: int = 100, item_max_length: int = 500, **kw):
        kw.setdefault("default", [])
        super().__init__(**kw)
        self.max_items, self.item_max_length = max_items, item_max_length

    def convert(self, value):
        if not isinstance(value, list):
            raise ValidationError([not_a_list(value)])
        if len(value) > self.max_items:
            raise ValidationError([f"Ensure this field has no more than {self.max_items} elements."])
        items = []
        for item in value:
            item = text_value(item).strip()
            if not item:
                raise ValidationError(["This field may not be blank."])
            if "\x00" in item:
                raise ValidationError([MSG_NULL_CHARACTERS])
            if len(item) > self.item_max_length:
                raise ValidationError([f"Ensure this field has no more than {self.item_max_length} characters."])
            items.append(item)
        return items


# Proto message full name -> the Fields that validate it (`Fields.declares`); tests/core/test_field_rules.py
# checks every declared pair against the message's `lms.common.v1.rules` options, so the OpenAPI document
# (built from those options) says what the service does.
DECLARED: dict[str, "Fields"] = {}


class Fields:
    """A set of named field specs: the writable shape of one resource."""

    def __init__(self, **fields: Field):
        self.fields = fields

    def declares(self, message_full_name: str) -> "Fields":
        """Names the proto message whose writable fields (with `lms.common.v1.rules`) these specs validate."""
        DECLARED[message_full_name] = self
        return self

    def validate(self, data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
        """Returns the cleaned values (with defaults unless partial) or raises one ValidationError."""
        errors: dict[str, list[str]] = {}
        cleaned: dict[str, Any] = {}
        for name, spec in self.fields.items():
            if name in data:
                try:
                    cleaned[name] = spec.run(data[name])
                except ValidationError as exc:
                    errors[name] = exc.errors["non_field_errors"]
            elif partial:
                continue
            elif spec.required:
                errors[name] = [MSG_REQUIRED]
            elif spec.default is not _MISSING:
                cleaned[name] = list(spec.default) if isinstance(spec.default, list) else spec.default
        if errors:
            raise ValidationError(errors)
        return cleaned


def is_valid_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and " " not in value and ("." in host or host == "localhost")


def null_character_errors(message: Message) -> dict[str, list[str]]:
    """`{field: ["Null characters are not allowed."]}` for the text fields of a request message (query
    parameters and transcoded bodies alike) that contain NUL, which PostgreSQL cannot store or compare;
    DRF's CharField says the same. A body wrapper message (`category`, `course`, ...) is the JSON body
    itself, so its fields are named as the client sent them."""
    if b"\x00" not in message.SerializeToString():
        return {}  # no zero byte at all: no NUL in any string (the common case, decided in one pass)
    return {name: [MSG_NULL_CHARACTERS] for name in _nul_fields(message)}


def _nul_fields(message: Message) -> list[str]:
    names = []
    for field, value in message.ListFields():
        if isinstance(value, (struct_pb2.Value, struct_pb2.Struct, struct_pb2.ListValue)):
            if _value_has_nul(value):
                names.append(field.name)
        elif isinstance(value, Message):
            names.extend(_nul_fields(value))
        elif _has_nul(field, value):
            names.append(field.name)
    return names


def _has_nul(field, value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, (struct_pb2.Value, struct_pb2.Struct, struct_pb2.ListValue)):
        return _value_has_nul(value)
    if isinstance(value, Message):
        return bool(_nul_fields(value))
    if field.is_repeated and not isinstance(value, (bytes, int, float, bool)):
        return any(_has_nul(field, item) for item in value)
    return False


def _value_has_nul(value) -> bool:
    if isinstance(value, struct_pb2.Value):
        plain = _plain(value)
    elif isinstance(value, struct_pb2.Struct):
        plain = {k: _plain(v) for k, v in value.fields.items()}
    else:
        plain = [_plain(v) for v in value.values]
    stack = [plain]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
