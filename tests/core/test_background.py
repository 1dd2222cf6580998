"""The periodic-task loop behind every worker chore (lms.platform.background.every): steps at once or after
`first_delay`, keeps going after a failing step, stops promptly, and varies its waits by `jitter`."""
import asyncio
import logging

from lms.platform import background


async def _until(condition, limit: float = 5.0) -> None:
    """Waits until `condition()` holds (bounded; no timing is asserted)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition() and loop.time() < deadline:
        await asyncio.sleep(0.005)


def _start(interval: float, **options):
    stop, steps = asyncio.Event(), []
    loop = asyncio.get_running_loop()
    started = loop.time()

    async def step():
        steps.append(loop.time() - started)

    return stop, steps, asyncio.create_task(background.every(interval, stop, step, "failed", **options))


async def test_steps_at_once_then_waits_the_interval():
    stop, steps, task = _start(10)
    await _until(lambda: steps)
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 1)  # stops at once, mid-wait
    assert len(steps) == 1


async def test_steps_again_every_interval_until_stopped():
    stop, steps, task = _start(0.01)
    await _until(lambda: len(steps) >= 3)
    stop.set()
    await asyncio.wait_for(task, 1)
    assert len(steps) >= 3 and task.exception() is None


async def test_a_stop_during_the_first_delay_means_no_step_at_all():
    stop, steps, task = _start(0.01, first_delay=10)
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 1)
    assert steps == []


async def test_the_first_step_waits_for_first_delay():
    stop, steps, task = _start(10, first_delay=0.05)
    await _until(lambda: steps)
    stop.set()
    await asyncio.wait_for(task, 1)
    assert len(steps) == 1 and steps[0] >= 0.05


async def test_a_failing_step_is_logged_and_the_loop_goes_on(caplog):
    stop, calls = asyncio.Event(), []

    async def step():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database away")

    with caplog.at_level(logging.ERROR, logger="lms.background"):
        task = asyncio.create_task(background.every(0.01, stop, step, "chore failed"))
        await _until(lambda: len(calls) >= 2)
        stop.set()
        await asyncio.wait_for(task, 1)
    assert len(calls) >= 2
    assert [r.getMessage() for r in caplog.records] == ["chore failed"]


async def test_jitter_varies_each_wait_within_its_fraction(monkeypatch):
    bounds = []

    def uniform(low, high):
        bounds.append((low, high))
        return high

    monkeypatch.setattr(background.random, "uniform", uniform)
    stop, steps, task = _start(0.01, jitter=0.25)
    await _until(lambda: len(steps) >= 2)
    stop.set()
    await asyncio.wait_for(task, 1)
    assert bounds and set(bounds) == {(0.75, 1.25)}
