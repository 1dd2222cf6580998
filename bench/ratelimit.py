"""What one rate-limit check costs in a gRPC worker, by the number of callers in the window.

    python -m bench.ratelimit

A worker checks every call's budget (`lms.platform.ratelimit.InProcessLimiter`, without Redis). With other
tasks running between two calls, as in the server, `limits`' own memory storage runs its expiry task, which
walks every key, once per hit; `InProcessLimiter` (the same arithmetic over a dict) sweeps once a
minute. Prints µs of CPU per hit for both, with 1, 1,000 and 10,000 callers (keys) in the window. Bound: the
service's limiter costs under 50 µs per hit at 10,000 callers (a request's whole budget in the worker is
~500 µs).
"""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

import uvloop  # noqa: E402
from limits.aio.storage import MemoryStorage  # noqa: E402

from lms.platform.ratelimit import InProcessLimiter, _Limiter  # noqa: E402

BOUND_US = 50.0
HITS = 3000


async def per_hit(limiter: _Limiter, keys: int) -> float:
    """µs of CPU per hit, round robin over `keys` callers, one turn of the event loop between two hits."""
    for n in range(keys):
        await limiter.hit(f"user:{n}", 1_000_000, 60)
    started = time.process_time()
    for n in range(HITS):
        await limiter.hit(f"user:{n % keys}", 1_000_000, 60)
        await asyncio.sleep(0)
    return (time.process_time() - started) / HITS * 1e6


async def main() -> int:
    ok = True
    for keys in (1, 1_000, 10_000):
        library = await per_hit(_Limiter(MemoryStorage()), keys)
        ours = await per_hit(InProcessLimiter(), keys)
        print(f"{keys:>6} callers: limits' MemoryStorage {library:8.1f} µs per hit, InProcessLimiter {ours:6.1f} µs",
              flush=True)
        ok &= ours < BOUND_US
    print(f"bound: under {BOUND_US:.0f} µs per hit at every size: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(uvloop.run(main()))
