"""Catalogue logic: slugs and codes, categories, listing and popularity, changing courses.

Who sees and changes which course is decided by the policy (lms.courses.policy), here as everywhere.
"""
from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from decimal import Decimal

from sqlalchemy import DateTime, and_, bindparam, delete, exists, func, or_, select, true, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from lms.courses import policy
from lms.courses.models import (
    LEVELS,
    STATUSES,
    Category,
    CertificateSettings,
    Course,
    CourseCounter,
    CourseInstructor,
    CourseTotals,
)
from lms.platform import files
from lms.platform.context import Call
from lms.platform.currencies import ISO_4217
from lms.platform.db import row_type
from lms.platform.errors import FailedPrecondition, NotFound, PermissionDenied, ValidationError
from lms.platform.pagination import PageRequest
from lms.platform.validation import Bool, Choice, DecimalStr, Fields, Int, Str, StrList

COURSE_FIELDS = Fields(
    title=Str(max_length=200, required=True),
    description=Str(allow_blank=True, required=True),
    short_description=Str(max_length=300, allow_blank=True),
    category_id=Int(required=True),
    level=Choice(LEVELS, default="Beginner"),
    status=Choice(STATUSES, default="Draft"),
    is_free=Bool(),
    price=DecimalStr(max_digits=10, decimal_places=2, min_value=Decimal("0")),
    currency=Str(max_length=3, default="USD"),
    learning_outcomes=StrList(max_items=50),
    prerequisites=StrList(max_items=50),
    code=Str(max_length=20),
).declares("lms.courses.v1.CourseInput")
CATEGORY_FIELDS = Fields(
    name=Str(max_length=100, required=True),
    description=Str(max_length=1000, allow_blank=True),
).declares("lms.courses.v1.CategoryInput")
ORDERINGS = {
    "id": Course.id, "title": Course.title, "created_at": Course.created_at,
    "price": Course.price, "total_enrollments": CourseCounter.total_enrollments,
}
_CODE_STOPWORDS = {
    "a", "an", "and", "the", "to", "of", "for", "in", "on", "with", "into", "from", "introduction", "intro",
    "advanced", "basic", "basics", "beginner", "beginners", "intermediate", "fundamentals", "concepts",
    "programming", "course", "guide", "essentials", "mastering", "master", "complete", "learn", "learning",
    "principles", "getting", "started", "practical", "applied", "modern", "foundations", "overview",
}
LEVEL_CODE_BASE = {"Beginner": 100, "Intermediate": 200, "Advanced": 300}


# Visibility and permissions are the policy's (lms.courses.policy).


# Slugs and codes ---------------------------------------------------------------------------------

def slugify(text: str, max_length: int = 200) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "item"


async def unique_slug(session: AsyncSession, model, base: str, exclude_id: int | None = None) -> str:
    """`base`, or `base-2`, `base-3`... whichever is free in the session's tenant."""
    taken_query = select(model.slug).where(model.slug.like(f"{base}%"))
    if exclude_id is not None:
        taken_query = taken_query.where(model.id != exclude_id)
    taken = set(await session.scalars(taken_query))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def code_prefix(title: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode())
    significant = [w for w in words if w.lower() not in _CODE_STOPWORDS] or words or ["C"]
    first = significant[0]
    capitals = re.findall(r"[A-Z]", first[1:])
    if capitals:  # JavaScript -> JS, TypeScript -> TS
        return (first[0] + capitals[0]).upper()
    if len(significant) >= 2:  # Data Science -> DS
        return (significant[0][0] + significant[1][0]).upper()
    return first[:2].upper().ljust(2, "X")


async def unique_code(session: AsyncSession, title: str, level: str) -> str:
    prefix = code_prefix(title)
    taken = set(await session.scalars(select(Course.code).where(Course.code.like(f"{prefix}%"))))
    number = LEVEL_CODE_BASE.get(level, 100) + 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


# Categories --------------------------------------------------------------------------------------

@dataclasses.dataclass
class CategoryRow:
    category: Category
    course_count: int


def _course_count_subquery(call: Call):
    condition = and_(Course.category_id == Category.id, Course.tenant_id == call.tenant_id,
                     *policy.conditions(policy.visible_clause(call.actor)))
    return select(func.count(Course.id)).where(condition).correlate(Category).scalar_subquery()


async def list_categories(session: AsyncSession, call: Call) -> list[CategoryRow]:
    call.require_tenant()
    rows = await session.execute(
        select(Category, _course_count_subquery(call)).order_by(Category.name, Category.id))
    return [CategoryRow(category, count) for category, count in rows]


