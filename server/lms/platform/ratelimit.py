"""Request rate limits: per process by default, shared by all replicas through Redis.

Counting is the `limits` library's sliding-window counter (the current and the previous fixed window, the
previous one weighted by how much of it still overlaps the sliding window), so limits hold closely without
keeping a timestamp per request: the library itself with its Redis storage (keys under
`<LMS_REDIS_NAMESPACE>:rl:`) for every replica, the same arithmetic over a dict for one process
(`InProcessLimiter`, which says why). Rejected requests are not counted.

Kept here: `retry_after`, the seconds until one more request fits (DRF's `Retry-After`); `limits`' own reset
time is when the weighted count next drops by one, which is too early while the current window alone is full.
"""
from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItemPerSecond
from limits.aio.storage import RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from lms.platform.errors import Throttled


def retry_after(prev: int, prev_ttl: float, cur: int, cur_ttl: float, limit: int, period: int) -> float:
    """Seconds to wait before one more request fits, from a sliding window as `limits` reports it: the previous
    window's count and how long it still weighs, the current window's count and when it expires (it lives two
    periods, so it ends as the current window `cur_ttl - period` from now)."""
    if cur + 1 > limit or prev == 0:
        return max(0.0, cur_ttl - period) or 1.0
    # The previous window's share shrinks linearly; solve for when it leaves room for one more.
    return max(0.0, prev_ttl - period * (limit - cur) / prev) or 1.0


class _Limiter:
    """`hit(key, limit, period)`: 0 when the request fits (and is counted), else the seconds to wait."""

    def __init__(self, storage: Storage):
        self.storage = storage
        self._strategy = SlidingWindowCounterRateLimiter(storage)
        self._items: dict[tuple[int, int], RateLimitItemPerSecond] = {}

    def _item(self, limit: int, period: int) -> RateLimitItemPerSecond:
        item = self._items.get((limit, period))
        if item is None:
            item = self._items[(limit, period)] = RateLimitItemPerSecond(limit, period)
        return item

    async def hit(self, key: str, limit: int, period: int) -> float:
        item = self._item(limit, period)
        if await self._strategy.hit(item, key):
            return 0.0
        prev, prev_ttl, cur, cur_ttl = await self.storage.get_sliding_window(item.key_for(key), period)
        return retry_after(int(prev), float(prev_ttl), int(cur), float(cur_ttl), limit, period)


class InProcessLimiter:
    """`limits`' sliding-window counter, for one process, in a dict: per (key, period) the number of the current
    fixed window and the counts of it and of the one before, the previous weighing what the sliding window still
    covers of it (as the library's `acquire_sliding_window_entry` computes, so both backends decide alike).

    Not the library's memory storage: its expiry task per hit (which walks every key), lock per key and chain of
    awaits cost a worker 36 µs of CPU per request through the edge, against ~2 µs for this (the A/B runs of
    bench/RESULTS.md, 2026-12-06 afternoon; `python -m bench.ratelimit` for the check alone). Nothing awaits between
    reading a count and writing it, so no other task comes between them; windows that can no longer weigh are
    dropped once every SWEEP_SECONDS."""

    SWEEP_SECONDS = 60.0

    def __init__(self):
        self._windows: dict[tuple[str, int], tuple[int, int, int]] = {}  # (key, period) -> (window, current, previous)
        self._swept_at = time.monotonic()

    async def hit(self, key: str, limit: int, period: int) -> float:
        now = time.time()
        window = int(now / period)
        stored = self._windows.get((key, period))
        if stored is None or stored[0] < window - 1:
            cur = prev = 0
        elif stored[0] == window - 1:
            cur, prev = 0, stored[1]
        else:
            cur, prev = stored[1], stored[2]
        # How long the previous window still weighs, and the current one lives, in the library's own float
        # arithmetic (a count exactly at the limit is decided alike).
        prev_ttl = (1 - (((now - period) / period) % 1)) * period if prev else 0.0
        if math.floor(prev * prev_ttl / period + cur) + 1 > limit:
            return retry_after(prev, prev_ttl, cur, (1 - ((now / period) % 1)) * period + period, limit, period)
        self._windows[(key, period)] = (window, cur + 1, prev)
        if time.monotonic() - self._swept_at >= self.SWEEP_SECONDS:
            self._sweep(now)
        return 0.0

    def _sweep(self, now: float) -> None:
        self._swept_at = time.monotonic()
        self._windows = {(key, period): counts for (key, period), counts in self._windows.items()
                         if counts[0] >= int(now / period) - 1}


log = logging.getLogger("lms.ratelimit")
# While Redis cannot be reached, limits are counted in this process; Redis is tried again after this long.
REDIS_RETRY_SECONDS = 5.0


class RedisLimiter(_Limiter):
    """Shared limits in Redis; while Redis is down they degrade to this process's own count (one warning per
    outage, one info line when Redis is back), so a Redis outage never fails a request."""

    def __init__(self, url: str, namespace: str = "lms", retry_seconds: float = REDIS_RETRY_SECONDS):
        # limits takes redis-py's URLs with an "async+" scheme prefix; redis-py is already a dependency.
        super().__init__(RedisStorage(f"async+{url}", implementation="redispy", key_prefix=f"{namespace}:rl"))
        self.fallback = InProcessLimiter()
        self.retry_seconds = retry_seconds
        self._down_until: float | None = None  # monotonic time before which Redis is not tried again

    @property
    def degraded(self) -> bool:
        return self._down_until is not None

    async def hit(self, key: str, limit: int, period: int) -> float:
        if self._down_until is not None and time.monotonic() < self._down_until:
            return await self.fallback.hit(key, limit, period)
        try:
            wait = await super().hit(key, limit, period)
        except Exception as exc:  # noqa: BLE001 - redis-py's connection and timeout errors, whatever their class
            if self._down_until is None:
                log.warning("redis unavailable: rate limits are counted in this process until it is back",
                            extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}})
            self._down_until = time.monotonic() + self.retry_seconds
            return await self.fallback.hit(key, limit, period)
        if self._down_until is not None:
            log.info("redis available again: rate limits are shared again")
            self._down_until = None
        return wait

    async def close(self) -> None:
        client = getattr(self.storage.bridge, "storage", None)  # the redis.asyncio client limits built
        if client is not None:
            await client.aclose()


class RateLimits:
    """Charges a call to its buckets and raises `Throttled` when one is full."""

    def __init__(self, backend, user: tuple[int, int], anon: tuple[int, int], upload: tuple[int, int]):
        self.backend = backend
        self.buckets = {"user": user, "anon": anon, "upload": upload}

    async def charge_bucket(self, caller_key: str, bucket: str) -> None:
        """Charges one named bucket (e.g. "upload" once a request turns out to carry a file)."""
        limit, period = self.buckets[bucket]
        wait = await self.backend.hit(f"{bucket}:{caller_key}", limit, period)
        if wait > 0:
            raise Throttled(math.ceil(wait), bucket)

    async def charge(self, caller_key: str, authenticated: bool, extra_bucket: str = "") -> None:
        names = ["user" if authenticated else "anon"]
        if extra_bucket:
            names.append(extra_bucket)
        for name in names:
            await self.charge_bucket(caller_key, name)
