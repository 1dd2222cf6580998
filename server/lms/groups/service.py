"""Group rules: who sees a group, who may join it, and what each role may do.

| who                          | may                                                                     |
|------------------------------|-------------------------------------------------------------------------|
| the tenant's staff           | see every group, change and delete any, add and remove members          |
| owner                        | change and delete the group, invite, change roles (transfer ownership), |
|                              | remove any other member                                                 |
| moderator                    | invite, remove members (not moderators or the owner)                    |
| member                       | see the members, leave                                                  |
| anyone of the tenant         | see and join public groups (a course's group: its learners and staff)   |

A private group (and its members) is invisible, 404, to whoever is not a member, not invited and not
staff. `max_members` holds under concurrency: a membership is added only by the conditional
`UPDATE groups SET member_count = member_count + 1 WHERE id = :id AND member_count < max_members`
(a row lock on PostgreSQL, the write lock on SQLite), never by counting first.
"""
from __future__ import annotations

import dataclasses
import re

from sqlalchemy import and_, delete, exists, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from lms.courses import policy
from lms.courses.public import Course
from lms.groups.models import ACCEPTED, DECLINED, MEMBER, MODERATOR, OWNER, PENDING, ROLES, Group, \
    GroupInvitation, GroupMember
from lms.platform.actor import Actor
from lms.platform.capacity import give_back_place, holds_after_change, take_place
from lms.platform.db import dialect_insert
from lms.platform.errors import NotFound, PermissionDenied, ValidationError
from lms.platform.rooms import group_room, user_room
from lms.platform.events import GROUP_INVITATION_CREATED as INVITATION_CREATED, \
    GROUP_MEMBER_JOINED as MEMBER_JOINED, GROUP_MEMBER_LEFT as MEMBER_LEFT, \
    GROUP_MEMBER_ROLE_CHANGED as MEMBER_ROLE_CHANGED, emit
from lms.platform.models import utcnow
from lms.platform.pagination import PageRequest
from lms.platform.validation import Bool, Field, Fields, Int, Str

GROUP_FULL = "This group is full."
ALREADY_MEMBER = "User is already a member of this group."
NOT_MEMBER = "You are not a member of this group."
PRIVATE_GROUP = "This group is private: members join by invitation."
OWNER_MUST_TRANSFER = "The owner must transfer ownership before leaving the group."
ALREADY_INVITED = "User already has a pending invitation to this group."
USER_ID = re.compile(r"^[\w.@:+-]{1,128}$")
MAX_MEMBERS_LIMIT = 10_000

ROLE_RIGHTS = {
    OWNER: ("Created the group or received ownership; one per group.",
            ["view_members", "invite_members", "remove_members", "remove_moderators", "change_roles",
             "transfer_ownership", "update_group", "delete_group"]),
    MODERATOR: ("Helps the owner run the group.", ["view_members", "invite_members", "remove_members"]),
    MEMBER: ("Takes part in the group.", ["view_members", "leave_group"]),
}


class NullableId(Field):
    """A positive integer id, or null."""

    def __init__(self, **kw):
        kw.setdefault("allow_null", True)
        kw.setdefault("default", None)
        super().__init__(**kw)

    def convert(self, value):
        return Int(min_value=1, max_value=2**31 - 1).convert(value)


GROUP_FIELDS = Fields(
    name=Str(max_length=200, required=True),
    description=Str(allow_blank=True),
    is_private=Bool(default=False),
    max_members=Int(min_value=1, max_value=MAX_MEMBERS_LIMIT, default=50),
    course=NullableId(),
)


def check_user_id(value, field: str = "user_id") -> str:
    if value is None or value == "":
        raise ValidationError({field: ["This field is required."]})
    if not isinstance(value, str) or not USER_ID.match(value):
        raise ValidationError({field: ["Enter a valid user id."]})
    return value


def check_role(value, field: str = "role") -> str:
    if value not in ROLES:
        raise ValidationError({field: [f'"{value}" is not a valid choice.']})
    return value


# Rules over loaded values ------------------------------------------------------------------------

def may_manage(actor: Actor, role: str | None) -> bool:
    """Change or delete the group: its owner, or the tenant's staff."""
    return actor.is_staff or role == OWNER


def may_invite(actor: Actor, role: str | None) -> bool:
    return actor.is_staff or role in (OWNER, MODERATOR)


