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
    def __init__(self, *, max_length: int | None = None, min_length: int | None = None, allow_blank: bool = False,
                 trim: bool = True, **kw):
        if allow_blank and "default" not in kw and not kw.get("required"):
            kw["default"] = ""
        super().__init__(**kw)
        self.max_length, self.min_length, self.allow_blank, self.trim = max_length, min_length, allow_blank, trim

    def convert(self, value):
        if not isinstance(value, str):
            raise ValidationError(["Not a valid string."])
        if self.trim:
            value = value.strip()
        if not value and not self.allow_blank:
            raise ValidationError(["This field may not be blank."])
        if "\x00" in value:
            raise ValidationError(["Null characters are not allowed."])
        if self.max_length is not None and len(value) > self.max_length:
            raise ValidationError([f"Ensure this field has no more than {self.max_length} characters."])
        if self.min_length is not None and len(value) < self.min_length:
            raise ValidationError([f"Ensure this field has at least {self.min_length} characters."])
        return value


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
        if not isinstance(value, str):
            raise ValidationError(["Not a valid string."])
        if value not in self.choices:
            raise ValidationError([f'"{value}" is not a valid choice.'])
        return value


class Int(Field):
    def __init__(self, *, min_value: int | None = None, max_value: int | None = None, **kw):
        super().__init__(**kw)
        self.min_value, self.max_value = min_value, max_value

    def convert(self, value):
        if isinstance(value, bool):
            raise ValidationError(["A valid integer is required."])
        if isinstance(value, float):
            if not value.is_integer():
                raise ValidationError(["A valid integer is required."])
            value = int(value)
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise ValidationError(["A valid integer is required."]) from None
        if not isinstance(value, int):
            raise ValidationError(["A valid integer is required."])
        if self.min_value is not None and value < self.min_value:
            raise ValidationError([f"Ensure this value is greater than or equal to {self.min_value}."])
        if self.max_value is not None and value > self.max_value:
            raise ValidationError([f"Ensure this value is less than or equal to {self.max_value}."])
        return value


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
            raise ValidationError([f'Expected a list of items but got type "{type(value).__name__}".'])
        if len(value) > self.max_items:
            raise ValidationError([f"Ensure this field has no more than {self.max_items} elements."])
        items = []
        for item in value:
            if not isinstance(item, str):
                raise ValidationError(["Not a valid string."])
            item = item.strip()
            if not item:
                raise ValidationError(["This field may not be blank."])
            if len(item) > self.item_max_length:
                raise ValidationError([f"Ensure this field has no more than {self.item_max_length} characters."])
            items.append(item)
        return items


class Fields:
    """A set of named field specs: the writable shape of one resource."""

    def __init__(self, **fields: Field):
        self.fields = fields

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