async def get_category(session: AsyncSession, call: Call, category_id: int) -> CategoryRow:
    call.require_tenant()
    row = (await session.execute(
        select(Category, _course_count_subquery(call)).where(Category.id == category_id))).first()
    if row is None:
        raise NotFound()
    return CategoryRow(*row)


async def _check_category_name(session: AsyncSession, name: str, exclude_id: int | None = None) -> None:
    query = select(Category.id).where(func.lower(Category.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Category.id != exclude_id)
    if await session.scalar(query.limit(1)) is not None:
        raise ValidationError({"name": ["A category with this name already exists."]})


async def create_category(session: AsyncSession, call: Call, data: dict) -> CategoryRow:
    call.require_staff()
    values = CATEGORY_FIELDS.validate(data)
    await _check_category_name(session, values["name"])
    category = Category(name=values["name"], description=values["description"], tenant_id=call.tenant_id,
                        slug=await unique_slug(session, Category, slugify(values["name"], 100)))
    session.add(category)
    await session.flush()
    return CategoryRow(category, 0)


async def _tenant_category(session: AsyncSession, call: Call, category_id: int) -> Category:
    call.require_admin()
    category = await session.get(Category, category_id)
    if category is None or category.tenant_id not in (None, call.tenant_id):
        raise NotFound()
    if category.tenant_id is None:
        raise PermissionDenied("Shared categories can only be changed by the platform operator.")
    return category


async def update_category(session: AsyncSession, call: Call, category_id: int, data: dict) -> CategoryRow:
    category = await _tenant_category(session, call, category_id)
    values = CATEGORY_FIELDS.validate(data, partial=True)
    if "name" in values and values["name"] != category.name:
        await _check_category_name(session, values["name"], exclude_id=category.id)
        category.name = values["name"]
        category.slug = await unique_slug(session, Category, slugify(values["name"], 100), exclude_id=category.id)
    if "description" in values:
        category.description = values["description"]
    await session.flush()
    return await get_category(session, call, category.id)


async def delete_category(session: AsyncSession, call: Call, category_id: int) -> None:
    category = await _tenant_category(session, call, category_id)
    in_use = await session.scalar(select(exists().where(Course.category_id == category.id)))
    if in_use:
        raise FailedPrecondition("This category still has courses; move or delete them first.")
    await session.delete(category)


# Courses -----------------------------------------------------------------------------------------

@dataclasses.dataclass
class CourseFilters:
    category: int = 0
    level: str = ""
    status: str = ""
    is_free: bool | None = None
    search: str = ""
    ordering: str = ""


@dataclasses.dataclass
class CoursePage:
    rows: list  # ListRow
    total: int
    total_all_enrollments: int


# Rows of courses with their counters and categories (select them with `_with_counter_and_category`), read
# by name (`ListRow`, the 18 columns' labels).
LIST_COLUMNS = (
    Course.id, Course.title, Course.description, Course.slug, Course.code, Course.level, Course.status,
    Course.is_free, Course.price, Course.currency, Course.thumbnail, CourseCounter.total_enrollments,
    Course.faq_count,
    # Plain timezone-aware datetimes: their consumers make them UTC (`protos.timestamp`), so the per-value
    # UtcDateTime result processing is skipped on PostgreSQL.
    type_coerce(Course.created_at, DateTime(timezone=True)).label("created_at"),
    type_coerce(Course.updated_at, DateTime(timezone=True)).label("updated_at"),
    Category.id.label("category_id"), Category.name.label("category_name"), Category.slug.label("category_slug"),
)


ListRow = row_type(select(*LIST_COLUMNS), "ListRow")


def _with_counter_and_category(statement, tenant=None):
    """Joins a statement over courses to their counters and categories (filtered by `tenant` when given:
    Core statements that bypass the session's scoping)."""
    counter = CourseCounter.course_id == Course.id
    category = Course.category_id == Category.id
    if tenant is not None:
        counter = and_(counter, CourseCounter.tenant_id == tenant)
        category = and_(category, or_(Category.tenant_id == tenant, Category.tenant_id.is_(None)))
    return statement.join(CourseCounter, counter).join(Category, category)


def _check_filters(filters: CourseFilters) -> None:
    errors = {}
    if filters.level and filters.level not in LEVELS:
        errors["level"] = [f'Select a valid choice. {filters.level} is not one of the available choices.']
    if filters.status and filters.status not in STATUSES:
        errors["status"] = [f'Select a valid choice. {filters.status} is not one of the available choices.']
    if filters.ordering and filters.ordering.lstrip("-") not in ORDERINGS:
        errors["ordering"] = [f'Select a valid choice. {filters.ordering} is not one of the available choices.']
    if errors:
        raise ValidationError(errors)


@functools.lru_cache(maxsize=512)
def _list_statement(sees_drafts: bool, category: bool, level: bool, status: bool, is_free: bool, search: bool,
                    ordering: str):
    """The list query of one filter shape, built once: every value is a bound parameter.

    One statement answers the whole request: a one-row pair of totals joined to the page. The sum of
    the tenant's enrollment counters, and without filters the number of (published) courses,
    come from `course_totals` (a few rows per tenant kept by a trigger); a filtered count counts the
    tenant's matching course rows. Never the enrollment table. Reusing the statement object lets
    SQLAlchemy skip rebuilding it and its cache key.
    """
    tenant = bindparam("tenant")
    conditions = []
    conditions.extend(policy.conditions(policy.visible_rule(policy.SQL, is_tenant_staff=sees_drafts,
                                                           status=Course.status)))
    if category:
        conditions.append(Course.category_id == bindparam("category"))
    if level:
        conditions.append(Course.level == bindparam("level"))
    if status:
        conditions.append(Course.status == bindparam("status"))
    if is_free:
        conditions.append(Course.is_free == bindparam("is_free"))
    if search:
        conditions.append(Course.title.ilike(bindparam("search"), escape="\\"))
    enrollments = func.coalesce(func.sum(CourseTotals.enrollments), 0)
    if category or level or status or is_free or search:
        total = select(func.count()).select_from(Course).where(Course.tenant_id == tenant, *conditions)
        totals = select(total.scalar_subquery().label("total"),
                        select(enrollments).where(CourseTotals.tenant_id == tenant).scalar_subquery()
                        .label("all_enrollments"))
    else:  # the catalogue as a whole: sums over the tenant's few totals rows
        counted = CourseTotals.courses if sees_drafts else CourseTotals.published
        totals = select(func.coalesce(func.sum(counted), 0).label("total"), enrollments.label("all_enrollments")) \
            .where(CourseTotals.tenant_id == tenant)
    totals = totals.subquery("totals")
    column = ORDERINGS[ordering.lstrip("-")]
    descending = ordering.startswith("-")
    order = [column.desc() if descending else column.asc()]
    if column is not Course.id:
        order.append(Course.id.asc())
    page = (
        _with_counter_and_category(select(*LIST_COLUMNS).select_from(Course), tenant)
        .where(Course.tenant_id == tenant, *conditions)
        .order_by(*order).limit(bindparam("limit")).offset(bindparam("offset"))
    ).subquery("page")
    outer_column = page.c[column.key]
    outer_order = [outer_column.desc() if descending else outer_column.asc()]
    if column is not Course.id:
        outer_order.append(page.c.id.asc())
    return (select(totals.c.total, totals.c.all_enrollments, *page.c)
            .select_from(totals.outerjoin(page, true())).order_by(*outer_order))


async def list_courses(call: Call, filters: CourseFilters, page: PageRequest) -> CoursePage:
    """One page of courses in one SQL statement on the read path, whatever the page size or the number
    of enrollments."""
    actor = call.actor
    _check_filters(filters)
    statement = _list_statement(
        policy.sees_unpublished_content(actor), bool(filters.category), bool(filters.level), bool(filters.status),
        filters.is_free is not None, bool(filters.search), filters.ordering or "id")
    params = {"limit": page.size, "offset": page.offset}
    if filters.category:
        params["category"] = filters.category
    if filters.level:
        params["level"] = filters.level
    if filters.status:
        params["status"] = filters.status
    if filters.is_free is not None:
        params["is_free"] = filters.is_free
    if filters.search:
        escaped = filters.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["search"] = f"%{escaped}%"
    rows = (await call.read(statement, params)).all()
    first = rows[0]
    # Rows are (total, all_enrollments, *LIST_COLUMNS); a page past the end is one row of NULLs.
    return CoursePage(rows=[ListRow._make(row[2:]) for row in rows if row[2] is not None], total=first[0],
                      total_all_enrollments=int(first[1]))


async def list_row(session: AsyncSession, course_id: int):
    """The list-shaped row of one course (for create responses and popularity)."""
    return ListRow._make((await session.execute(
        _with_counter_and_category(select(*LIST_COLUMNS).select_from(Course)).where(Course.id == course_id)
    )).one())


async def popular_course(session: AsyncSession, call: Call, *, most: bool):
    """The visible course with the most (or fewest) enrollments among courses that have any."""
    conditions = [CourseCounter.total_enrollments > 0, *policy.conditions(policy.visible_clause(call.actor))]
    order = CourseCounter.total_enrollments.desc() if most else CourseCounter.total_enrollments.asc()
    row = (await session.execute(
        _with_counter_and_category(select(*LIST_COLUMNS).select_from(Course))
        .where(*conditions).order_by(order, Course.id).limit(1)
    )).first()
    if row is None:
        raise NotFound()
    return ListRow._make(row)


async def _check_category(session: AsyncSession, category_id: int) -> None:
    if await session.get(Category, category_id) is None:
        # The tenant scoping hides other tenants' categories, so they read as missing too.
        raise ValidationError({"category_id": [f'Invalid pk "{category_id}" - object does not exist.']})


def _check_price(values: dict, sent: dict) -> None:
    """is_free and price must agree; a paid course needs a price above zero."""
    errors = {}
    if values["currency"] not in ISO_4217:
        errors["currency"] = [f'"{values["currency"]}" is not a valid ISO 4217 currency code.']
    if values["is_free"] and values["price"] > 0:
        errors["price"] = ["A free course must have a price of 0.00."]
    elif not values["is_free"] and values["price"] <= 0:
        errors["price"] = ["A paid course needs a price above 0." if "price" in sent else "This field is required."]
    if errors:
        raise ValidationError(errors)


async def _check_code(session: AsyncSession, code: str, exclude_id: int | None = None) -> str:
    code = code.upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{1,19}", code):
        raise ValidationError({"code": ["Use 2-20 letters, digits or dashes."]})
    query = select(Course.id).where(Course.code == code)
    if exclude_id is not None:
        query = query.where(Course.id != exclude_id)
    if await session.scalar(query.limit(1)) is not None:
        raise ValidationError({"code": ["A course with this code already exists."]})
    return code


async def create_course(session: AsyncSession, call: Call, data: dict) -> Course:
    user = call.require_staff()
    values = COURSE_FIELDS.validate(data)
    if "is_free" not in values:
        values["is_free"] = values.get("price", Decimal(0)) == 0
    values.setdefault("price", Decimal("0.00"))
    values["currency"] = values["currency"].upper()
    _check_price(values, data)
    await _check_category(session, values["category_id"])
    code = values.pop("code", "")
    course = Course(**values)
    course.code = await _check_code(session, code) if code else await unique_code(session, course.title, course.level)
    course.slug = await unique_slug(session, Course, slugify(course.title))
    session.add(course)
    await session.flush()
    session.add(CertificateSettings(course_id=course.id))
    if user.is_instructor:
        session.add(CourseInstructor(course_id=course.id, user_id=user.user_id))
    await session.flush()
    return course


async def change_course(session: AsyncSession, call: Call, course_id: int, data: dict, *, partial: bool) -> Course:
    """PUT (partial=False: every required field must be sent) or PATCH (only the fields sent)."""
    course = await policy.course_for_change(session, call.actor, course_id)
    values = COURSE_FIELDS.validate(data, partial=partial)
    if not partial:
        # PUT replaces: fields not sent go back to their defaults, except the generated code.
        values.setdefault("is_free", values.get("price", Decimal(0)) == 0)
        values.setdefault("price", Decimal("0.00"))
    merged = {"is_free": course.is_free, "price": course.price, "currency": course.currency, **values}
    merged["currency"] = merged["currency"].upper()
    if "price" in values and "is_free" not in values and partial:
        merged["is_free"] = values["price"] == 0
    _check_price(merged, data)
    if "category_id" in values and values["category_id"] != course.category_id:
        await _check_category(session, values["category_id"])
    if values.get("code") and values["code"].upper() != course.code:
        values["code"] = await _check_code(session, values["code"], exclude_id=course.id)
    else:
        values.pop("code", None)
    values["is_free"], values["price"], values["currency"] = merged["is_free"], merged["price"], merged["currency"]
    if "title" in values and values["title"] != course.title:
        course.slug = await unique_slug(session, Course, slugify(values["title"]), exclude_id=course.id)
    for name, value in values.items():
        setattr(course, name, value)
    await session.flush()
    return course


async def delete_course(session: AsyncSession, call: Call, course_id: int) -> Course:
    """Deletes the course; the database cascades to everything it owns, and its stored files go
    once the deletion has committed."""
    course = await policy.course_for_change(session, call.actor, course_id)
    await files.discard_course(session, call, course.id)
    await session.execute(delete(Course).where(Course.id == course.id))
    return course


async def set_thumbnail(session: AsyncSession, call: Call, course_id: int, key: str) -> Course:
    """Points the course at a newly stored thumbnail ("" removes it); the old image is deleted after commit."""
    course = await policy.course_for_change(session, call.actor, course_id)
    await files.replace(session, call, course, "thumbnail", key)
    await session.flush()
    return course