def may_remove(actor: Actor, actor_role: str | None, target_role: str) -> bool:
    """Owners remove anyone but themselves; moderators remove members; staff anyone but the owner."""
    if target_role == OWNER:
        return False
    if actor.is_staff or actor_role == OWNER:
        return True
    return actor_role == MODERATOR and target_role == MEMBER


def may_change_roles(actor: Actor, role: str | None) -> bool:
    return actor.is_staff or role == OWNER


# Visibility ----------------------------------------------------------------------------------------

def _member_clause(user_id: str | None):
    if user_id is None:
        return false()
    return exists().where(GroupMember.group_id == Group.id, GroupMember.user_id == user_id)


def _invited_clause(user_id: str | None):
    if user_id is None:
        return false()
    return exists().where(GroupInvitation.group_id == Group.id, GroupInvitation.user_id == user_id,
                          GroupInvitation.status == PENDING)


def _course_clause(actor: Actor):
    """A group of no course, or of a course whose content the actor may read (lms.courses.policy)."""
    return or_(Group.course_id.is_(None),
               exists().where(Course.id == Group.course_id, policy.may_learn_clause(actor, Course)))


def visible_clause(actor: Actor):
    """Groups the actor may see: staff all; others the groups they belong to or are invited to, and public
    groups (of a course: its learners)."""
    if actor.is_staff:
        return Group.id.is_not(None)
    return or_(_member_clause(actor.user_id), _invited_clause(actor.user_id),
               and_(Group.is_private.is_(False), _course_clause(actor)))


@dataclasses.dataclass
class GroupView:
    group: Group
    role: str | None  # the caller's role, None when not a member


async def _role_of(session: AsyncSession, group_id: int, user_id: str | None) -> str | None:
    if user_id is None:
        return None
    return await session.scalar(select(GroupMember.role).where(GroupMember.group_id == group_id,
                                                               GroupMember.user_id == user_id))


async def visible_group(session: AsyncSession, actor: Actor, group_id: int, *, lock: bool = False) -> GroupView:
    """The group and the caller's role if they may see it, else 404."""
    query = select(Group).where(Group.id == group_id, visible_clause(actor))
    if lock:
        query = query.with_for_update()
    group = await session.scalar(query)
    if group is None:
        raise NotFound()
    return GroupView(group, await _role_of(session, group.id, actor.user_id))


async def _members_visible(view: GroupView, actor: Actor) -> None:
    """Members of a private group: its members and staff only (an invitee sees the group, not its members)."""
    if view.group.is_private and view.role is None and not actor.is_staff:
        raise NotFound()


# Groups ---------------------------------------------------------------------------------------------

async def list_groups(session: AsyncSession, actor: Actor, page: PageRequest, *, course: int | None = None,
                      mine: bool | None = None, search: str | None = None) -> tuple[list[GroupView], int]:
    if actor.user_id is None:
        raise PermissionDenied()
    where = [visible_clause(actor)]
    if course is not None:
        where.append(Group.course_id == course)
    if mine is not None:
        where.append(_member_clause(actor.user_id) if mine else ~_member_clause(actor.user_id))
    if search:
        where.append(func.lower(Group.name).contains(search.strip().lower(), autoescape=True))
    total = await session.scalar(select(func.count()).select_from(Group).where(*where))
    groups = list(await session.scalars(select(Group).where(*where).order_by(Group.created_at.desc(),
                                                                               Group.id.desc())
                                        .offset(page.offset).limit(page.size)))
    roles = await _roles(session, actor, [g.id for g in groups])
    return [GroupView(g, roles.get(g.id)) for g in groups], int(total or 0)


async def _roles(session: AsyncSession, actor: Actor, group_ids: list[int]) -> dict[int, str]:
    if not group_ids or actor.user_id is None:
        return {}
    rows = await session.execute(select(GroupMember.group_id, GroupMember.role).where(
        GroupMember.group_id.in_(group_ids), GroupMember.user_id == actor.user_id))
    return dict(rows.all())


async def _course_for_group(session: AsyncSession, actor: Actor, course_id: int) -> Course:
    """A course's study group is made by its learners and staff; an invisible course is an invalid pk."""
    try:
        return await policy.learning_course(session, actor, course_id)
    except NotFound:
        raise ValidationError({"course": [f'Invalid pk "{course_id}" - object does not exist.']}) from None


