"""Dense sibling ordering (lms.platform.ordering) on the real databases, against a plain list as the model.

Random inserts, moves, deletes and reorders, each in its own transaction, must leave exactly the
positions a Python list would have, 1..n without gaps, with the UNIQUE (parent, order) constraint
in place the whole time; and the opt-in query counter reports nothing unless it is switched on.
"""
import asyncio
import random

import pytest
from sqlalchemy import ForeignKey, Integer, MetaData, String, UniqueConstraint, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lms.platform import querycount
from lms.platform.config import Settings
from lms.platform.context import Call, Runtime
from lms.platform.db import create_engine, create_sessionmaker, unit_of_work
from lms.platform.errors import ValidationError
from lms.platform.ordering import OrderedSiblings, requested_sequence
from tests.stack import create_pg_database, drop_pg_database


class _Base(DeclarativeBase):
    metadata = MetaData()


class Shelf(_Base):
    __tablename__ = "ordering_test_shelves"
    id: Mapped[int] = mapped_column(primary_key=True)


class Book(_Base):
    __tablename__ = "ordering_test_books"
    __table_args__ = (UniqueConstraint("shelf_id", "order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    shelf_id: Mapped[int] = mapped_column(ForeignKey("ordering_test_shelves.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(20))
    order: Mapped[int] = mapped_column(Integer)


def _settings(url: str) -> Settings:
    return Settings(**{**Settings.from_env().__dict__, "database_url": url})


def test_random_changes_keep_the_same_dense_order_as_a_list(stack, tmp_path):
    if stack.backend == "postgresql":
        url, name = create_pg_database()
    else:
        url, name = f"sqlite:///{tmp_path / 'ordering.sqlite3'}", ""
    rng = random.Random(20240115)

    async def run():
        engine = create_engine(_settings(url))
        sessions = create_sessionmaker(engine)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(_Base.metadata.create_all)
            async with unit_of_work(sessions, "t1") as session:
                session.add_all([Shelf(id=1), Shelf(id=2)])
            model: list[int] = []  # book ids of shelf 1 in order
            async with unit_of_work(sessions, "t1") as session:
                session.add(Book(shelf_id=2, title="other", order=1))
            for step in range(150):
                action = rng.choice(["insert", "insert", "move", "delete", "reorder"]) if model else "insert"
                async with unit_of_work(sessions, "t1") as session:
                    shelf = OrderedSiblings(Book, Book.shelf_id, 1, parent_model=Shelf)
                    if action == "insert":
                        requested = rng.choice([None, rng.randint(1, len(model) + 3)])
                        position = await shelf.insert_position(session, requested)
                        book = Book(shelf_id=1, title=f"b{step}", order=position)
                        session.add(book)
                        await session.flush()
                        model.insert(position - 1, book.id)
                    elif action == "move":
                        book_id = rng.choice(model)
                        requested = rng.randint(1, len(model) + 2)
                        position = await shelf.move(session, book_id, model.index(book_id) + 1, requested)
                        assert position == min(requested, len(model))
                        model.remove(book_id)
                        model.insert(position - 1, book_id)
                    elif action == "delete":
                        book_id = rng.choice(model)
                        removed = model.index(book_id) + 1
                        await session.execute(Book.__table__.delete().where(Book.id == book_id))
                        await shelf.close_gap(session, removed)
                        model.remove(book_id)
                    else:
                        picked = rng.sample(model, rng.randint(1, len(model)))
                        positions = rng.sample(range(1, len(model) + 1), len(picked))
                        items = [{"id": i, "order": p} for i, p in zip(picked, positions)]
                        sequence = requested_sequence("books", items, model)
                        await shelf.apply(session, sequence, model)
                        model = sequence
                async with unit_of_work(sessions, "t1") as session:
                    rows = (await session.execute(
                        select(Book.id, Book.order, Book.shelf_id).order_by(Book.shelf_id, Book.order))).all()
                    assert [(r.id, r.order) for r in rows if r.shelf_id == 1] == [
                        (book_id, n) for n, book_id in enumerate(model, start=1)], (step, action)
                    assert [r.order for r in rows if r.shelf_id == 2] == [1]
        finally:
            await engine.dispose()

    try:
        asyncio.run(run())
    finally:
        if name:
            drop_pg_database(name)


def test_requested_sequence_fills_free_positions_in_the_old_order():
    current = [10, 20, 30, 40]
    assert requested_sequence("x", [{"id": 10, "order": 2}, {"id": 20, "order": 1}], current) == [20, 10, 30, 40]
    assert requested_sequence("x", [{"id": 40, "order": 1}], current) == [40, 10, 20, 30]
    assert requested_sequence("x", [{"id": 10, "order": 4}], current) == [20, 30, 40, 10]
    assert requested_sequence("x", [{"id": i, "order": 4 - n} for n, i in enumerate(current)], current) == [
        40, 30, 20, 10]


@pytest.mark.parametrize("items, errors", [
    ([], {"x": ["This list may not be empty."]}),
    ([{"id": 10}], {"x": [{"order": ["This field is required."]}]}),
    ([{"order": 1}], {"x": [{"id": ["This field is required."]}]}),
    ([{"id": 10, "order": 1}, {"id": 5, "order": 0}],
     {"x": [{}, {"id": ['Invalid pk "5" - object does not exist.'],
                 "order": ["Ensure this value is greater than or equal to 1."]}]}),
    ([{"id": 10, "order": 3}], {"x": [{"order": ["Ensure this value is less than or equal to 2."]}]}),
    ([{"id": 10, "order": 1}, {"id": 10, "order": 2}], {"x": ["Each id may appear only once."]}),
    ([{"id": 10, "order": 1}, {"id": 20, "order": 1}], {"x": ["Each order may appear only once."]}),
])
def test_requested_sequence_rejects_bad_requests(items, errors):
    with pytest.raises(ValidationError) as rejected:
        requested_sequence("x", items, [10, 20])
    assert rejected.value.errors == errors


def test_query_count_header_only_when_switched_on():
    settings = Settings.from_env()
    off = Call(runtime=Runtime(settings=Settings(**{**settings.__dict__, "debug_query_count": False}), engine=None,
                               sessions=None, verifier=None, rate_limits=None), method="/x", metadata={})
    off.query_count = 3
    assert querycount.response_headers(off) == ()
    on = Call(runtime=Runtime(settings=Settings(**{**settings.__dict__, "debug_query_count": True}), engine=None,
                              sessions=None, verifier=None, rate_limits=None), method="/x", metadata={})
    on.query_count = 3
    assert querycount.response_headers(on) == (("x-lms-query-count", "3"),)
