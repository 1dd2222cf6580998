"""Reading and refreshing the directory; other domains use this to show names and profiles."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lms.platform.auth import Principal
from lms.platform.db import dialect_insert
from lms.users.models import DirectoryUser, full_name

PROFILE_FIELDS = ("email", "first_name", "last_name", "avatar_url", "phone")


async def remember_caller(session: AsyncSession, principal: Principal) -> None:
    """Upserts the caller's entry from their token: claims present overwrite, absent ones are kept."""
    profile = {k: v for k, v in principal.profile_dict().items() if k in PROFILE_FIELDS}
    roles = " ".join(sorted(principal.roles))
    insert = dialect_insert(session, DirectoryUser)
    statement = insert.values(tenant_id=principal.tenant_id, user_id=principal.user_id, roles=roles, **profile)
    statement = statement.on_conflict_do_update(
        index_elements=[DirectoryUser.tenant_id, DirectoryUser.user_id],
        set_={"roles": roles, "updated_at": statement.excluded.updated_at,
              **{k: statement.excluded[k] for k in profile}},
    )
    await session.execute(statement)


async def profiles(session: AsyncSession, user_ids) -> dict[str, DirectoryUser]:
    """Directory entries of `user_ids` in the session's tenant (missing people are absent)."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = await session.scalars(select(DirectoryUser).where(DirectoryUser.user_id.in_(ids)))
    return {row.user_id: row for row in rows}


async def display_names(session: AsyncSession, user_ids) -> dict[str, str]:
    """"First Last" (or e-mail, or the id itself) for every id asked for."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(DirectoryUser.user_id, DirectoryUser.first_name, DirectoryUser.last_name, DirectoryUser.email)
        .where(DirectoryUser.user_id.in_(ids)))
    names = {user_id: full_name(first, last, email, user_id) for user_id, first, last, email in rows}
    return {user_id: names.get(user_id, user_id) for user_id in ids}
