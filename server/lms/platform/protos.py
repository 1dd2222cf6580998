"""Small converters from stored values to the proto types the API documents."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from google.protobuf import struct_pb2, timestamp_pb2

from lms.platform.models import as_utc


def timestamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(as_utc(value))
    return stamp


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
