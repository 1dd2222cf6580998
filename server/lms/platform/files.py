"""The register of stored objects: which object belongs to which tenant and course, and its life cycle.

Every object an upload writes has a `stored_files` row, so no object is ever unaccounted for:

    pending  -- written before the object: the upload is streaming or its request has not committed;
                `expires_at` is when the sweeper may delete an upload that never finished (a crash).
    active   -- set in the same transaction as the domain row that refers to the object.
    deleting -- set in the same transaction that deletes the domain row (`discard`); the object is
                deleted after the commit, then the row. A rolled-back transaction never loses a file.

`sweep` (every worker runs it periodically) deletes the objects of expired `pending` and of
`deleting` rows whose after-commit deletion failed (storage down, process killed), so a deleted
row never leaves an object behind for longer than one sweep. Downloads look objects up here too:
the row gives the course, the content type decided from the bytes, and who uploaded it.
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import BigInteger, Index, Integer, String, UniqueConstraint, and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from lms.platform import background
from lms.platform.context import Call, Runtime
from lms.platform.db import ALL_TENANTS, unit_of_work
from lms.platform.models import Base, TenantScoped, UtcDateTime, utcnow

log = logging.getLogger("lms.files")
PENDING, ACTIVE, DELETING = "pending", "active", "deleting"
PENDING_TTL = timedelta(hours=2)  # longer than any upload may take through the edge
SWEEP_INTERVAL_SECONDS = 300
SWEEP_BATCH = 500


class StoredFile(TenantScoped, Base):
    """One object in storage, owned by a tenant (and usually a course)."""

    __tablename__ = "stored_files"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_stored_files_tenant_course", "tenant_id", "course_id"),
        Index("ix_stored_files_state_expires", "state", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(500))
    course_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # no FK: rows outlive their course
    kind: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), default=0)
    uploaded_by: Mapped[str] = mapped_column(String(128), default="")
    state: Mapped[str] = mapped_column(String(10), default=PENDING)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, default=None)


async def reserve(runtime: Runtime, tenant_id: str, *, key: str, course_id: int | None, kind: str, filename: str,
                  content_type: str, uploaded_by: str) -> None:
    """Records a `pending` object in its own short transaction, before a byte of it is written."""
    async with unit_of_work(runtime.sessions, tenant_id) as session:
        session.add(StoredFile(key=key, course_id=course_id, kind=kind, filename=filename, content_type=content_type,
                               uploaded_by=uploaded_by, state=PENDING, expires_at=utcnow() + PENDING_TTL))


async def activate(session: AsyncSession, key: str, size: int) -> bool:
    """Marks a written object as in use, in the transaction of the row that refers to it."""
    result = await session.execute(
        update(StoredFile).where(StoredFile.key == key, StoredFile.state == PENDING)
        .values(state=ACTIVE, size=size, expires_at=None).execution_options(synchronize_session=False))
    return result.rowcount == 1


async def store_generated(session: AsyncSession, call: Call, *, key: str, data: bytes, content_type: str,
                          course_id: int | None, kind: str, filename: str, owner: str) -> None:
    """Stores a file the service made itself (a certificate PDF) as an `active` object of the call's
    transaction: its row commits with the rows that refer to it, and a rollback deletes the object."""
    session.add(StoredFile(key=key, course_id=course_id, kind=kind, filename=filename, content_type=content_type,
                           size=len(data), uploaded_by=owner, state=ACTIVE))
    await session.flush()
    runtime = call.runtime

    async def delete_after_rollback() -> None:
        await runtime.storage.delete([key])

    call.after_rollback(delete_after_rollback)
    await runtime.storage.put_bytes(key, data, content_type)


async def discard(session: AsyncSession, call: Call, keys: Iterable[str]) -> None:
    """The objects `keys` are no longer referred to: they are deleted once the call's transaction commits.

    Call it in the transaction that deletes (or replaces) the rows holding the keys.
    """
    keys = sorted({k for k in keys if k})
    if not keys:
        return
    await session.execute(
        update(StoredFile).where(StoredFile.key.in_(keys))
        .values(state=DELETING, expires_at=utcnow()).execution_options(synchronize_session=False))
    runtime, tenant = call.runtime, call.tenant_id

    async def purge_after_commit() -> None:
        await purge(runtime, tenant, keys)

    call.after_commit(purge_after_commit)


async def replace(session: AsyncSession, call: Call, row, field: str, key: str) -> None:
    """Points `row.<field>` at `key` (a newly stored object, or "" for none); the object it pointed at before,
    if another, is discarded: deleted once the call's transaction commits, kept if it rolls back. The one
    way a row's file is replaced (a course thumbnail, a lesson's or resource's file, an assignment's
    instructions, a resubmitted submission's file)."""
    old = getattr(row, field)
    setattr(row, field, key)
    if old and old != key:
        await discard(session, call, [old])


