"""Impression and click counts, recorded cheaply: each worker adds them up in memory and adds its tallies to
the adverts' counter columns every `FLUSH_SECONDS` (one UPDATE per advert with new counts, per tenant one
transaction), instead of writing a row per view. A request only touches a dict.

Ids are not checked when recorded (that would cost a read per view): an unknown or other tenant's id
updates nothing when flushed, since every UPDATE names the tenant. The dict is bounded (`MAX_KEYS`: past it a
flush starts at once). A worker that stops flushes what it holds when its loop cancels the flusher; a crash
loses at most the last interval's counts.
"""
from __future__ import annotations

import asyncio
import logging

from sqlalchemy import bindparam, update

from lms.adverts.models import Advert
from lms.platform.context import Runtime
from lms.platform.db import unit_of_work

FLUSH_SECONDS = 2.0
MAX_KEYS = 10_000
log = logging.getLogger("lms.adverts")

_ADD = (update(Advert.__table__)
        .where(Advert.__table__.c.id == bindparam("advert_id"), Advert.__table__.c.tenant_id == bindparam("tenant"))
        .values(impressions=Advert.__table__.c.impressions + bindparam("n_impressions"),
                clicks=Advert.__table__.c.clicks + bindparam("n_clicks")))


class Tally:
    """The counts of one worker process not yet stored."""

    def __init__(self) -> None:
        self.pending: dict[tuple[str, int], list[int]] = {}
        self._task: asyncio.Task | None = None
        self._lock = asyncio.Lock()

    def add(self, runtime: Runtime, tenant_id: str, advert_id: int, *, impressions: int = 0, clicks: int = 0) -> None:
        entry = self.pending.get((tenant_id, advert_id))
        if entry is None:
            entry = self.pending[(tenant_id, advert_id)] = [0, 0]
        entry[0] += impressions
        entry[1] += clicks
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._flush_forever(runtime))
        if len(self.pending) >= MAX_KEYS:
            asyncio.get_running_loop().create_task(self.flush(runtime))

    async def flush(self, runtime: Runtime, tenant_id: str | None = None) -> None:
        """Stores the pending counts (of one tenant, or all); on failure they stay pending for the next try."""
        async with self._lock:
            taken = {key: counts for key, counts in self.pending.items() if tenant_id in (None, key[0])}
            if not taken:
                return
            for key in taken:
                del self.pending[key]
            by_tenant: dict[str, list[dict]] = {}
            for (tenant, advert_id), (impressions, clicks) in sorted(taken.items()):
                by_tenant.setdefault(tenant, []).append({"advert_id": advert_id, "tenant": tenant,
                                                         "n_impressions": impressions, "n_clicks": clicks})
            for tenant, rows in by_tenant.items():
                try:
                    async with unit_of_work(runtime.sessions, tenant) as session:
                        await (await session.connection()).execute(_ADD, rows)
                except Exception:  # noqa: BLE001 - keep the counts, try again at the next flush
                    log.exception("advert counts not stored; kept for the next flush")
                    for row in rows:
                        entry = self.pending.setdefault((tenant, row["advert_id"]), [0, 0])
                        entry[0] += row["n_impressions"]
                        entry[1] += row["n_clicks"]

    async def _flush_forever(self, runtime: Runtime) -> None:
        try:
            while self.pending:
                await asyncio.sleep(FLUSH_SECONDS)
                await self.flush(runtime)
        except asyncio.CancelledError:
            await self.flush(runtime)  # the worker is stopping: store what is held
            raise


TALLY = Tally()
