"""Domain errors and the one place that turns them into gRPC statuses.

Each error carries its canonical gRPC code, the exact DRF-shaped JSON body web clients expect,
and the HTTP status the edge should answer with. `to_rich_status` packs all of it into a
`google.rpc.Status`: gRPC callers get `ErrorInfo`/`BadRequest`/`RetryInfo` details, and the edge's
Lua filter lifts the `google.protobuf.Struct` detail out as the HTTP body.
"""
from __future__ import annotations

import math

import grpc
from google.protobuf import any_pb2, duration_pb2, struct_pb2
from google.rpc import error_details_pb2, status_pb2

ERROR_DOMAIN = "lms.example.com"

MSG_NOT_AUTHENTICATED = "Authentication credentials were not provided."
MSG_BAD_TOKEN = "Given token not valid for any token type"
MSG_PERMISSION_DENIED = "You do not have permission to perform this action."
MSG_NOT_FOUND = "Not found."
MSG_INTERNAL = "Internal server error."
MSG_REQUIRED = "This field is required."


class LmsError(Exception):
    """Base of every error a request may end with on purpose."""

    code: grpc.StatusCode = grpc.StatusCode.INTERNAL
    http_status: int = 500
    reason: str = "INTERNAL"

    def __init__(self, detail: str | None = None):
        self.detail = detail or MSG_INTERNAL
        super().__init__(self.detail)

    def body(self) -> dict:
        """The JSON body the edge answers with."""
        return {"detail": self.detail}

    def message(self) -> str:
        """A one-line human message for gRPC callers."""
        return self.detail

    def extra_details(self) -> list:
        return []


class NotAuthenticated(LmsError):
    code, http_status, reason = grpc.StatusCode.UNAUTHENTICATED, 401, "NOT_AUTHENTICATED"

    def __init__(self, detail: str = MSG_NOT_AUTHENTICATED):
        super().__init__(detail)


class AuthenticationFailed(LmsError):
    code, http_status, reason = grpc.StatusCode.UNAUTHENTICATED, 401, "TOKEN_NOT_VALID"

    def __init__(self, detail: str = MSG_BAD_TOKEN, why: str = ""):
        super().__init__(detail)
        self.why = why  # logged, never shown: which check failed


class PermissionDenied(LmsError):
    code, http_status, reason = grpc.StatusCode.PERMISSION_DENIED, 403, "PERMISSION_DENIED"

    def __init__(self, detail: str = MSG_PERMISSION_DENIED):
        super().__init__(detail)


class NotFound(LmsError):
    code, http_status, reason = grpc.StatusCode.NOT_FOUND, 404, "NOT_FOUND"

    def __init__(self, detail: str = MSG_NOT_FOUND):
        super().__init__(detail)


class Throttled(LmsError):
    code, http_status, reason = grpc.StatusCode.RESOURCE_EXHAUSTED, 429, "THROTTLED"

    def __init__(self, wait_seconds: float, bucket: str = ""):
        self.wait = max(1, math.ceil(wait_seconds))
        self.bucket = bucket  # the rate-limit bucket that was full ("user", "anon", "upload", ...)
        super().__init__(f"Request was throttled. Expected available in {self.wait} seconds.")

    def extra_details(self) -> list:
        return [error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=self.wait))]


class PayloadTooLarge(LmsError):
    code, http_status, reason = grpc.StatusCode.INVALID_ARGUMENT, 413, "PAYLOAD_TOO_LARGE"


class ParseError(LmsError):
    """A body that cannot be parsed as its content type says: 400 `{"detail": ...}` (DRF's ParseError)."""

    code, http_status, reason = grpc.StatusCode.INVALID_ARGUMENT, 400, "PARSE_ERROR"

    def __init__(self, detail: str):
        super().__init__(detail)


class UnsupportedMediaType(LmsError):
    """A request body of a content type the route does not parse (DRF's 415)."""

    code, http_status, reason = grpc.StatusCode.INVALID_ARGUMENT, 415, "UNSUPPORTED_MEDIA_TYPE"

    def __init__(self, media_type: str):
        super().__init__(f'Unsupported media type "{media_type}" in request.')


class RangeNotSatisfiable(LmsError):
    """A `Range` header that selects no byte of the file (HTTP 416)."""

    code, http_status, reason = grpc.StatusCode.OUT_OF_RANGE, 416, "RANGE_NOT_SATISFIABLE"

    def __init__(self, size: int):
        self.size = size
        super().__init__(f"Requested range not satisfiable: the file has {size} bytes.")


class Unavailable(LmsError):
    code, http_status, reason = grpc.StatusCode.UNAVAILABLE, 503, "UNAVAILABLE"

    def __init__(self, detail: str = "Service temporarily unavailable.", body: dict | None = None,
                 retry_after: int | None = None):
        super().__init__(detail)
        self._body = body
        self.retry_after = retry_after  # seconds: RetryInfo for gRPC callers, `Retry-After` at the edge

    def body(self) -> dict:
        return self._body or super().body()

    def extra_details(self) -> list:
        if self.retry_after is None:
            return []
        return [error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=self.retry_after))]


class ValidationError(LmsError):
    """Invalid input: `{"field": ["message", ...]}`, or `{"non_field_errors": [...]}` across fields."""

    code, http_status, reason = grpc.StatusCode.INVALID_ARGUMENT, 400, "INVALID_ARGUMENT"

    def __init__(self, errors: dict | str | list):
        if isinstance(errors, str):
            errors = {"non_field_errors": [errors]}
        elif isinstance(errors, list):
            errors = {"non_field_errors": errors}
        self.errors = errors
        super().__init__(self.message())

    def body(self) -> dict:
        return self.errors

    def message(self) -> str:
        return "; ".join(f"{field}: {' '.join(_flatten(messages))}" for field, messages in self.errors.items())

    def extra_details(self) -> list:
        violations = [
            error_details_pb2.BadRequest.FieldViolation(field=field, description=text)
            for field, messages in self.errors.items()
            for text in _flatten(messages)
        ]
        return [error_details_pb2.BadRequest(field_violations=violations)]


class AlreadyExists(ValidationError):
    """A duplicate the client asked to create; DRF answers these with a 400 like other validation errors."""

    code, reason = grpc.StatusCode.ALREADY_EXISTS, "ALREADY_EXISTS"


class FailedPrecondition(ValidationError):
    """The request is well-formed but the objects are not in a state that allows it (HTTP 400)."""

    code, reason = grpc.StatusCode.FAILED_PRECONDITION, "FAILED_PRECONDITION"


def _flatten(messages) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [f"{k}: {m}" for k, v in messages.items() for m in _flatten(v)]
    out = []
    for item in messages:
        out.extend(_flatten(item))
    return out


def _pack(message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def to_rich_status(error: LmsError) -> tuple[grpc.StatusCode, str, bytes]:
    """Returns (code, message, serialized google.rpc.Status) for `error`.

    The Struct detail comes first: the edge renders it as the HTTP body, and ErrorInfo's
    `http_status` tells the edge which HTTP status to use when gRPC's mapping differs.
    """
    body = struct_pb2.Struct()
    body.update(error.body())
    info = error_details_pb2.ErrorInfo(
        reason=error.reason, domain=ERROR_DOMAIN, metadata={"http_status": str(error.http_status)})
    details = [_pack(body), _pack(info), *(_pack(d) for d in error.extra_details())]
    message = error.message()
    status = status_pb2.Status(code=error.code.value[0], message=message, details=details)
    return error.code, message, status.SerializeToString()
