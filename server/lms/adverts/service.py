"""Advert rules: the live window, the audience, admin-only changes.

- Live: `is_active` and `start_date <= now <= end_date`. Lists show live adverts only (admins may ask for all
  with `include_inactive`); a single advert that is not live is 404 except to admins.
- Audience: "all" is everyone of the tenant (anonymous callers with X-Tenant-ID too); "students" callers with
  the student role; "course" the learners of its course (`lms.courses.policy`). Admins see every audience.
- Admins create, change and delete; `end_date` before `start_date` is a 400.
"""
from __future__ import annotations

from sqlalchemy import and_, delete, exists, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from lms.adverts.models import ADVERT_TYPES, AUDIENCES, Advert
from lms.courses import policy
from lms.courses.public import Course
from lms.platform.actor import Actor
from lms.platform.errors import NotFound, PermissionDenied, ValidationError
from lms.platform.models import utcnow
from lms.platform.pagination import PageRequest
from lms.platform.validation import Bool, Choice, DateTime, Field, Fields, Int, Str, Url

END_BEFORE_START = "end_date must not be before start_date."


class NullableId(Field):
    """A positive integer id, or null."""

    def __init__(self, **kw):
        kw.setdefault("allow_null", True)
        kw.setdefault("default", None)
        super().__init__(**kw)

    def convert(self, value):
        return Int(min_value=1, max_value=2**31 - 1).convert(value)


ADVERT_FIELDS = Fields(
    title=Str(max_length=200, required=True),
    content=Str(max_length=5000, allow_blank=True),
    advert_type=Choice(ADVERT_TYPES, required=True),
    is_active=Bool(default=True),
    start_date=DateTime(required=True),
    end_date=DateTime(required=True),
    target_audience=Choice(AUDIENCES, default="all"),
    course=NullableId(),
    link_url=Url(allow_blank=True),
)


def live_clause(now):
    return and_(Advert.is_active.is_(True), Advert.start_date <= now, Advert.end_date >= now)


def is_live(advert: Advert, now) -> bool:
    return advert.is_active and advert.start_date <= now <= advert.end_date


def audience_clause(actor: Actor):
    """Adverts meant for the actor (admins: all)."""
    if actor.is_admin:
        return true()
    parts = [Advert.target_audience == "all"]
    if actor.user_id is not None and "student" in actor.roles:
        parts.append(Advert.target_audience == "students")
    if actor.user_id is not None:
        parts.append(and_(Advert.target_audience == "course", exists().where(
            Course.id == Advert.course_id, policy.may_learn_clause(actor, Course))))
    return or_(*parts)


async def list_adverts(session: AsyncSession, actor: Actor, page: PageRequest, *, advert_type: str | None,
                       include_inactive: bool) -> tuple[list[Advert], int]:
    where = [audience_clause(actor)]
    if not (include_inactive and actor.is_admin):
        where.append(live_clause(utcnow()))
    if advert_type:
        where.append(Advert.advert_type == advert_type)
    total = await session.scalar(select(func.count()).select_from(Advert).where(*where))
    rows = list(await session.scalars(select(Advert).where(*where).order_by(Advert.start_date.desc(),
                                                                            Advert.id.desc())
                                      .offset(page.offset).limit(page.size)))
    return rows, int(total or 0)


async def get_advert(session: AsyncSession, actor: Actor, advert_id: int) -> Advert:
    query = select(Advert).where(Advert.id == advert_id, audience_clause(actor))
    if not actor.is_admin:
        query = query.where(live_clause(utcnow()))
    advert = await session.scalar(query)
    if advert is None:
        raise NotFound()
    return advert


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied()


async def _admin_advert(session: AsyncSession, actor: Actor, advert_id: int) -> Advert:
    _require_admin(actor)
    advert = await session.get(Advert, advert_id)
    if advert is None:
        raise NotFound()
    return advert


async def _apply(session: AsyncSession, actor: Actor, advert: Advert, values: dict) -> None:
    course = values.pop("course", advert.course_id)
    for name, value in values.items():
        setattr(advert, name, value)
    errors = {}
    if advert.end_date < advert.start_date:
        errors["end_date"] = [END_BEFORE_START]
    if advert.target_audience == "course":
        if course is None:
            errors["course"] = ['This field is required when target_audience is "course".']
        else:
            try:
                await policy.visible_course(session, actor, course)
            except NotFound:
                errors["course"] = [f'Invalid pk "{course}" - object does not exist.']
    else:
        course = None
    if errors:
        raise ValidationError(errors)
    advert.course_id = course


async def create_advert(session: AsyncSession, actor: Actor, data: dict) -> Advert:
    _require_admin(actor)
    values = ADVERT_FIELDS.validate(data)
    advert = Advert(image="", impressions=0, clicks=0)
    await _apply(session, actor, advert, values)
    session.add(advert)
    await session.flush()
    return advert


async def change_advert(session: AsyncSession, actor: Actor, advert_id: int, data: dict, *, partial: bool) -> Advert:
    advert = await _admin_advert(session, actor, advert_id)
    await _apply(session, actor, advert, ADVERT_FIELDS.validate(data, partial=partial))
    await session.flush()
    return advert


async def delete_advert(session: AsyncSession, actor: Actor, advert_id: int) -> str:
    """Deletes the advert; returns its image key (for the caller to discard), or ""."""
    advert = await _admin_advert(session, actor, advert_id)
    image = advert.image
    await session.execute(delete(Advert).where(Advert.id == advert.id))
    return image


async def advert_for_image(session: AsyncSession, actor: Actor, advert_id: int) -> Advert:
    return await _admin_advert(session, actor, advert_id)


def check_ids(ids: list[int]) -> list[int]:
    if not ids:
        raise ValidationError({"adverts": ["This list may not be empty."]})
    if len(ids) > 100:
        raise ValidationError({"adverts": ["Ensure this field has no more than 100 elements."]})
    if any(i < 1 for i in ids):
        raise ValidationError({"adverts": ["A valid integer is required."]})
    return ids
