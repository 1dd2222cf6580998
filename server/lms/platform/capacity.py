"""Places under a capacity (group members, session attendees...): a counter column and a limit column of
one row, kept right under concurrent takers without reading first.

`take_place` is one conditional UPDATE (`count < limit`): the row's lock serialises concurrent takers and
each re-checks the condition after the one before it committed, so a row is never overfilled and a full
one answers at once (no read-then-write race, no retry loop). `holds_after_change` re-checks a lowered
limit under the same lock, against takers that got in meanwhile.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


async def take_place(session: AsyncSession, count: InstrumentedAttribute, limit: InstrumentedAttribute,
                     row_id: int) -> int | None:
    """Adds one to `count` of row `row_id` if it is below `limit`: the new count, or None when full."""
    model = count.class_
    return await session.scalar(
        update(model).where(model.id == row_id, count < limit).values({count: count + 1}).returning(count)
        .execution_options(synchronize_session=False))


async def give_back_place(session: AsyncSession, count: InstrumentedAttribute, row_id: int) -> int | None:
    """Takes one from `count` of row `row_id`: the new count."""
    model = count.class_
    return await session.scalar(
        update(model).where(model.id == row_id).values({count: count - 1}).returning(count)
        .execution_options(synchronize_session=False))


async def holds_after_change(session: AsyncSession, count: InstrumentedAttribute, limit: InstrumentedAttribute,
                             row_id: int) -> bool:
    """Whether the row's (flushed) new limit still holds its count, checked under the row's lock."""
    model = count.class_
    return bool(await session.scalar(select(count <= limit).where(model.id == row_id).with_for_update()))
