"""Small converters from stored values to the proto types the API documents."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from google.protobuf import struct_pb2, timestamp_pb2

from lms.platform.models import as_utc


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def timestamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    # Exact integer arithmetic on the timedelta (Timestamp.FromDatetime does the same, several times slower).
    delta = as_utc(value) - _EPOCH
    return timestamp_pb2.Timestamp(seconds=delta.days * 86400 + delta.seconds, nanos=delta.microseconds * 1000)


def set_timestamp(field: timestamp_pb2.Timestamp, value: datetime) -> None:
    """Fills a message's Timestamp field in place (cheaper than building one and copying it in)."""
    delta = as_utc(value) - _EPOCH
    field.seconds = delta.days * 86400 + delta.seconds
    field.nanos = delta.microseconds * 1000


def null() -> struct_pb2.Value:
    return struct_pb2.Value(null_value=struct_pb2.NULL_VALUE)


def nullable_timestamp(value: datetime | None) -> struct_pb2.Value:
    """An RFC 3339 UTC string rendered exactly as Timestamp fields are, or JSON null."""
    stamp = timestamp(value)
    return struct_pb2.Value(string_value=stamp.ToJsonString()) if stamp else null()


def nullable_number(value: float | int | Decimal | None) -> struct_pb2.Value:
    return null() if value is None else struct_pb2.Value(number_value=float(value))


def nullable_string(value: str | None) -> struct_pb2.Value:
    return null() if value is None else struct_pb2.Value(string_value=value)


def money(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)):.2f}"


def json_value(value) -> struct_pb2.Value:
    """Any JSON-like Python value as a google.protobuf.Value (what writable request fields hold)."""
    from google.protobuf import json_format

    return json_format.ParseDict(value, struct_pb2.Value())


def json_values(**fields) -> dict[str, struct_pb2.Value]:
    """Keyword arguments for an input message whose writable fields are google.protobuf.Value:
    `CategoryInput(**json_values(name="Programming"))` (gRPC callers; JSON clients just send JSON)."""
    return {name: json_value(value) for name, value in fields.items()}
