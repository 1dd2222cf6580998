"""Background tasks of every gRPC worker, registered by the modules that need them.

`register(name, task)` with `async def task(runtime, stop: asyncio.Event)` that returns once `stop` is set;
`lms.app.server` starts each registered task next to the server and awaits them when it stops (the
activity log's retention, the metrics sampler).
"""
from __future__ import annotations

from typing import Awaitable, Callable

Task = Callable[..., Awaitable[None]]
_TASKS: dict[str, Task] = {}


def register(name: str, task: Task) -> Task:
    _TASKS[name] = task
    return task


def tasks() -> list[tuple[str, Task]]:
    return list(_TASKS.items())