async def create_group(session: AsyncSession, actor: Actor, data: dict) -> GroupView:
    if actor.user_id is None:
        raise PermissionDenied()
    values = GROUP_FIELDS.validate(data)
    course_id = values.pop("course")
    if course_id is not None:
        await _course_for_group(session, actor, course_id)
    group = Group(**values, course_id=course_id, owner_id=actor.user_id, created_by=actor.user_id, member_count=0)
    session.add(group)
    await session.flush()
    await _add_member(session, group, actor.user_id, OWNER)
    return GroupView(group, OWNER)


async def get_group(session: AsyncSession, actor: Actor, group_id: int) -> GroupView:
    if actor.user_id is None:
        raise PermissionDenied()
    return await visible_group(session, actor, group_id)


async def change_group(session: AsyncSession, actor: Actor, group_id: int, data: dict, *,
                       partial: bool) -> GroupView:
    view = await get_group(session, actor, group_id)
    if not may_manage(actor, view.role):
        raise PermissionDenied()
    values = GROUP_FIELDS.validate(data, partial=partial)
    course = values.pop("course", view.group.course_id)
    if course != view.group.course_id:
        raise ValidationError({"course": ["The course of a group cannot be changed."]})
    group = view.group
    if "max_members" in values and values["max_members"] < group.member_count:
        raise ValidationError({"max_members": [
            f"Ensure this value is greater than or equal to the number of members ({group.member_count})."]})
    for name, value in values.items():
        setattr(group, name, value)
    # The new limit must hold against concurrent joins: keep it only if the count still fits (row lock).
    if "max_members" in values:
        await session.flush()
        if not await holds_after_change(session, Group.member_count, Group.max_members, group.id):
            raise ValidationError({"max_members": [
                "Ensure this value is greater than or equal to the number of members."]})
    await session.flush()
    return view


async def delete_group(session: AsyncSession, actor: Actor, group_id: int) -> None:
    view = await get_group(session, actor, group_id)
    if not may_manage(actor, view.role):
        raise PermissionDenied()
    await session.execute(delete(GroupInvitation).where(GroupInvitation.group_id == group_id))
    await session.execute(delete(GroupMember).where(GroupMember.group_id == group_id))
    await session.execute(delete(Group).where(Group.id == group_id))


# Membership -----------------------------------------------------------------------------------------

async def _add_member(session: AsyncSession, group: Group, user_id: str, role: str) -> GroupMember:
    """Takes a place (conditional UPDATE of the counter: 400 when the group is full), then inserts the
    membership (400 if the user is a member already; the transaction then rolls back the place)."""
    count = await take_place(session, Group.member_count, Group.max_members, group.id)
    if count is None:
        raise ValidationError(GROUP_FULL)
    now = utcnow()
    inserted = await session.scalar(
        dialect_insert(session, GroupMember).values(
            tenant_id=group.tenant_id, group_id=group.id, user_id=user_id, role=role, joined_at=now)
        .on_conflict_do_nothing(index_elements=["group_id", "user_id"]).returning(GroupMember.id))
    if inserted is None:
        raise ValidationError(ALREADY_MEMBER)
    set_committed_value(group, "member_count", count)  # (stored by the UPDATE above: not a change to flush)
    emit(session, MEMBER_JOINED, [group_room(group.id), user_room(user_id)],
         {"group_id": group.id, "user_id": user_id, "role": role, "member_count": count})
    return GroupMember(id=inserted, group_id=group.id, user_id=user_id, role=role, joined_at=now)


async def _drop_member(session: AsyncSession, group: Group, user_id: str, *, reason: str) -> None:
    removed = await session.scalar(delete(GroupMember).where(GroupMember.group_id == group.id,
                                                             GroupMember.user_id == user_id)
                                   .returning(GroupMember.id))
    if removed is None:
        raise NotFound()
    count = await give_back_place(session, Group.member_count, group.id)
    set_committed_value(group, "member_count", count)
    emit(session, MEMBER_LEFT, [group_room(group.id), user_room(user_id)],
         {"group_id": group.id, "user_id": user_id, "reason": reason, "member_count": count})


async def join_group(session: AsyncSession, actor: Actor, group_id: int) -> GroupMember:
    view = await get_group(session, actor, group_id)
    if view.role is not None:
        raise ValidationError(ALREADY_MEMBER)
    if view.group.is_private:
        raise PermissionDenied(PRIVATE_GROUP)
    return await _add_member(session, view.group, actor.user_id, MEMBER)


