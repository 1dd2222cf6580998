"""Directory logic: who may read and change which entry."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.platform.context import Call
from lms.platform.db import dialect_insert
from lms.platform.errors import NotFound, PermissionDenied
from lms.platform.pagination import PageRequest
from lms.platform.validation import Email, Fields, Str, Url
from lms.users.models import DirectoryUser

USER_FIELDS = Fields(
    email=Email(allow_blank=True),
    first_name=Str(max_length=150, allow_blank=True),
    last_name=Str(max_length=150, allow_blank=True),
    avatar_url=Url(allow_blank=True),
    phone=Str(max_length=32, allow_blank=True),
).declares("lms.users.v1.UserInput")


async def get_user(session: AsyncSession, call: Call, user_id: str) -> DirectoryUser:
    caller = call.require_user()
    if user_id != caller.user_id and not caller.is_staff:
        raise PermissionDenied()
    entry = await session.scalar(select(DirectoryUser).where(DirectoryUser.user_id == user_id))
    if entry is None:
        raise NotFound()
    return entry


async def list_users(session: AsyncSession, call: Call, search: str, page: PageRequest):
    call.require_staff()
    conditions = []
    if search:
        pattern = f"%{search.lower()}%"
        conditions.append(or_(*(func.lower(c).like(pattern) for c in (
            DirectoryUser.first_name, DirectoryUser.last_name, DirectoryUser.email, DirectoryUser.user_id))))
    total = await session.scalar(select(func.count(DirectoryUser.id)).where(*conditions))
    rows = await session.scalars(select(DirectoryUser).where(*conditions).order_by(DirectoryUser.user_id)
                                 .limit(page.size).offset(page.offset))
    return list(rows), total


async def set_user(session: AsyncSession, call: Call, user_id: str, data: dict) -> DirectoryUser:
    call.require_admin()
    if not user_id or len(user_id) > 128:
        raise NotFound()
    values = USER_FIELDS.validate(data)
    insert = dialect_insert(session, DirectoryUser)
    statement = insert.values(tenant_id=call.tenant_id, user_id=user_id, **values).on_conflict_do_update(
        index_elements=[DirectoryUser.tenant_id, DirectoryUser.user_id],
        set_={**values, "updated_at": insert.excluded.updated_at})
    await session.execute(statement)
    entry = await session.scalar(select(DirectoryUser).where(DirectoryUser.user_id == user_id)
                                 .execution_options(populate_existing=True))
    return entry
