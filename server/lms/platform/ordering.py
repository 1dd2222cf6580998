"""Dense, stable positions of sibling rows: `order` runs 1..n within a parent, without gaps or ties.

Tables using it have an integer `order` column and a UNIQUE (parent, order) constraint, the
database's guarantee that two siblings never share a position. Every change is a fixed number of
statements whatever the number of siblings:

* `insert_position(requested)`: the position of a new row; siblings at or after it move down one.
  No position (or one past the end) appends.
* `move(id, current, requested)`: the rows in between close up, positions past the end are clamped.
* `close_gap(removed)`: the rows after a deleted one move up one.
* `apply(order)`: every sibling takes its place in a given sequence (reordering).

Unique constraints are checked row by row on PostgreSQL and SQLite, so shifting `order + 1` in
place could collide mid-statement. Each change therefore first writes the *negated* new
positions (distinct from each other and from the untouched positive rows), then flips them
positive in a second statement. The parent row is locked first (`SELECT ... FOR UPDATE` on
PostgreSQL; SQLite has one writer at a time anyway), so concurrent changes to one parent queue up
instead of failing. The statements bypass the session's identity map: callers reload the rows
they return, or record a moved row's position with `set_committed_value`.

`requested_sequence` turns a reorder request (`[{"id", "order"}, ...]`) into the new sequence,
with DRF-shaped errors for unknown, duplicate or out-of-range entries.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from sqlalchemy import case, event, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, Session

from lms.platform.errors import MSG_REQUIRED, ValidationError
from lms.platform.validation import Fields, Int


_LOCKS = "lms_ordering_locks"  # session.info key: parents locked in the current transaction


@event.listens_for(Session, "after_transaction_end")
def _forget_locks(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_LOCKS, None)


class OrderedSiblings:
    """The rows of `model` whose `parent_column` equals `parent_id`, kept in positions 1..n."""

    def __init__(self, model, parent_column: InstrumentedAttribute, parent_id: int, *, parent_model):
        self.model = model
        self.parent_column = parent_column
        self.parent_id = parent_id
        self.parent_model = parent_model

    @property
    def _order(self):
        return self.model.order

    def _siblings(self):
        return self.parent_column == self.parent_id

    async def lock(self, session: AsyncSession) -> None:
        """Serialises changes to this parent's children until the transaction ends (once per transaction)."""
        locked = session.info.setdefault(_LOCKS, set())
        key = (self.parent_model.__tablename__, self.parent_id)
        if key not in locked:
            await session.execute(
                select(self.parent_model.id).where(self.parent_model.id == self.parent_id).with_for_update())
            locked.add(key)

    async def count(self, session: AsyncSession) -> int:
        return await session.scalar(select(func.count()).select_from(self.model).where(self._siblings())) or 0

    async def ids(self, session: AsyncSession) -> list[int]:
        """The siblings' ids in position order."""
        return list(await session.scalars(
            select(self.model.id).where(self._siblings()).order_by(self._order, self.model.id)))

    async def insert_position(self, session: AsyncSession, requested: int | None) -> int:
        """Makes room for a new sibling at `requested` (clamped to n + 1; None appends); returns its position."""
        await self.lock(session)
        size = await self.count(session)
        position = size + 1 if requested is None else max(1, min(requested, size + 1))
        if position <= size:
            await self._rewrite(session, self._order >= position, self._order + 1)
        return position

    async def move(self, session: AsyncSession, item_id: int, current: int, requested: int) -> int:
        """Moves one sibling to `requested` (clamped to 1..n); returns its new position."""
        await self.lock(session)
        size = await self.count(session)
        target = max(1, min(requested, size))
        if target == current:
            return current
        if target < current:
            band, shifted = self._order.between(target, current), self._order + 1
        else:
            band, shifted = self._order.between(current, target), self._order - 1
        await self._rewrite(session, band, case((self.model.id == item_id, target), else_=shifted))
        return target

    async def close_gap(self, session: AsyncSession, removed: int) -> None:
        """Moves the siblings after a removed position up by one."""
        await self.lock(session)
        await self._rewrite(session, self._order > removed, self._order - 1)

    async def apply(self, session: AsyncSession, sequence: Sequence[int], current: Iterable[int] = ()) -> None:
        """Gives the sibling ids in `sequence` positions 1..n in that order (rows already in place are left alone).

        `current` is the present sequence, when the caller has it, so only moved rows are written.
        """
        await self.lock(session)
        present = list(current)
        changes = {item_id: position for position, item_id in enumerate(sequence, start=1)
                   if position > len(present) or present[position - 1] != item_id}
        if changes:
            await self._rewrite(session, self.model.id.in_(list(changes)),
                                case(changes, value=self.model.id, else_=self._order))

    async def _rewrite(self, session: AsyncSession, where, new_position) -> None:
        # Negated first: distinct from each other and from every untouched (positive) sibling.
        await session.execute(
            update(self.model).where(self._siblings(), where).values({self._order: -new_position})
            .execution_options(synchronize_session=False))
        await session.execute(
            update(self.model).where(self._siblings(), self._order < 0).values({self._order: -self._order})
            .execution_options(synchronize_session=False))


_INTEGER = Int()
# The items of a reorder body (`[{"id", "order"}]`), as the schema documents them; checked above.
ORDER_ITEM_FIELDS = Fields(id=Int(required=True), order=Int(min_value=1, required=True)).declares(
    "lms.content.v1.OrderItem")


def requested_sequence(field: str, items: list[dict], current: Sequence[int]) -> list[int]:
    """The new order of the siblings `current` (ids in position order) after a reorder request.

    `items` are `{"id": ..., "order": ...}` for some or all siblings: each listed id takes its
    position, the others keep their relative order in the positions left free. Ids must be
    siblings and appear once; positions must be distinct and within 1..n. Anything else is a
    ValidationError under `field` (per item, as DRF reports nested lists), and nothing changes.
    """
    size = len(current)
    if not items:
        raise ValidationError({field: ["This list may not be empty."]})
    known = set(current)
    item_errors: list[dict] = []
    cleaned: list[dict] = []
    for raw in items:
        errors: dict[str, list[str]] = {}
        item: dict = {}
        for key in ("id", "order"):  # JSON values (google.protobuf.Value fields): DRF's integer rules
            if key in raw:
                try:
                    item[key] = _INTEGER.run(raw[key])
                except ValidationError as exc:
                    errors[key] = exc.errors["non_field_errors"]
        if "id" in errors:
            pass
        elif "id" not in item:
            errors["id"] = [MSG_REQUIRED]
        elif item["id"] not in known:
            errors["id"] = [f'Invalid pk "{item["id"]}" - object does not exist.']
        if "order" in errors:
            pass
        elif "order" not in item:
            errors["order"] = [MSG_REQUIRED]
        elif item["order"] < 1:
            errors["order"] = ["Ensure this value is greater than or equal to 1."]
        elif item["order"] > size:
            errors["order"] = [f"Ensure this value is less than or equal to {size}."]
        item_errors.append(errors)
        cleaned.append(item)
    items = cleaned
    if any(item_errors):
        raise ValidationError({field: item_errors})
    problems = []
    if len({item["id"] for item in items}) != len(items):
        problems.append("Each id may appear only once.")
    if len({item["order"] for item in items}) != len(items):
        problems.append("Each order may appear only once.")
    if problems:
        raise ValidationError({field: problems})
    placed = {item["order"]: item["id"] for item in items}
    rest = iter([item_id for item_id in current if item_id not in set(placed.values())])
    return [placed[position] if position in placed else next(rest) for position in range(1, size + 1)]