async def leave_group(session: AsyncSession, actor: Actor, group_id: int) -> None:
    view = await get_group(session, actor, group_id)
    if view.role is None:
        raise ValidationError(NOT_MEMBER)
    if view.role == OWNER:
        if view.group.member_count > 1:
            raise ValidationError(OWNER_MUST_TRANSFER)
        await delete_group(session, actor, group_id)  # the last member leaves: the group goes
        return
    await _drop_member(session, view.group, actor.user_id, reason="left")


async def list_members(session: AsyncSession, actor: Actor, group_id: int, page: PageRequest,
                       role: str | None = None) -> tuple[list[GroupMember], int]:
    view = await get_group(session, actor, group_id)
    await _members_visible(view, actor)
    where = [GroupMember.group_id == group_id]
    if role:
        where.append(GroupMember.role == check_role(role))
    total = await session.scalar(select(func.count()).select_from(GroupMember).where(*where))
    order = [GroupMember.role != OWNER, GroupMember.role != MODERATOR, GroupMember.joined_at, GroupMember.id]
    rows = list(await session.scalars(select(GroupMember).where(*where).order_by(*order)
                                      .offset(page.offset).limit(page.size)))
    return rows, int(total or 0)


async def add_member(session: AsyncSession, actor: Actor, group_id: int, data: dict) -> GroupMember:
    """The tenant's staff add a user directly (private groups too; the limit still holds)."""
    view = await get_group(session, actor, group_id)
    if not actor.is_staff:
        raise PermissionDenied()
    user_id = check_user_id(data.get("user_id"))
    role = check_role(data.get("role") or MEMBER)
    if role == OWNER:
        raise ValidationError({"role": ["Ownership is transferred by changing a member's role to owner."]})
    member = await _add_member(session, view.group, user_id, role)
    await _settle_invitation(session, group_id, user_id, ACCEPTED)
    return member


async def _member(session: AsyncSession, group_id: int, user_id: str) -> GroupMember:
    member = await session.scalar(select(GroupMember).where(GroupMember.group_id == group_id,
                                                            GroupMember.user_id == user_id))
    if member is None:
        raise NotFound()
    return member


async def change_role(session: AsyncSession, actor: Actor, group_id: int, user_id: str, data: dict) -> GroupMember:
    """Owners (and staff) change roles; making someone owner transfers ownership (the old owner becomes a
    moderator)."""
    view = await get_group(session, actor, group_id)
    await _members_visible(view, actor)
    if not may_change_roles(actor, view.role):
        raise PermissionDenied()
    role = check_role(data.get("role"))
    # Lock the group so two transfers cannot both win.
    group = await session.scalar(select(Group).where(Group.id == group_id).with_for_update())
    member = await _member(session, group_id, user_id)
    if member.role == role:
        return member
    if member.role == OWNER:
        raise ValidationError({"role": ["Transfer ownership to another member instead."]})
    if role == OWNER:
        previous = await _member(session, group_id, group.owner_id)
        previous.role = MODERATOR
        group.owner_id = user_id
        emit(session, MEMBER_ROLE_CHANGED, [group_room(group_id), user_room(previous.user_id)],
             {"group_id": group_id, "user_id": previous.user_id, "role": MODERATOR})
    member.role = role
    await session.flush()
    emit(session, MEMBER_ROLE_CHANGED, [group_room(group_id), user_room(user_id)],
         {"group_id": group_id, "user_id": user_id, "role": role})
    return member


async def remove_member(session: AsyncSession, actor: Actor, group_id: int, user_id: str) -> None:
    view = await get_group(session, actor, group_id)
    await _members_visible(view, actor)
    if user_id == actor.user_id and view.role is not None:
        await leave_group(session, actor, group_id)
        return
    target = await _member(session, group_id, user_id)
    if not may_remove(actor, view.role, target.role):
        raise PermissionDenied()
    await _drop_member(session, view.group, user_id, reason="removed")


# Invitations ----------------------------------------------------------------------------------------

async def _settle_invitation(session: AsyncSession, group_id: int, user_id: str, status: str) -> None:
    await session.execute(update(GroupInvitation).where(
        GroupInvitation.group_id == group_id, GroupInvitation.user_id == user_id,
        GroupInvitation.status == PENDING).values(status=status).execution_options(synchronize_session=False))


