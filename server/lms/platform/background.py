"""Background tasks of every gRPC worker, registered by the modules that need them.

`register(name, task)` with `async def task(runtime, stop: asyncio.Event)` that returns once `stop` is set;
`lms.app.server` starts each registered task next to the server and awaits them when it stops (the
activity log's retention, the metrics sampler).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

log = logging.getLogger("lms.background")

Task = Callable[..., Awaitable[None]]
_TASKS: dict[str, Task] = {}


def register(name: str, task: Task) -> Task:
    _TASKS[name] = task
    return task


def tasks() -> list[tuple[str, Task]]:
    return list(_TASKS.items())


async def every(interval: float, stop, step: Callable[[], Awaitable[object]], failure: str) -> None:
    """Runs `step` at once and then every `interval` seconds until `stop` is set; a failing step is logged
    (`failure`) and tried again next time (the database may be back by then)."""
    while not stop.is_set():
        try:
            await step()
        except Exception:  # noqa: BLE001 - keep going
            log.exception(failure)
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except asyncio.TimeoutError:
            pass
