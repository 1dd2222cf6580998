"""Reading the activity log (tenant admins), and pruning it past its retention."""
from __future__ import annotations

import asyncio
import logging
import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.activitylog.catalog import ACTIVITY_TYPES
from lms.activitylog.models import ActivityLog
from lms.platform import background
from lms.platform.actor import Actor
from lms.platform.db import ALL_TENANTS, unit_of_work
from lms.platform.errors import PermissionDenied, ValidationError
from lms.platform.models import utcnow
from lms.platform.pagination import PageRequest
from lms.platform.validation import parse_datetime

log = logging.getLogger("lms.activitylog")
PRUNE_BATCH = 1000  # rows one DELETE removes
PRUNE_INTERVAL_SECONDS = 3600.0
PRUNE_PAUSE_SECONDS = 0.05  # between batches, so a large backlog does not monopolise the database


def _bound(value: str, field: str, *, end: bool) -> datetime:
    """django-filter's date/datetime filters: a date (YYYY-MM-DD) covers its whole day; a moment is exact."""
    text = value.strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is not None:
        moment = datetime.combine(day, time.min, tzinfo=timezone.utc)
        return moment + timedelta(days=1) if end else moment
    parsed = parse_datetime(text) if text else None
    if parsed is None:
        raise ValidationError({field: ["Enter a valid date/time."]})
    return parsed


async def list_logs(session: AsyncSession, actor: Actor, page: PageRequest, *, user_id: str | None = None,
                    activity_type: str | None = None, date_from: str | None = None, date_to: str | None = None,
                    object_type: str | None = None, object_id: str | None = None) -> tuple[list[ActivityLog], int]:
    if not actor.is_admin:
        raise PermissionDenied()
    conditions = []
    if activity_type is not None:
        if activity_type not in ACTIVITY_TYPES:
            raise ValidationError({"activity_type": [
                f"Select a valid choice. {activity_type} is not one of the available choices."]})
        conditions.append(ActivityLog.activity_type == activity_type)
    if user_id is not None:
        conditions.append(ActivityLog.user_id == user_id)
    if object_type is not None:
        conditions.append(ActivityLog.object_type == object_type)
    if object_id is not None:
        conditions.append(ActivityLog.object_id == object_id)
    if date_from is not None:
        conditions.append(ActivityLog.created_at >= _bound(date_from, "date_from", end=False))
    if date_to is not None:
        low = _bound(date_to, "date_to", end=True)
        conditions.append(ActivityLog.created_at < low if len(date_to.strip()) == 10 else
                          ActivityLog.created_at <= low)
    total = int(await session.scalar(select(func.count()).select_from(ActivityLog).where(*conditions)) or 0)
    rows = list(await session.scalars(select(ActivityLog).where(*conditions)
                                      .order_by(ActivityLog.created_at.desc(), ActivityLog.id.desc())
                                      .offset(page.offset).limit(page.size)))
    return rows, total


async def prune(sessions, retention_days: int, *, now: datetime | None = None, batch: int = PRUNE_BATCH) -> int:
    """Deletes every tenant's rows older than the retention, `batch` rows per transaction; returns how many."""
    if retention_days <= 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    oldest = (select(ActivityLog.id).where(ActivityLog.created_at < cutoff)
              .order_by(ActivityLog.id).limit(batch).scalar_subquery())
    removed = 0
    while True:
        async with unit_of_work(sessions, ALL_TENANTS) as session:
            result = await session.execute(delete(ActivityLog).where(ActivityLog.id.in_(oldest))
                                           .execution_options(synchronize_session=False))
        removed += result.rowcount or 0
        if (result.rowcount or 0) < batch:
            return removed
        await asyncio.sleep(PRUNE_PAUSE_SECONDS)


async def prune_forever(runtime, stop: asyncio.Event, interval: float = PRUNE_INTERVAL_SECONDS) -> None:
    """A worker's retention task: prunes soon after start, then every `interval` (with jitter) until `stop`."""
    settings = runtime.settings

    async def prune_once() -> None:
        removed = await prune(runtime.sessions, settings.activity_retention_days)
        if removed:
            log.info("pruned", extra={"fields": {"rows": removed, "days": settings.activity_retention_days}})

    await background.every(interval, stop, prune_once, "activity log pruning failed",
                           first_delay=random.uniform(5, 30), jitter=0.1)
