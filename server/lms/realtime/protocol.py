"""The JSON messages of the WebSocket protocol (documented in protos/lms/realtime/v1/realtime.proto).

Client messages are parsed with the `ClientMessage` proto, so a field of the wrong type is an
`error` frame naming it; server frames are built here, one compact JSON object per frame.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from google.protobuf import json_format

from lms.platform.protos import timestamp
from lms.realtime.v1 import realtime_pb2

# Close codes (realtime_pb2.CloseCode), with the reasons clients see.
CLOSE_UNAUTHENTICATED = realtime_pb2.CLOSE_CODE_UNAUTHENTICATED
CLOSE_SLOW_CONSUMER = realtime_pb2.CLOSE_CODE_SLOW_CONSUMER
CLOSE_TOO_MANY_MESSAGES = realtime_pb2.CLOSE_CODE_TOO_MANY_MESSAGES
CLOSE_SERVICE_RESTART = realtime_pb2.CLOSE_CODE_SERVICE_RESTART
CLOSE_TRY_AGAIN_LATER = realtime_pb2.CLOSE_CODE_TRY_AGAIN_LATER
REASON_NO_TOKEN = "Authentication credentials were not provided."
REASON_BAD_TOKEN = "Given token not valid for any token type"
REASON_EXPIRED = "Token expired."
REASON_SLOW = "Too slow: events were not read fast enough. Reconnect with last_event_id to resume."
REASON_FLOOD = "Too many messages."


def restart_reason(last_event_id: int) -> str:
    """The close reason of a stopping server: the reconnect hint with the client's own position."""
    return f"Server restarting. Reconnect with last_event_id={last_event_id} to resume."



def busy_reason(jitter_ms: int) -> str:
    """The reason of a 1013 close (at most 123 bytes): how long to spread the next attempt over."""
    return f"Server busy. Reconnect after a random delay of up to {jitter_ms} ms, with last_event_id."


CLIENT_TYPES = ("subscribe", "unsubscribe", "resume", "chat_message", "ping", "authenticate")


class BadMessage(Exception):
    """A client message the server cannot act on; answered with an error frame."""

    def __init__(self, code: str, reason: str, **extra: Any):
        super().__init__(reason)
        self.code, self.reason, self.extra = code, reason, extra


def parse(raw: str | bytes) -> tuple[realtime_pb2.ClientMessage, Any, frozenset[str]]:
    """The client message, its `ref` (None when absent) and the keys it sent; raises BadMessage."""
    if isinstance(raw, bytes):
        raise BadMessage("invalid_message", "Send JSON text frames.")
    try:
        obj = json.loads(raw)
    except ValueError as exc:
        raise BadMessage("invalid_message", f"JSON parse error - {exc}") from None
    except RecursionError:  # deeply nested arrays or objects: an error frame, not a dropped connection
        raise BadMessage("invalid_message", "JSON parse error - the message is nested too deeply.") from None
    if not isinstance(obj, dict):
        raise BadMessage("invalid_message", "A message must be a JSON object.")
    ref = obj.get("ref")
    try:
        message = json_format.ParseDict(obj, realtime_pb2.ClientMessage(), ignore_unknown_fields=True)
    except json_format.ParseError as exc:
        raise BadMessage("invalid_message", f"Invalid message: {exc}", ref=ref) from None
    except RecursionError:
        raise BadMessage("invalid_message", "Invalid message: nested too deeply.", ref=ref) from None
    if not message.type:
        raise BadMessage("invalid_message", "The message has no type.", ref=ref)
    if message.type not in CLIENT_TYPES:
        raise BadMessage("unknown_type", f"Unknown message type {message.type!r}; expected one of "
                                         f"{', '.join(CLIENT_TYPES)}.", ref=ref)
    if message.HasField("last_event_id") and message.last_event_id < 0:
        raise BadMessage("invalid_resume", "last_event_id must be 0 or more.", ref=ref)
    return message, ref, frozenset(obj)


def dumps(obj: dict) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def rfc3339(value: datetime) -> str:
    return timestamp(value).ToJsonString()


def event_frame(event_id: int, event_type: str, room: str, data: Any, created_at: datetime) -> bytes:
    """An Event frame, UTF-8 encoded once and written to every subscriber."""
    return dumps({"type": event_type, "room": room, "id": event_id, "data": data,
                  "created_at": rfc3339(created_at)}).encode()


def reply(kind: str, ref: Any = None, **fields: Any) -> str:
    frame = {"type": kind, **fields}
    if ref is not None:
        frame["ref"] = ref
    return dumps(frame)


def error(code: str, reason: str, ref: Any = None, **extra: Any) -> str:
    return reply("error", ref, code=code, reason=reason, **extra)
