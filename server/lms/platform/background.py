"""Background tasks of every gRPC worker, registered by the modules that need them.

`register(name, task)` with `async def task(runtime, stop: asyncio.Event)` that returns once `stop` is set;
`lms.app.server` starts each registered task next to the server and awaits them when it stops (the
activity log's retention, the metrics sampler).
"""
from __future__ import annotations

import asyncio
import logging
import random
from typing import Awaitable, Callable

log = logging.getLogger("lms.background")

Task = Callable[..., Awaitable[None]]
_TASKS: dict[str, Task] = {}


def register(name: str, task: Task) -> Task:
    _TASKS[name] = task
    return task


def tasks() -> list[tuple[str, Task]]:
    return list(_TASKS.items())


async def every(interval: float, stop, step: Callable[[], Awaitable[object]], failure: str, *,
                first_delay: float = 0.0, jitter: float = 0.0) -> None:
    """Runs `step` after `first_delay` seconds (at once by default) and then every `interval` seconds until
    `stop` is set; a failing step is logged (`failure`) and tried again next time (the database may be back by
    then). `jitter` (a fraction) varies each wait so that workers started together do not step together."""
    delay = first_delay
    while True:
        if delay > 0:
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
                return
            except asyncio.TimeoutError:
                pass
        if stop.is_set():
            return
        try:
            await step()
        except Exception:  # noqa: BLE001 - keep going
            log.exception(failure)
        delay = interval * random.uniform(1 - jitter, 1 + jitter) if jitter else interval
