"""The coalescer behind group commit (lms.platform.batching): batches form only under concurrency, each
request gets its own result or error, and a cancelled request leaves the others alone."""
import asyncio

import pytest

from lms.platform.batching import Coalescer


class Recorder:
    """A batch function that records its batches and takes `delay` seconds per batch."""

    def __init__(self, delay: float = 0.01):
        self.delay = delay
        self.batches: list[tuple[str, list]] = []

    async def __call__(self, key, items):
        self.batches.append((key, list(items)))
        await asyncio.sleep(self.delay)
        return [ValueError(f"bad {item}") if item < 0 else item * 10 for item in items]


async def test_a_lone_request_runs_at_once_in_a_batch_of_its_own():
    run = Recorder(delay=0)
    coalescer = Coalescer(run)
    assert await coalescer.submit("t1", 4) == 40
    assert await coalescer.submit("t1", 5) == 50
    assert run.batches == [("t1", [4]), ("t1", [5])]


async def test_concurrent_requests_share_batches_per_key_and_get_their_own_results():
    run = Recorder()
    coalescer = Coalescer(run, max_batch=8)
    results = await asyncio.gather(*(coalescer.submit(f"t{n % 2}", n) for n in range(40)))
    assert results == [n * 10 for n in range(40)]
    # Requests arriving together go together, 8 at most a batch, one batch of a key at a time.
    for key in ("t0", "t1"):
        assert [len(items) for k, items in run.batches if k == key] == [8, 8, 4]
        assert [item for k, items in run.batches if k == key for item in items] == [
            n for n in range(40) if f"t{n % 2}" == key]  # in the order they came
    assert not coalescer._queues  # nothing left behind


async def test_one_request_failing_fails_only_itself():
    coalescer = Coalescer(Recorder())
    results = await asyncio.gather(*(coalescer.submit("t", n) for n in (1, -2, 3, -4, 5)), return_exceptions=True)
    assert [r if isinstance(r, int) else str(r) for r in results] == [10, "bad -2", 30, "bad -4", 50]


async def test_a_batch_that_raises_fails_each_of_its_requests_and_the_next_batch_still_runs():
    calls = []

    async def run(key, items):
        calls.append(items)
        await asyncio.sleep(0.01)
        if 0 in items:
            raise RuntimeError("the database went away")
        return items

    coalescer = Coalescer(run)
    first = asyncio.ensure_future(coalescer.submit("t", 0))
    await asyncio.sleep(0)
    rest = [asyncio.ensure_future(coalescer.submit("t", n)) for n in (1, 2)]
    with pytest.raises(RuntimeError):
        await first
    assert await asyncio.gather(*rest) == [1, 2]
    assert calls == [[0], [1, 2]]


async def test_a_cancelled_request_leaves_the_others_in_its_batch_alone():
    coalescer = Coalescer(Recorder(delay=0.02))
    running = asyncio.ensure_future(coalescer.submit("t", 1))
    await asyncio.sleep(0)
    waiting = [asyncio.ensure_future(coalescer.submit("t", n)) for n in (2, 3, 4)]
    await asyncio.sleep(0)
    waiting[1].cancel()
    assert await running == 10
    assert await waiting[0] == 20 and await waiting[2] == 40
    assert waiting[1].cancelled()
