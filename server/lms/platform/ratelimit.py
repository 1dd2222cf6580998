"""Request rate limits: per process by default, shared by all replicas through Redis.

Counting is the `limits` library's sliding-window counter (the current and the previous fixed window, the
previous one weighted by how much of it still overlaps the sliding window), so limits hold closely without
keeping a timestamp per request; its memory storage serves one process, its Redis storage (keys under
`<LMS_REDIS_NAMESPACE>:rl:`) every replica. Rejected requests are not counted.

Kept here: `retry_after`, the seconds until one more request fits (DRF's `Retry-After`); `limits`' own reset
time is when the weighted count next drops by one, which is too early while the current window alone is full.
"""
from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
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


class SweptMemoryStorage(MemoryStorage):
    """`limits`' memory storage without its expiry task per hit. The library starts a task whenever its last one
    has ended (under load: at every hit), and that task walks every key: with 10,000 callers in the window a hit
    cost 0.87 ms of CPU instead of 10 µs (`python -m bench.ratelimit`; here 9 µs). Here an expired key is
    dropped when read (the library's `get`), and all of them once every `SWEEP_SECONDS`, by the hit that finds the
    sweep due. Counting is the library's: its sliding-window counter reads and writes through these methods."""

    SWEEP_SECONDS = 10.0

    def __init__(self):
        super().__init__()
        self._swept_at = time.monotonic()

    def _sweep(self) -> None:
        now = time.monotonic()
        if now - self._swept_at < self.SWEEP_SECONDS:
            return
        self._swept_at, wall = now, time.time()
        for key in [key for key, expiry in self.expirations.items() if expiry <= wall]:
            self.storage.pop(key, None)
            self.expirations.pop(key, None)
            self.locks.pop(key, None)

    # Nothing awaits between reading a count and writing it, so no other task can come between: no lock either.
    async def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        await self.get(key)
        self._sweep()
        self.storage[key] += amount
        if self.storage[key] == amount:
            self.expirations[key] = time.time() + expiry
        return self.storage[key]

    async def decr(self, key: str, amount: int = 1) -> int:
        await self.get(key)
        self.storage[key] = max(self.storage[key] - amount, 0)
        return self.storage[key]


class InProcessLimiter(_Limiter):
    def __init__(self):
        super().__init__(SweptMemoryStorage())


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