async def invite(session: AsyncSession, actor: Actor, group_id: int, data: dict) -> tuple[GroupInvitation, str]:
    view = await get_group(session, actor, group_id)
    await _members_visible(view, actor)
    if not may_invite(actor, view.role):
        raise PermissionDenied()
    user_id = check_user_id(data.get("user_id"))
    if await _role_of(session, group_id, user_id) is not None:
        raise ValidationError({"user_id": [ALREADY_MEMBER]})
    # One pending invitation per (group, user): the group row lock orders concurrent invitations.
    await session.execute(select(Group.id).where(Group.id == group_id).with_for_update())
    pending = await session.scalar(select(GroupInvitation.id).where(
        GroupInvitation.group_id == group_id, GroupInvitation.user_id == user_id, GroupInvitation.status == PENDING))
    if pending is not None:
        raise ValidationError({"user_id": [ALREADY_INVITED]})
    invitation = GroupInvitation(group_id=group_id, user_id=user_id, invited_by=actor.user_id, status=PENDING,
                                 created_at=utcnow())
    session.add(invitation)
    await session.flush()
    emit(session, INVITATION_CREATED, user_room(user_id),
         {"invitation_id": invitation.id, "group_id": group_id, "group_name": view.group.name,
          "invited_by": actor.user_id})
    return invitation, view.group.name


async def list_group_invitations(session: AsyncSession, actor: Actor, group_id: int,
                                 page: PageRequest) -> tuple[list[tuple[GroupInvitation, str]], int]:
    view = await get_group(session, actor, group_id)
    await _members_visible(view, actor)
    if not may_invite(actor, view.role):
        raise PermissionDenied()
    return await _invitations(session, page, GroupInvitation.group_id == group_id,
                              GroupInvitation.status == PENDING)


async def list_my_invitations(session: AsyncSession, actor: Actor,
                              page: PageRequest) -> tuple[list[tuple[GroupInvitation, str]], int]:
    if actor.user_id is None:
        raise PermissionDenied()
    return await _invitations(session, page, GroupInvitation.user_id == actor.user_id,
                              GroupInvitation.status == PENDING)


async def _invitations(session: AsyncSession, page: PageRequest, *where):
    total = await session.scalar(select(func.count()).select_from(GroupInvitation).where(*where))
    rows = (await session.execute(
        select(GroupInvitation, Group.name).join(Group, Group.id == GroupInvitation.group_id).where(*where)
        .order_by(GroupInvitation.created_at.desc(), GroupInvitation.id.desc())
        .offset(page.offset).limit(page.size))).all()
    return [(i, name) for i, name in rows], int(total or 0)


async def _my_pending(session: AsyncSession, actor: Actor, invitation_id: int) -> tuple[GroupInvitation, Group]:
    if actor.user_id is None:
        raise PermissionDenied()
    row = (await session.execute(
        select(GroupInvitation, Group).join(Group, Group.id == GroupInvitation.group_id)
        .where(GroupInvitation.id == invitation_id, GroupInvitation.user_id == actor.user_id))).first()
    if row is None:
        raise NotFound()
    invitation, group = row
    if invitation.status != PENDING:
        raise ValidationError(f"This invitation was {invitation.status} already.")
    return invitation, group


async def accept_invitation(session: AsyncSession, actor: Actor, invitation_id: int) -> GroupMember:
    invitation, group = await _my_pending(session, actor, invitation_id)
    member = await _add_member(session, group, actor.user_id, MEMBER)
    await _settle_invitation(session, group.id, actor.user_id, ACCEPTED)
    return member


async def decline_invitation(session: AsyncSession, actor: Actor, invitation_id: int) -> tuple[GroupInvitation, str]:
    invitation, group = await _my_pending(session, actor, invitation_id)
    invitation.status = DECLINED
    await session.flush()
    return invitation, group.name


async def cancel_invitation(session: AsyncSession, actor: Actor, group_id: int, invitation_id: int) -> None:
    view = await get_group(session, actor, group_id)
    await _members_visible(view, actor)
    invitation = await session.scalar(select(GroupInvitation).where(
        GroupInvitation.id == invitation_id, GroupInvitation.group_id == group_id,
        GroupInvitation.status == PENDING))
    if invitation is None:
        raise NotFound()
    if not (may_invite(actor, view.role) or invitation.invited_by == actor.user_id):
        raise PermissionDenied()
    await session.delete(invitation)
    await session.flush()


# Rooms (lms.realtime.rooms) -------------------------------------------------------------------------

async def is_member(session: AsyncSession, group_id: int, user_id: str) -> bool:
    return await _role_of(session, group_id, user_id) is not None
