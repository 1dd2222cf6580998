"""lms.platform.capacity without the transports: a place is taken only below the limit, given back, and
a lowered limit is checked against the count (SQLite in memory; the group and schedule tests run the same
statements concurrently through the edge on both databases)."""
import asyncio

from sqlalchemy import Integer
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lms.platform.capacity import give_back_place, holds_after_change, take_place


class _Base(DeclarativeBase):
    pass


class Room(_Base):
    __tablename__ = "rooms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    seats: Mapped[int] = mapped_column(Integer)


async def _scenario():
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(_Base.metadata.create_all)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session, session.begin():
        session.add(Room(id=1, taken=0, seats=2))
    async with sessions() as session, session.begin():
        counts = [await take_place(session, Room.taken, Room.seats, 1) for _ in range(3)]
        assert counts == [1, 2, None]  # the third finds the room full
        assert await give_back_place(session, Room.taken, 1) == 1
        room = await session.get(Room, 1)
        room.seats = 0
        await session.flush()
        assert not await holds_after_change(session, Room.taken, Room.seats, 1)
        room.seats = 1
        await session.flush()
        assert await holds_after_change(session, Room.taken, Room.seats, 1)
        assert await take_place(session, Room.taken, Room.seats, 2) is None  # no such row: no place
    await engine.dispose()


def test_places_under_a_capacity():
    asyncio.run(_scenario())
