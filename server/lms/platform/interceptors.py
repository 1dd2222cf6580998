"""The call interceptor: the one funnel every LMS RPC passes through.

For each call it authenticates the caller (JWT from `authorization` metadata), resolves the
tenant, charges the rate limits, makes a `Call` current for the servicer, commits or rolls back
the request's unit of work, tells the edge how to shape a success (status, bare array) and turns
every failure into a canonical gRPC status with rich details. Servicers contain none of this.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid

import grpc
from google.api import annotations_pb2
from google.protobuf.descriptor import ServiceDescriptor
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from lms.common.v1 import options_pb2
from lms.platform import hooks, idempotency, metrics, querycount, tracing, trust
from lms.platform.auth import is_valid_tenant
from lms.platform.context import HTTP_STATUS_HEADER, Call, Runtime, reset_current_call, set_current_call
from lms.platform.storage import STORAGE_RETRY_AFTER, storage_unreachable
from lms.platform.validation import null_character_errors
from lms.platform.errors import (
    AuthenticationFailed,
    LmsError,
    NotAuthenticated,
    PermissionDenied,
    Throttled,
    Unavailable,
    ValidationError,
    to_rich_status,
)

log = logging.getLogger("lms.rpc")
# Response metadata the edge's Lua filter turns into an HTTP status and a bare array body.
HEADER_STATUS = HTTP_STATUS_HEADER
HEADER_BARE_ARRAY = "x-lms-bare-array"
# Set by the edge: the client's HTTP version ("HTTP/1.1", "HTTP/2").
HEADER_DOWNSTREAM_PROTOCOL = "x-lms-downstream-protocol"
# A failed streamed upload from an HTTP/2 client is read to its end (and dropped) before the answer:
# answering while the client still sends makes the gRPC server reset the stream, and Envoy passes
# that on to an HTTP/2 client as a stream reset instead of the 413/400/403. (HTTP/1.1 clients get
# the answer at once: Envoy sends it and closes the connection.) Bounded in bytes and time.
DRAIN_MAX_BYTES = 160 * 1024 * 1024
DRAIN_MAX_SECONDS = 60.0


@dataclasses.dataclass(frozen=True)
class MethodPolicy:
    http_template: str
    http_method: str  # the route's verb, lower case ("" for RPCs without a route)
    success_headers: tuple[tuple[str, str], ...]
    allow_anonymous: bool
    rate_limit_bucket: str
    unthrottled: bool


def method_policies(services: list[ServiceDescriptor]) -> dict[str, MethodPolicy]:
    """Reads each method's options from the protos: `/pkg.Service/Method` -> policy."""
    policies = {}
    for service in services:
        for method in service.methods:
            options = method.GetOptions()
            response = options.Extensions[options_pb2.http_response]
            access = options.Extensions[options_pb2.access]
            rule = options.Extensions[annotations_pb2.http]
            pattern = rule.WhichOneof("pattern")
            template = getattr(rule, pattern) if pattern and pattern != "custom" else ""
            headers = []
            if response.status and response.status != 200:
                headers.append((HEADER_STATUS, str(response.status)))
            if response.bare_array_field:
                headers.append((HEADER_BARE_ARRAY, response.bare_array_field))
            policies[f"/{service.full_name}/{method.name}"] = MethodPolicy(
                http_template=template,
                http_method=pattern if template else "",
                success_headers=tuple(headers),
                allow_anonymous=access.allow_anonymous,
                rate_limit_bucket=access.rate_limit_bucket,
                unthrottled=access.unthrottled,
            )
    return policies


class CallInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, runtime: Runtime, policies: dict[str, MethodPolicy]):
        self.runtime = runtime
        self.policies = policies
        self._wrapped: dict[str, grpc.RpcMethodHandler] = {}

    async def intercept_service(self, continuation, handler_call_details):
        method = handler_call_details.method
        wrapped = self._wrapped.get(method)
        if wrapped is not None:
            return wrapped
        handler = await continuation(handler_call_details)
        policy = self.policies.get(method)
        if handler is None or policy is None:
            return handler  # health, reflection: not LMS RPCs
        wrapped = self._wrap(method, policy, handler)
        self._wrapped[method] = wrapped
        return wrapped

    def _wrap(self, method: str, policy: MethodPolicy, handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
        serialize = handler.response_serializer
        serializers = dict(request_deserializer=handler.request_deserializer,
                           # A replayed answer (lms.platform.idempotency) is already serialized.
                           response_serializer=lambda r: r if isinstance(r, bytes) else serialize(r))
        if handler.unary_unary:
            behavior = handler.unary_unary

            async def unary_unary(request, context):
                return await self._run(method, policy, context, lambda: behavior(request, context), request=request)

            return grpc.unary_unary_rpc_method_handler(unary_unary, **serializers)
        if handler.stream_unary:
            behavior_su = handler.stream_unary

            async def stream_unary(request_iterator, context):
                return await self._run(method, policy, context, lambda: behavior_su(request_iterator, context),
                                       requests=request_iterator)

            return grpc.stream_unary_rpc_method_handler(stream_unary, **serializers)
        if handler.unary_stream:
            behavior_us = handler.unary_stream

            async def unary_stream(request, context):
                call, token, started = await self._begin(method, policy, context)
                try:
                    await self._admit(call, policy, context)
                    check_request_text(request)
                    stream = behavior_us(request, context)
                    first = True
                    async for item in stream:
                        if first:
                            await _succeeded(call, request, None)
                            await call.finish(commit=True)
                            await self._send_success_headers(call, policy, context)
                            first = False
                        yield item
                    if first:
                        await _succeeded(call, request, None)
                        await call.finish(commit=True)
                        await self._send_success_headers(call, policy, context)
                except Exception as exc:  # noqa: BLE001 - every failure goes through the funnel
                    await self._fail(call, context, exc)
                finally:
                    await self._end(call, token, started)

            return grpc.unary_stream_rpc_method_handler(unary_stream, **serializers)
        return handler

    async def _run(self, method, policy, context, invoke, requests=None, request=None):
        call, token, started = await self._begin(method, policy, context)
        try:
            await self._admit(call, policy, context)
            if request is not None:
                check_request_text(request)
                key = idempotency.requested_key(call, policy.http_method)
                if key is not None:
                    return await self._run_once(call, policy, context, invoke, request, key)
            response = await invoke()
            await _succeeded(call, request, response)
            await call.finish(commit=True)
            await self._send_success_headers(call, policy, context)
            return response
        except Exception as exc:  # noqa: BLE001 - every failure goes through the funnel
            await self._fail(call, context, exc, requests)
        finally:
            await self._end(call, token, started)

    async def _run_once(self, call: Call, policy: MethodPolicy, context, invoke, request, key: str):
        """A keyed write (lms.platform.idempotency): the stored answer if the key was used, else runs the
        handler and stores its answer in the same transaction."""
        fingerprint = idempotency.fingerprint(call.method, request)
        try:
            claimed = await idempotency.claim(call, key, call.method, fingerprint)
            if isinstance(claimed, idempotency.Replay):
                replay = claimed
            else:
                response = await invoke()
                await _succeeded(call, request, response)
                await idempotency.remember(call, claimed, response)
                await call.finish(commit=True)
                await self._send_success_headers(call, policy, context)
                return response
        except IntegrityError:
            # A concurrent request with the key committed first (PostgreSQL held this insert until then)?
            await call.finish(commit=False)
            replay = await idempotency.stored_answer(call, key, call.method, fingerprint)
            if replay is None:
                raise
        await call.finish(commit=True)
        call.add_response_headers(replay.headers)
        await self._send_success_headers(call, policy, context)
        return replay.response

    async def _begin(self, method, policy, context):
        metadata = {}
        for key, value in context.invocation_metadata() or ():
            if not key.endswith("-bin"):
                metadata[key] = value
        settings = self.runtime.settings
        peer = trust.peer_address(context.peer())
        trusted = trust.is_trusted_proxy(peer, settings.trusted_proxies)
        if not trusted:  # what only a proxy may tell (client address, host, original path) is ignored
            metadata = {k: v for k, v in metadata.items() if k not in trust.PROXY_METADATA}
        span, trace_token = tracing.start_call(method, metadata)
        request_id = tracing.trace_id(span) if span is not None else tracing.request_id_of(metadata)
        call = Call(runtime=self.runtime, method=method, metadata=metadata, http_template=policy.http_template,
                    request_id=request_id or uuid.uuid4().hex,
                    client_address=trust.client_address(metadata, peer, trusted))
        if span is not None:
            call.trace = (span, trace_token)
        token = set_current_call(call)
        return call, token, time.perf_counter()

    async def _admit(self, call: Call, policy: MethodPolicy, context) -> None:
        """Checks the host, authenticates, resolves the tenant and charges the rate limits."""
        host = call.metadata.get("x-forwarded-host")  # (set by the edge; only kept from a trusted proxy)
        if host is not None and not trust.host_allowed(host, self.runtime.settings.allowed_hosts):
            raise trust.InvalidHost()
        auth = call.metadata.get("authorization", "")
        header_tenant = call.metadata.get("x-tenant-id", "").strip()
        if auth:
            scheme, _, token = auth.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise AuthenticationFailed(why="authorization is not a Bearer token")
            principal = self.runtime.verifier.verify(token.strip())
            if header_tenant and header_tenant != principal.tenant_id:
                raise PermissionDenied()
            call.principal, call.tenant_id = principal, principal.tenant_id
        elif policy.allow_anonymous:
            if header_tenant and not is_valid_tenant(header_tenant):
                raise ValidationError({"X-Tenant-ID": ["Enter a valid tenant id."]})
            call.tenant_id = header_tenant or None
        else:
            raise NotAuthenticated()
        if policy.unthrottled:
            return
        if policy.rate_limit_bucket == "anon":
            # Public lookups worth walking (certificate verification): the client address's anonymous budget,
            # whether or not the caller sent a token.
            call.rate_key = call.client_address
            await self.runtime.rate_limits.charge(call.client_address, False)
            return
        if call.principal is not None:
            caller = f"{call.principal.tenant_id}:{call.principal.user_id}"
        else:
            caller = call.client_address
        call.rate_key = caller
        await self.runtime.rate_limits.charge(caller, call.principal is not None, policy.rate_limit_bucket)
        if policy.rate_limit_bucket:
            call.charged_buckets.add(policy.rate_limit_bucket)

    async def _send_success_headers(self, call: Call, policy: MethodPolicy, context) -> None:
        headers = policy.success_headers + tuple(call.response_headers) + querycount.response_headers(call)
        if headers:
            await context.send_initial_metadata(headers)

    async def _fail(self, call: Call, context, exc: Exception, requests=None) -> None:
        try:
            await call.finish(commit=False)
        except Exception:  # noqa: BLE001 - the original error matters more
            log.exception("rollback failed")
        if requests is not None and call.metadata.get(HEADER_DOWNSTREAM_PROTOCOL, "").startswith("HTTP/2"):
            await _drain(requests)
        if isinstance(exc, grpc.aio.AbortError):
            call.outcome = "ABORTED_BY_HANDLER"
            raise exc
        if isinstance(exc, IntegrityError):
            log.warning("integrity error", extra={"fields": {"request_id": call.request_id, "error": str(exc.orig)}})
            exc = ValidationError("The request conflicts with the current state of the data; try again.")
        elif isinstance(exc, OperationalError) and "locked" in str(exc.orig):
            exc = Unavailable()
        elif database_unreachable(exc):
            log.warning("database unavailable", extra={"fields": {"request_id": call.request_id, "error": str(exc)}})
            exc = Unavailable(retry_after=DATABASE_RETRY_AFTER)
        elif storage_unreachable(exc):
            log.warning("storage unavailable", extra={"fields": {"request_id": call.request_id, "error": str(exc)}})
            exc = Unavailable(retry_after=STORAGE_RETRY_AFTER)
        elif not isinstance(exc, LmsError):
            log.exception("unhandled error", extra={"fields": {"request_id": call.request_id, "method": call.method}})
            exc = LmsError()
        if isinstance(exc, AuthenticationFailed):
            log.info("token rejected", extra={"fields": {"request_id": call.request_id, "why": exc.why}})
        elif isinstance(exc, (PermissionDenied, Throttled)):
            if isinstance(exc, Throttled):
                metrics.rate_limited(exc.bucket)
            if hooks.call_refused.connected:
                try:
                    await hooks.call_refused.fire(call, exc)
                except Exception:  # noqa: BLE001 - the refusal is answered whatever its record does
                    log.exception("refusal hook failed", extra={"fields": {"request_id": call.request_id}})
        code, message, details = to_rich_status(exc)
        call.outcome = code.name
        await context.abort(code, message, trailing_metadata=(("grpc-status-details-bin", details),))

    async def _end(self, call: Call, token, started: float) -> None:
        reset_current_call(token)
        if call.has_pending_work:  # an abort or cancellation before finish(): never leak a transaction
            await call.finish(commit=False)
        seconds = time.perf_counter() - started
        metrics.observe_call(call.method, call.outcome, seconds)
        if call.trace is not None:
            tracing.end_call(*call.trace, call.outcome, call.tenant_id,
                             call.principal.user_id if call.principal else None)
        if not log.isEnabledFor(logging.INFO):  # (the access log's fields are not even built)
            return
        log.info("rpc", extra={"fields": {
            "method": call.method,
            "code": call.outcome,
            "ms": round(seconds * 1000, 2),
            "request_id": call.request_id,
            "tenant": call.tenant_id,
            "user": call.principal.user_id if call.principal else None,
        }})


async def _succeeded(call: Call, request, response) -> None:
    """Tells the hooks (the activity log) about a successful call while its unit of work is still open."""
    if hooks.call_succeeded.connected:
        await hooks.call_succeeded.fire(call, request, response)


def check_request_text(request) -> None:
    """NUL in any text field of a request is DRF's 400, before the database (PostgreSQL refuses NUL) sees it."""
    errors = null_character_errors(request)
    if errors:
        raise ValidationError(errors)


DATABASE_RETRY_AFTER = 1  # seconds a client is told to wait when the database cannot be reached


def database_unreachable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached or dropped the connection (503, not 500):
    a refused or failed connection, a connection the server closed, an administrator shutdown."""
    if isinstance(exc, PoolTimeout):
        return True  # every pooled connection stayed busy past the pool's timeout: overloaded, try again
    if isinstance(exc, DBAPIError) and (exc.connection_invalidated or isinstance(exc, (OperationalError,
                                                                                      InterfaceError))):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - SQLite-only installs
        return False
    # The read path (lms.platform.db.execute_alone) sends through psycopg itself.
    return isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError))


async def _drain(requests) -> None:
    """Reads and drops the rest of a client stream, within DRAIN_MAX_BYTES and DRAIN_MAX_SECONDS."""
    drained = 0
    try:
        async with asyncio.timeout(DRAIN_MAX_SECONDS):
            async for message in requests:
                drained += message.ByteSize()
                if drained > DRAIN_MAX_BYTES:
                    return
    except Exception:  # noqa: BLE001 - a broken or timed-out stream: answer anyway
        return
