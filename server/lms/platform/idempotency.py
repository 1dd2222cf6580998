"""Idempotency keys: a write sent twice is done once.

A client that may send a write again (its answer was lost; the edge's retry after a worker died while
holding the request) sends `Idempotency-Key: <key>`. The key is recorded in the request's own unit of
work, before the handler runs, and the answer is stored with it; the transaction commits the effects,
the key and the answer together or none of them. A repeat of the key by the same user gets the stored
answer (status, headers and body) without running the handler again; a repeat while the first is
still running waits for it (PostgreSQL's unique index holds the second insert until the first commits)
and then gets its answer; the same key with a different request is refused (400, as Stripe does); a failed
request stores nothing, so its repeat runs again. A replayed answer carries `Idempotent-Replayed: true`.
This follows Stripe's API and the IETF draft "The Idempotency-Key HTTP Header Field". Because a keyed POST
is safe to repeat, the edge retries it after an upstream reset like a PUT (lms.app.edge). Stored answers
are encrypted (lms.platform.secrets): a checkout's answer holds a payment's client secret.

Keys are per tenant and user (anonymous writes are not keyed) and kept for `LMS_IDEMPOTENCY_TTL_HOURS`.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from datetime import datetime, timedelta

import grpc
from sqlalchemy import Index, Integer, LargeBinary, String, Text, UniqueConstraint, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform import background
from lms.platform.context import Call, Runtime
from lms.platform.db import ALL_TENANTS, unit_of_work
from lms.platform.errors import LmsError, ValidationError
from lms.platform.models import Base, TenantScoped, UtcDateTime, utcnow
from lms.platform.secrets import InvalidToken, cipher

log = logging.getLogger("lms.idempotency")

HEADER = "idempotency-key"
REPLAYED_HEADER = ("idempotent-replayed", "true")
PURPOSE = b"idempotent-answers"
FIELD = "Idempotency-Key"  # how errors name it (DRF names a header by itself)
MAX_KEY_LENGTH = 255
# Printable ASCII without spaces at the ends: UUIDs, ULIDs and client-made strings all fit.
_KEY = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
PRUNE_BATCH = 1000
PRUNE_INTERVAL_SECONDS = 300


class IdempotentRequest(TenantScoped, Base):
    """One keyed write of a user, with the answer it got (NULL until the handler has answered)."""

    __tablename__ = "idempotent_requests"
    __tenant_index__ = False
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id", "key", name="uq_idempotent_requests_tenant_id_user_id_key"),
        Index("ix_idempotent_requests_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    method: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    response: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    response_headers: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class KeyReused(LmsError):
    """The key was already used for a different request (Stripe's 400; the IETF draft says 422)."""

    code, http_status, reason = grpc.StatusCode.INVALID_ARGUMENT, 400, "IDEMPOTENCY_KEY_REUSED"

    def __init__(self):
        super().__init__("Keys for idempotent requests can only be used with the same parameters they were first "
                         "used with; use another Idempotency-Key for a different request.")


class StillRunning(LmsError):
    """The first request with the key has not answered yet (the IETF draft's 409)."""

    code, http_status, reason = grpc.StatusCode.ABORTED, 409, "IDEMPOTENCY_KEY_IN_USE"

    def __init__(self):
        super().__init__("A request with this Idempotency-Key is still being processed; try again.")


class Replay:
    """A stored answer: the serialized response and the headers to send it with."""

    def __init__(self, response: bytes, headers: list[tuple[str, str]]):
        self.response = response
        self.headers = [*headers, REPLAYED_HEADER]


def requested_key(call: Call, http_method: str) -> str | None:
    """The request's key if it is a keyed write of a signed-in user, else None; 400 if malformed."""
    key = call.metadata.get(HEADER)
    if key is None or http_method not in WRITE_METHODS or call.principal is None:
        return None
    if len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        raise ValidationError({FIELD: [f"Enter 1 to {MAX_KEY_LENGTH} printable ASCII characters."]})
    return key


def fingerprint(method: str, request) -> str:
    """What makes two requests the same: the RPC and its message (serialized deterministically)."""
    digest = hashlib.sha256(method.encode())
    digest.update(b"\0")
    digest.update(request.SerializeToString(deterministic=True))
    return digest.hexdigest()


async def claim(call: Call, key: str, method: str, print_: str) -> Replay | int:
    """Records the key in the call's unit of work and returns its row id, or the stored answer of an
    earlier request with the key. May raise IntegrityError when a concurrent request holds the key
    (the caller rolls back and asks `stored_answer`)."""
    session = await call.session()
    existing = await _stored(call, key)
    if existing is not None:
        return _answer(call, existing, method, print_)
    row = IdempotentRequest(user_id=call.principal.user_id, key=key, method=method, fingerprint=print_)
    session.add(row)
    await session.flush()
    return row.id


async def stored_answer(call: Call, key: str, method: str, print_: str) -> Replay | None:
    """After a unique violation: the answer of the concurrent request with the key that committed first,
    or None if there is none (the violation was the handler's own). The call has a fresh session."""
    existing = await _stored(call, key)
    return None if existing is None else _answer(call, existing, method, print_)


async def remember(call: Call, row_id: int, response) -> None:
    """Stores the handler's answer with the key, in the same transaction as its effects."""
    session = await call.session()
    await session.execute(update(IdempotentRequest).where(IdempotentRequest.id == row_id).values(
        response=cipher(call.runtime.settings, PURPOSE).encrypt(response.SerializeToString()),
        response_headers=json.dumps(list(call.response_headers))))


async def prune(session, now: datetime, ttl: timedelta, batch: int = PRUNE_BATCH) -> int:
    """Deletes up to `batch` keys older than `ttl` (in an all-tenants unit of work); returns how many."""
    ids = select(IdempotentRequest.id).where(IdempotentRequest.created_at < now - ttl).limit(batch)
    result = await session.execute(delete(IdempotentRequest).where(IdempotentRequest.id.in_(ids)))
    return result.rowcount or 0


async def prune_forever(runtime: Runtime, stop: asyncio.Event, interval: float = PRUNE_INTERVAL_SECONDS) -> None:
    """The worker's pruner: deletes expired keys in batches, at start and then every `interval` seconds."""
    ttl = timedelta(hours=runtime.settings.idempotency_ttl_hours)

    async def prune_all() -> None:
        while True:
            async with unit_of_work(runtime.sessions, ALL_TENANTS) as session:
                if await prune(session, utcnow(), ttl) < PRUNE_BATCH:
                    return

    await background.every(interval, stop, prune_all, "pruning idempotency keys failed")


background.register("idempotency keys", prune_forever)


async def _stored(call: Call, key: str) -> IdempotentRequest | None:
    session = await call.session()
    return (await session.execute(select(IdempotentRequest).where(
        IdempotentRequest.user_id == call.principal.user_id, IdempotentRequest.key == key))).scalar_one_or_none()


def _answer(call: Call, row: IdempotentRequest, method: str, print_: str) -> Replay:
    if row.method != method or row.fingerprint != print_:
        raise KeyReused()
    if row.response is None:  # (only seen inside the transaction that wrote it)
        raise StillRunning()
    try:
        response = cipher(call.runtime.settings, PURPOSE).decrypt(row.response)
    except InvalidToken:  # LMS_SECRET_KEY changed since: the answer is lost, and so is the key's promise
        raise StillRunning() from None
    return Replay(response, [tuple(pair) for pair in json.loads(row.response_headers)])