async def discard_course(session: AsyncSession, call: Call, course_id: int) -> None:
    """Every object of a course (thumbnails, resources, lessons, assignments, SCORM, ...) goes with it."""
    keys = await session.scalars(select(StoredFile.key).where(StoredFile.course_id == course_id))
    await discard(session, call, list(keys))


async def purge(runtime: Runtime, tenant_id: str, keys: list[str]) -> None:
    """Deletes the objects, then their rows (unless one was activated meanwhile). Failures are logged;
    the rows stay and the sweeper tries again."""
    if not keys:
        return
    try:
        await runtime.storage.delete(keys)
    except Exception:  # noqa: BLE001 - the sweeper retries
        log.exception("deleting stored objects failed", extra={"fields": {"tenant": tenant_id, "keys": len(keys)}})
        return
    async with unit_of_work(runtime.sessions, tenant_id) as session:
        await session.execute(delete(StoredFile).where(StoredFile.key.in_(keys), StoredFile.state != ACTIVE)
                              .execution_options(synchronize_session=False))


_forgetting: set[asyncio.Task] = set()  # cleanups still running after the call that started them ended


async def forget_pending(runtime: Runtime, tenant_id: str, keys: list[str]) -> None:
    """Removes the objects and `pending` rows of an upload whose stream ended without it being used (rejected,
    failed, or the client went away). The removal finishes even if the waiting call is cancelled meanwhile
    (gRPC cancels a call whose client disconnects, typically right as its stream ends): it runs as a task
    of its own, shielded from the call's cancellation."""
    keys = list(keys)
    if not keys:
        return
    task = asyncio.ensure_future(purge(runtime, tenant_id, keys))
    _forgetting.add(task)
    task.add_done_callback(_forgetting.discard)
    await asyncio.shield(task)


async def sweep(runtime: Runtime, batch: int = SWEEP_BATCH) -> int:
    """Deletes objects of `deleting` rows and of `pending` rows past their expiry; returns how many."""
    now = utcnow()
    async with unit_of_work(runtime.sessions, ALL_TENANTS) as session:
        rows = (await session.execute(
            select(StoredFile.tenant_id, StoredFile.key)
            .where(or_(StoredFile.state == DELETING, and_(StoredFile.state == PENDING, StoredFile.expires_at < now)))
            .order_by(StoredFile.id).limit(batch))).all()
    by_tenant: dict[str, list[str]] = defaultdict(list)
    for tenant_id, key in rows:
        by_tenant[tenant_id].append(key)
    for tenant_id, keys in by_tenant.items():
        await purge(runtime, tenant_id, keys)
    return len(rows)


async def sweep_forever(runtime: Runtime, stop: asyncio.Event, interval: float = SWEEP_INTERVAL_SECONDS) -> None:
    """The worker's background sweeper: once at start, then every `interval` seconds until `stop`."""

    async def sweep_once() -> None:
        swept = await sweep(runtime)
        if swept:
            log.info("swept stored objects", extra={"fields": {"objects": swept}})

    await background.every(interval, stop, sweep_once, "sweeping stored objects failed")
