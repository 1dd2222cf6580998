"""Messaging: sending (direct, announcements, system notices), threads, folders and read state.

A message is stored once (`messages`); every recipient has a delivery row (`message_deliveries`) holding
their read and deletion state. Each side deletes only its own copy: the sender's flag is on the message,
the recipient's on the delivery. A caller sees a message only through a copy of theirs (404 otherwise).

Announcements: the course's staff send one message to everyone actively enrolled in a course they
teach; the request inserts the message and records one `message.sent` event; the `messaging_fanout` outbox
consumer (lms.messaging.fanout) then writes the deliveries (one INSERT ... SELECT over the course's
enrollments) and the recipients' `message.received` events (one more), so the request never waits on the
number of recipients.
"""
from __future__ import annotations

import dataclasses
import functools
from datetime import datetime

from sqlalchemy import (
    and_, bindparam, case, func, inspect, literal, not_, or_, select, true, type_coerce, union_all, update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lms.courses import policy
from lms.courses.public import Course, CourseInstructor, Enrollment
from lms.messaging import rules
from lms.messaging.models import ANNOUNCEMENT, ANYONE, CONTENT_MAX, COURSE_MEMBERS, DIRECT, MESSAGE_TYPES, \
    SENDABLE_TYPES, STUDENT_SCOPES, SUBJECT_MAX, SYSTEM, Delivery, MailboxCount, Message, MessagingSettings
from lms.platform import rooms
from lms.platform.actor import Actor
from lms.platform.db import dialect_insert, session_tenant, tenant_execute
from lms.platform.errors import NotFound, PermissionDenied, ValidationError
from lms.platform.events import MESSAGE_RECEIVED, MESSAGE_SENT, emit
from lms.platform.models import UtcDateTime, as_utc, utcnow
from lms.platform.pagination import PageRequest
from lms.platform.validation import Choice, Field, Fields, Int, Str
from lms.users.public import DirectoryUser, full_name

INBOX, SENT = "inbox", "sent"
FOLDERS = (INBOX, SENT)
SYSTEM_NAME = "System"
TYPE_LABELS = {
    DIRECT: ("Direct message", "A private message from one user to another.", True),
    ANNOUNCEMENT: ("Announcement", "A message from a course's staff to everyone enrolled in the course.", True),
    SYSTEM: ("System notice", "A notice from the service (a moderator's decision, say); it cannot be answered.",
             False),
}
SELF_MESSAGE = "You cannot send a message to yourself."
ANNOUNCE_NEEDS_COURSE = "Announcements go to a course: send `course` instead of `recipient`."
SYSTEM_NO_REPLY = "System messages cannot be answered."
NOT_A_PARTY = "The recipient of an answer is the other party of the message it answers."


class NullableId(Field):
    """A positive int32 id, or null."""

    def __init__(self, **kw):
        kw.setdefault("allow_null", True)
        kw.setdefault("default", None)
        super().__init__(**kw)

    def convert(self, value):
        return Int(min_value=1).convert(value)


MESSAGE_FIELDS = Fields(
    recipient=Str(max_length=128, allow_blank=True),
    subject=Str(max_length=SUBJECT_MAX, allow_blank=True),
    content=Str(max_length=CONTENT_MAX, required=True),
    message_type=Choice(SENDABLE_TYPES, default=DIRECT),
    course=NullableId(),
    reply_to=NullableId(),
).declares("lms.messaging.v1.MessageInput")

SETTINGS_FIELDS = Fields(
    student_recipients=Choice(STUDENT_SCOPES),
).declares("lms.messaging.v1.MessagingSettingsInput")


# Reading: one statement per request ------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class MessageRow:
    """A message as one caller sees it, with the names the list shows."""

    id: int
    sender_id: str
    recipient_id: str
    course_id: int | None
    subject: str
    content: str
    message_type: str
    reply_to_id: int | None
    thread_id: int
    recipient_count: int
    created_at: datetime
    folder: str
    read_at: datetime | None
    sender_name: str
    recipient_name: str


@dataclasses.dataclass(frozen=True)
class Filters:
    folder: str | None = None
    unread: bool | None = None
    message_type: str | None = None
    thread: int | None = None

    def check(self) -> "Filters":
        errors = {}
        if self.folder is not None and self.folder not in FOLDERS:
            errors["folder"] = [f"Select a valid choice. {self.folder} is not one of the available choices."]
        if self.message_type is not None and self.message_type not in MESSAGE_TYPES:
            errors["message_type"] = [
                f"Select a valid choice. {self.message_type} is not one of the available choices."]
        if errors:
            raise ValidationError(errors)
        # `unread` is about what the caller received: without a folder it means the inbox.
        if self.unread is not None and self.folder is None:
            return dataclasses.replace(self, folder=INBOX)
        return self


_COLUMNS = ("id", "sender_id", "recipient_id", "course_id", "subject", "content", "message_type", "reply_to_id",
            "thread_id", "recipient_count", "created_at", "folder", "read_at")


# Short aliases: psycopg caches its parsing of a statement only up to 4,096 bytes, and the both-folder list
# with full table names was 4,190 (parsed again on every request: ~0.6 ms of CPU, the worker's largest cost).
_D, _M = aliased(Delivery, name="d"), aliased(Message, name="m")


def _message_columns(m):
    return (m.id, m.sender_id, m.recipient_id, m.course_id, m.subject, m.content, m.message_type, m.reply_to_id,
            func.coalesce(m.thread_id, m.id).label("thread_id"), m.recipient_count, m.created_at)


def _inbox_branch(*, unread: bool | None, message_type: bool, thread: bool, one: bool):
    """The caller's received copies (not deleted), newest first by the inbox index; and their count (from the
    deliveries alone unless the thread filter needs the messages)."""
    tenant, d, m = bindparam("tenant"), _D, _M
    where = [d.tenant_id == tenant, d.recipient_id == bindparam("user"), not_(d.deleted)]
    if unread is not None:
        where.append(d.read_at.is_(None) if unread else d.read_at.is_not(None))
    if message_type:
        where.append(d.message_type == bindparam("message_type"))
    if one:
        where.append(d.message_id == bindparam("message_id"))
    joined = and_(m.id == d.message_id, m.tenant_id == tenant)
    count = select(func.count()).select_from(d)
    if thread:
        where.append(or_(m.id == bindparam("thread"), m.thread_id == bindparam("thread")))
        count = count.join(m, joined)
    rows = (select(*_message_columns(m), literal(INBOX).label("folder"), d.read_at.label("read_at"))
            .select_from(d).join(m, joined).where(*where).order_by(d.message_id.desc()))
    return rows, count.where(*where)


def _sent_branch(*, unread: bool | None, message_type: bool, thread: bool, one: bool):
    """The caller's sent copies (not deleted), with the recipient's read state (an announcement: read when
    sent); and their count."""
    tenant, m = bindparam("tenant"), _M
    rd = aliased(Delivery, name="rd")
    read_at = type_coerce(case((m.message_type == ANNOUNCEMENT, m.created_at), else_=rd.read_at), UtcDateTime())
    where = [m.tenant_id == tenant, m.sender_id == bindparam("user"), not_(m.sender_deleted)]
    if unread is not None:
        where.append(read_at.is_(None) if unread else read_at.is_not(None))
    if message_type:
        where.append(m.message_type == bindparam("message_type"))
    if thread:
        where.append(or_(m.id == bindparam("thread"), m.thread_id == bindparam("thread")))
    if one:
        where.append(m.id == bindparam("message_id"))
    source = inspect(m).selectable.outerjoin(rd, and_(rd.message_id == m.id, rd.recipient_id == m.recipient_id,
                                            rd.tenant_id == tenant))
    count = select(func.count()).select_from(source if unread is not None else inspect(m).selectable).where(*where)
    rows = (select(*_message_columns(m), literal(SENT).label("folder"), read_at.label("read_at"))
            .select_from(source).where(*where).order_by(m.id.desc()))
    return rows, count


def _named(page):
    """Adds the sender's and recipient's names (directory) and an announcement's course title to `page`."""
    tenant = bindparam("tenant")
    su, ru = aliased(DirectoryUser, name="su"), aliased(DirectoryUser, name="ru")
    columns = (*(page.c[name] for name in _COLUMNS), su.first_name, su.last_name, su.email,
               ru.first_name, ru.last_name, ru.email, Course.title)
    joins = lambda base: (base  # noqa: E731
                          .outerjoin(su, and_(su.tenant_id == tenant, su.user_id == page.c.sender_id))
                          .outerjoin(ru, and_(ru.tenant_id == tenant, ru.user_id == page.c.recipient_id))
                          .outerjoin(Course, and_(Course.tenant_id == tenant, Course.id == page.c.course_id)))
    return columns, joins


@functools.lru_cache(maxsize=64)
def list_statement(folder: str | None, unread: bool | None, message_type: bool, thread: bool):
    """The list of one filter shape, built once: the count and the page (with names) in one statement."""
    flags = {"unread": unread, "message_type": message_type, "thread": thread, "one": False}
    branches = []
    if folder in (None, INBOX):
        branches.append(_inbox_branch(**flags))
    if folder in (None, SENT):
        branches.append(_sent_branch(**flags))
    if not message_type and not thread and unread in (None, True) and not (unread and folder != INBOX):
        # What mailbox_counts keeps: read one row instead of counting the mailbox.
        if unread:
            total = _counted(MailboxCount.unread)
        elif folder is None:
            total = _counted(MailboxCount.inbox) + _counted(MailboxCount.sent)
        else:
            total = _counted(MailboxCount.inbox if folder == INBOX else MailboxCount.sent)
    else:
        counts = [counted.scalar_subquery() for _, counted in branches]
        total = counts[0] if len(counts) == 1 else counts[0] + counts[1]
    totals = select(total.label("total")).subquery("totals")
    if len(branches) == 1:
        page = branches[0][0].limit(bindparam("limit")).offset(bindparam("offset")).subquery("page")
    else:  # each side's newest `upto` (offset + limit) rows by its own index, then merged
        limited = [rows.limit(bindparam("upto")).subquery() for rows, _ in branches]
        merged = union_all(*(select(*sub.c) for sub in limited)).subquery("merged")
        page = (select(*merged.c).order_by(merged.c.id.desc())
                .limit(bindparam("limit")).offset(bindparam("offset")).subquery("page"))
    columns, joins = _named(page)
    return (select(totals.c.total, *columns).select_from(joins(totals.outerjoin(page, true())))
            .order_by(page.c.id.desc()))


@functools.lru_cache(maxsize=1)
def one_statement():
    """The caller's copy of one message (received or sent), with names."""
    flags = {"unread": None, "message_type": False, "thread": False, "one": True}
    inbox, sent = _inbox_branch(**flags)[0], _sent_branch(**flags)[0]
    page = union_all(inbox.order_by(None), sent.order_by(None)).subquery("page")
    columns, joins = _named(page)
    return select(*columns).select_from(joins(page))


def _row(values) -> MessageRow:
    (id_, sender, recipient, course, subject, content, type_, reply_to, thread, count, created, folder,
     read_at, s_first, s_last, s_email, r_first, r_last, r_email, title) = values
    sender_name = full_name(s_first or "", s_last or "", s_email or "", sender) if sender else SYSTEM_NAME
    recipient_name = (title or "") if type_ == ANNOUNCEMENT else full_name(r_first or "", r_last or "",
                                                                          r_email or "", recipient)
    return MessageRow(int(id_), sender, recipient, course, subject, content, type_, reply_to, int(thread),
                      int(count), as_utc(_when(created)), folder, as_utc(_when(read_at)), sender_name,
                      recipient_name)


def _when(value):
    """Datetimes from either path (SQLite hands back text for a computed column on some versions)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


async def list_messages(call, filters: Filters, page: PageRequest) -> tuple[list[MessageRow], int]:
    """One page of the caller's messages, newest first, in one statement."""
    actor = call.actor
    filters = filters.check()
    statement = list_statement(filters.folder, filters.unread, filters.message_type is not None,
                               filters.thread is not None)
    params = {"user": actor.user_id, "limit": page.size, "offset": page.offset, "upto": page.offset + page.size}
    if filters.message_type is not None:
        params["message_type"] = filters.message_type
    if filters.thread is not None:
        params["thread"] = filters.thread
    rows = (await call.read(statement, params)).all()
    total = int(rows[0][0]) if rows else 0
    return [_row(row[1:]) for row in rows if row[1] is not None], total


async def _copy(session: AsyncSession, actor: Actor, message_id: int) -> MessageRow:
    row = (await tenant_execute(session, one_statement(), {"user": actor.user_id, "message_id": message_id})).first()
    if row is None:
        raise NotFound()
    return _row(row)


async def get_message(session: AsyncSession, actor: Actor, message_id: int) -> MessageRow:
    """The caller's copy of a message; a received unread one becomes read."""
    row = await _copy(session, actor, message_id)
    if row.folder == INBOX and row.read_at is None:
        row = dataclasses.replace(row, read_at=await _set_read(session, actor, message_id, True))
    return row


async def _set_read(session: AsyncSession, actor: Actor, message_id: int, read: bool) -> datetime | None:
    now = utcnow() if read else None
    condition = Delivery.read_at.is_(None) if read else Delivery.read_at.is_not(None)
    changed = await session.execute(update(Delivery).where(Delivery.message_id == message_id,
                                                           Delivery.recipient_id == actor.user_id, condition)
                                    .values(read_at=now).execution_options(synchronize_session=False))
    if changed.rowcount:
        await count(session, {actor.user_id: (0, -1 if read else 1, 0)})
    return now


async def mark(session: AsyncSession, actor: Actor, message_id: int, read: bool) -> MessageRow:
    """Marks a received message read or unread (a message the caller did not receive is 404)."""
    row = await _copy(session, actor, message_id)
    if row.folder != INBOX:
        raise NotFound()
    if read and row.read_at is not None:
        return row
    return dataclasses.replace(row, read_at=await _set_read(session, actor, message_id, read))


async def mark_all_read(session: AsyncSession, actor: Actor) -> int:
    """Marks every received copy of the caller read; returns their unread count afterwards (0)."""
    changed = await session.execute(update(Delivery).where(Delivery.recipient_id == actor.user_id,
                                                           not_(Delivery.deleted), Delivery.read_at.is_(None))
                                    .values(read_at=utcnow()).execution_options(synchronize_session=False))
    if changed.rowcount:
        await count(session, {actor.user_id: (0, -changed.rowcount, 0)})
    return 0


def _counted(column):
    """The caller's count `column` of mailbox_counts (0 without a row), as a scalar subquery."""
    return func.coalesce(select(column).where(MailboxCount.tenant_id == bindparam("tenant"),
                                              MailboxCount.user_id == bindparam("user")).scalar_subquery(), 0)


_UNREAD = select(_counted(MailboxCount.unread))


async def unread_count(call) -> int:
    """Received messages the caller has not read (one row of mailbox_counts)."""
    return int((await call.read(_UNREAD, {"user": call.actor.user_id})).scalar() or 0)


async def count(session: AsyncSession, changes: dict[str, tuple[int, int, int]]) -> None:
    """Adds (inbox, unread, sent) to each user's mailbox counts: one upsert, rows in user-id order (so two
    transactions touching the same two users lock their rows in the same order)."""
    tenant = session_tenant(session)
    rows = [{"tenant_id": tenant, "user_id": user, "inbox": inbox, "unread": unread, "sent": sent}
            for user, (inbox, unread, sent) in sorted(changes.items())]
    statement = dialect_insert(session, MailboxCount).values(rows)
    await session.execute(statement.on_conflict_do_update(
        index_elements=[MailboxCount.tenant_id, MailboxCount.user_id],
        set_={name: getattr(MailboxCount, name) + statement.excluded[name] for name in ("inbox", "unread", "sent")}))


async def delete_message(session: AsyncSession, actor: Actor, message_id: int) -> None:
    """Deletes the caller's copy only: the other party keeps theirs."""
    row = await _copy(session, actor, message_id)
    if row.folder == INBOX:
        gone = (await session.execute(
            update(Delivery).where(Delivery.message_id == message_id, Delivery.recipient_id == actor.user_id,
                                   not_(Delivery.deleted))
            .values(deleted=True).returning(Delivery.read_at).execution_options(synchronize_session=False))).first()
        if gone is not None:
            await count(session, {actor.user_id: (-1, -1 if gone.read_at is None else 0, 0)})
    else:
        gone = await session.execute(
            update(Message).where(Message.id == message_id, Message.sender_id == actor.user_id,
                                  not_(Message.sender_deleted))
            .values(sender_deleted=True).execution_options(synchronize_session=False))
        if gone.rowcount:
            await count(session, {actor.user_id: (0, 0, -1)})


# Settings -------------------------------------------------------------------------------------------

async def student_scope(session: AsyncSession) -> str:
    return await session.scalar(select(MessagingSettings.student_recipients)) or COURSE_MEMBERS


async def update_settings(session: AsyncSession, actor: Actor, data: dict) -> str:
    if not actor.is_admin:
        raise PermissionDenied()
    values = SETTINGS_FIELDS.validate(data, partial=True)
    if "student_recipients" in values:
        statement = dialect_insert(session, MessagingSettings).values(
            tenant_id=actor.tenant_id, student_recipients=values["student_recipients"])
        await session.execute(statement.on_conflict_do_update(
            index_elements=[MessagingSettings.tenant_id],
            set_={"student_recipients": statement.excluded.student_recipients}))
    return await student_scope(session)


# Sending --------------------------------------------------------------------------------------------

async def facts(session: AsyncSession, actor: Actor, recipient: str) -> tuple[str | None, rules.Facts]:
    """The recipient's directory roles (None: unknown to the tenant) and the facts the rule needs, in one query."""
    sender = actor.user_id
    peer = aliased(Enrollment, name="peer")
    learns_any = select(Enrollment.id).where(Enrollment.user_id == sender, Enrollment.is_active.is_(True)).exists()
    teaches_mine = (select(CourseInstructor.id)
                    .where(CourseInstructor.user_id == recipient,
                           policy.learner_clause(sender, CourseInstructor.course_id)).exists())
    classmates = (select(peer.id).where(peer.user_id == recipient, peer.is_active.is_(True),
                                        policy.learner_clause(sender, peer.course_id)).exists())
    roles = (select(DirectoryUser.roles)
             .where(DirectoryUser.tenant_id == actor.tenant_id, DirectoryUser.user_id == recipient).scalar_subquery())
    row = (await session.execute(select(roles, learns_any, teaches_mine, classmates))).one()
    recipient_roles, learns, teaches, shares = row
    if recipient_roles is None:
        return None, rules.Facts(actor.is_staff, False, False)
    is_admin = "admin" in recipient_roles.split()
    return recipient_roles, rules.Facts(sender_is_staff=actor.is_staff,
                                        recipient_is_course_staff=bool(teaches) or (is_admin and bool(learns)),
                                        shares_course=bool(shares))


def _message_data(message: Message, sender_name: str, recipient_name: str) -> dict:
    """What the live events carry (the list's fields, without the read state)."""
    return {"id": message.id, "sender": message.sender_id, "sender_name": sender_name,
            "recipient": message.recipient_id, "recipient_name": recipient_name, "subject": message.subject,
            "content": message.content, "message_type": message.message_type, "course": message.course_id,
            "reply_to": message.reply_to_id, "thread": message.thread_id or message.id,
            "recipient_count": message.recipient_count,
            "created_at": message.created_at.isoformat().replace("+00:00", "Z")}


async def _parent(session: AsyncSession, actor: Actor, reply_to: int) -> Message:
    """The message answered: one the caller sent or received (and still has), else 400."""
    parent = await session.scalar(
        select(Message).where(Message.id == reply_to, or_(
            and_(Message.sender_id == actor.user_id, not_(Message.sender_deleted)),
            select(Delivery.message_id).where(Delivery.message_id == Message.id,
                                              Delivery.recipient_id == actor.user_id, not_(Delivery.deleted))
            .exists())))
    if parent is None:
        raise ValidationError({"reply_to": [f'Invalid pk "{reply_to}" - object does not exist.']})
    if parent.message_type == SYSTEM:
        raise ValidationError({"reply_to": [SYSTEM_NO_REPLY]})
    return parent


async def send(session: AsyncSession, actor: Actor, data: dict) -> tuple[Message, str, str]:
    """Sends a message (direct, or an announcement); returns it with the sender's and recipient's names."""
    if actor.user_id is None:
        raise PermissionDenied()
    values = MESSAGE_FIELDS.validate(data)
    if values["message_type"] == ANNOUNCEMENT:
        return await _announce(session, actor, values)
    if values["course"] is not None:
        raise ValidationError({"course": ["Only announcements go to a course."]})
    parent = await _parent(session, actor, values["reply_to"]) if values["reply_to"] is not None else None
    recipient = values["recipient"]
    if parent is not None:
        other = parent.recipient_id if parent.sender_id == actor.user_id else parent.sender_id
        if parent.message_type == ANNOUNCEMENT and parent.sender_id == actor.user_id:
            raise ValidationError({"reply_to": ["Answer an announcement's readers with a new announcement."]})
        if recipient and recipient != other:
            raise ValidationError({"recipient": [NOT_A_PARTY]})
        recipient = other
    if not recipient:
        raise ValidationError({"recipient": ["This field is required."]})
    if recipient == actor.user_id:
        raise ValidationError({"recipient": [SELF_MESSAGE]})
    roles, found = await facts(session, actor, recipient)
    if roles is None:
        raise ValidationError({"recipient": [f'Invalid pk "{recipient}" - object does not exist.']})
    found = dataclasses.replace(found, answers_thread=parent is not None)
    scope = ANYONE if found.sender_is_staff or found.answers_thread else await student_scope(session)
    if not rules.may_message(scope, found):
        raise PermissionDenied(rules.refusal(scope))
    subject = values["subject"]
    if not subject:
        if parent is None:
            raise ValidationError({"subject": ["This field is required."]})
        subject = _re(parent.subject)
    message = Message(sender_id=actor.user_id, recipient_id=recipient, subject=subject, content=values["content"],
                      message_type=DIRECT, reply_to_id=parent.id if parent else None,
                      thread_id=(parent.thread_id or parent.id) if parent else None, recipient_count=1,
                      created_at=utcnow())
    session.add(message)
    await session.flush()
    session.add(Delivery(message_id=message.id, recipient_id=recipient, message_type=DIRECT))
    await count(session, {recipient: (1, 1, 0), actor.user_id: (0, 0, 1)})
    names = await _names(session, [actor.user_id, recipient])
    data = _message_data(message, names[actor.user_id], names[recipient])
    emit(session, MESSAGE_RECEIVED, rooms.user_room(recipient), data)
    emit(session, MESSAGE_SENT, rooms.user_room(actor.user_id), data)
    return message, names[actor.user_id], names[recipient]


def _re(subject: str) -> str:
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"[:SUBJECT_MAX]


async def _names(session: AsyncSession, user_ids: list[str]) -> dict[str, str]:
    rows = await session.execute(select(DirectoryUser.user_id, DirectoryUser.first_name, DirectoryUser.last_name,
                                        DirectoryUser.email).where(DirectoryUser.user_id.in_(user_ids)))
    names = {u: full_name(f, last, e, u) for u, f, last, e in rows}
    return {u: names.get(u, u) for u in user_ids}


def _active_learners(course_id, sender: str):
    """The active enrollments of a course, the sender excepted: an announcement's recipients."""
    return (Enrollment.course_id == course_id, Enrollment.is_active.is_(True), Enrollment.user_id != sender)


async def _announce(session: AsyncSession, actor: Actor, values: dict) -> tuple[Message, str, str]:
    """An announcement to everyone actively enrolled in a course the caller is staff of: the message once and one
    `message.sent` event; its deliveries (one INSERT ... SELECT) and live events are written by the fan-out
    consumer (lms.messaging.fanout), so accepting it costs the same for 10 learners or 10,000."""
    errors = {}
    if values["course"] is None:
        errors["course"] = ["This field is required."]
    if values["recipient"]:
        errors["recipient"] = [ANNOUNCE_NEEDS_COURSE]
    if values["reply_to"] is not None:
        errors["reply_to"] = ["Announcements start a thread of their own."]
    if not values["subject"]:
        errors["subject"] = ["This field is required."]
    if errors:
        raise ValidationError(errors)
    if not actor.is_staff:
        raise PermissionDenied("Only the staff of a course send announcements to it.")
    try:
        course = await policy.course_for_change(session, actor, values["course"])
    except NotFound:
        raise ValidationError({"course": [f'Invalid pk "{values["course"]}" - object does not exist.']}) from None
    recipients = await session.scalar(select(func.count()).select_from(Enrollment)
                                      .where(*_active_learners(course.id, actor.user_id)))
    message = Message(sender_id=actor.user_id, recipient_id="", course_id=course.id, subject=values["subject"],
                      content=values["content"], message_type=ANNOUNCEMENT, recipient_count=int(recipients or 0),
                      fanned_out=False, created_at=utcnow())
    session.add(message)
    await session.flush()
    await count(session, {actor.user_id: (0, 0, 1)})
    names = await _names(session, [actor.user_id])
    emit(session, MESSAGE_SENT, rooms.user_room(actor.user_id), _message_data(message, names[actor.user_id],
                                                                               course.title))
    return message, names[actor.user_id], course.title


async def notify(session: AsyncSession, call, *, recipient: str, subject: str, content: str,
                 course_id: int | None = None) -> Message:
    """A system message to one user in the caller's unit of work (lms.platform.hooks.user_notified)."""
    message = Message(sender_id="", recipient_id=recipient, course_id=course_id, subject=subject[:SUBJECT_MAX],
                      content=content[:CONTENT_MAX], message_type=SYSTEM, recipient_count=1, created_at=utcnow())
    session.add(message)
    await session.flush()
    session.add(Delivery(message_id=message.id, recipient_id=recipient, message_type=SYSTEM))
    await count(session, {recipient: (1, 1, 0)})
    names = await _names(session, [recipient])
    emit(session, MESSAGE_RECEIVED, rooms.user_room(recipient), _message_data(message, SYSTEM_NAME, names[recipient]))
    return message


def sent_row(message: Message, sender_name: str, recipient_name: str) -> MessageRow:
    """The sender's view of a message they just sent."""
    read_at = message.created_at if message.message_type == ANNOUNCEMENT else None
    return MessageRow(message.id, message.sender_id, message.recipient_id, message.course_id, message.subject,
                      message.content, message.message_type, message.reply_to_id, message.thread_id or message.id,
                      message.recipient_count, message.created_at, SENT, read_at, sender_name, recipient_name)
