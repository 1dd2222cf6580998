"""Request rate limits: per process by default, shared by all replicas through Redis.

Both backends use the same sliding-window counter (the current and the previous fixed window,
the previous one weighted by how much of it still overlaps the sliding window), so limits hold
closely without keeping a timestamp per request. Rejected requests are not counted.
"""
from __future__ import annotations

import math
import time

from lms.platform.errors import Throttled


def _decide(prev: int, cur: int, limit: int, period: int, elapsed: float) -> float:
    """Seconds to wait before one more request fits, or 0 if it fits now."""
    weight = 1.0 - elapsed / period
    if prev * weight + cur + 1 <= limit:
        return 0.0
    if cur + 1 > limit or prev == 0:
        return period - elapsed
    # The previous window's share shrinks linearly; solve for when it leaves room for one more.
    return max(0.0, period * (1.0 - (limit - cur - 1) / prev) - elapsed) or 1.0


class InProcessLimiter:
    def __init__(self):
        self._windows: dict[str, tuple[int, int, int, float]] = {}  # key -> (window, current, previous, expiry)
        self._hits = 0

    async def hit(self, key: str, limit: int, period: int) -> float:
        now = time.time()
        window, elapsed = int(now // period), now % period
        stored = self._windows.get(key)
        if stored is None or stored[0] < window - 1:
            cur, prev = 0, 0
        elif stored[0] == window - 1:
            cur, prev = 0, stored[1]
        else:
            cur, prev = stored[1], stored[2]
        wait = _decide(prev, cur, limit, period, elapsed)
        if wait == 0:
            self._windows[key] = (window, cur + 1, prev, (window + 2) * period)
        self._hits += 1
        if self._hits % 10000 == 0:
            # Entries two windows old can no longer affect a decision.
            self._windows = {k: v for k, v in self._windows.items() if v[3] > now}
        return wait


_REDIS_SCRIPT = """
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local prev = tonumber(redis.call('GET', KEYS[2]) or '0')
local limit, period, elapsed = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if prev * (1 - elapsed / period) + cur + 1 <= limit then
  redis.call('INCR', KEYS[1])
  redis.call('EXPIRE', KEYS[1], period * 2)
  return {1, cur, prev}
end
return {0, cur, prev}
"""


class RedisLimiter:
    def __init__(self, url: str, namespace: str = "lms"):
        import redis.asyncio as redis

        self._redis = redis.from_url(url)
        self._namespace = namespace
        self._script = self._redis.register_script(_REDIS_SCRIPT)

    async def hit(self, key: str, limit: int, period: int) -> float:
        now = time.time()
        window, elapsed = int(now // period), now % period
        allowed, cur, prev = await self._script(
            keys=[f"{self._namespace}:rl:{key}:{period}:{window}", f"{self._namespace}:rl:{key}:{period}:{window - 1}"],
            args=[limit, period, elapsed])
        return 0.0 if allowed else _decide(int(prev), int(cur), limit, period, elapsed)

    async def close(self) -> None:
        await self._redis.aclose()


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
            raise Throttled(math.ceil(wait))

    async def charge(self, caller_key: str, authenticated: bool, extra_bucket: str = "") -> None:
        names = ["user" if authenticated else "anon"]
        if extra_bucket:
            names.append(extra_bucket)
        for name in names:
            limit, period = self.buckets[name]
            wait = await self.backend.hit(f"{name}:{caller_key}", limit, period)
            if wait > 0:
                raise Throttled(math.ceil(wait))
