"""Course content logic: who sees and changes which module, lesson, resource and FAQ, and their order.

Reading follows the course (`visible_course`: students see published courses only) and, below
it, publication: students see published modules and the published lessons of those; anything
else is 404 to them, exactly like a missing id. Changing needs `course_for_change` (admins, or
instructors teaching the course). A child is always looked up under its parent (a lesson under
its module under its course), so an id under the wrong parent or in another tenant is 404.
Positions are kept dense by `lms.platform.ordering`; each listing is a fixed number of queries.

Files: file resources and file/video lessons hold the key of an object uploaded with the create or
change (`lms.platform.uploads`, passed in as a `StoredUpload`). A file must fit its row's kind (file
resources and file lessons: documents, images, videos; video lessons: videos; nothing else takes
one). A replaced file, a file its row's new kind does not take, and the files of deleted rows are
discarded (`lms.platform.files.discard`) in the same transaction and deleted once it commits.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from lms.content.models import LESSON_TYPES, RESOURCE_TYPES, Faq, Lesson, Module, Resource
from lms.courses.public import (
    Course, course_for_change, learning_course, published_outline_clause, sees_unpublished_content, visible_course,
)
from lms.platform import files
from lms.platform.context import Call
from lms.platform.errors import MSG_REQUIRED, NotFound, ValidationError
from lms.platform.ordering import OrderedSiblings, requested_sequence
from lms.platform.uploads import (
    DOCUMENTS, IMAGES, VIDEOS, FileField, FileType, StoredUpload, type_error, type_of_name,
)
from lms.platform.validation import Bool, Choice, Fields, Int, Str, Url

MODULE_FIELDS = Fields(
    title=Str(max_length=200, required=True),
    description=Str(allow_blank=True),
    order=Int(min_value=1, allow_null=True),  # null: no position given (append; keep on PUT)
    is_published=Bool(default=True),
).declares("lms.content.v1.ModuleInput")
LESSON_FIELDS = Fields(
    title=Str(max_length=200, required=True),
    description=Str(allow_blank=True),
    lesson_type=Choice(LESSON_TYPES, default="text"),
    duration=Int(min_value=0, default=0),
    content_url=Url(allow_blank=True),
    content_text=Str(allow_blank=True),
    order=Int(min_value=1, allow_null=True),  # null: no position given (append; keep on PUT)
    is_published=Bool(default=True),
).declares("lms.content.v1.LessonInput")
RESOURCE_FIELDS = Fields(
    title=Str(max_length=200, required=True),
    resource_type=Choice(RESOURCE_TYPES, required=True),
    url=Url(allow_blank=True),
    order=Int(min_value=1, allow_null=True),  # null: no position given (append; keep on PUT)
).declares("lms.content.v1.ResourceInput")
CONTENT_FILE_TYPES = DOCUMENTS + IMAGES + VIDEOS
# Which kinds of lesson and resource take an uploaded file, and of which types; other kinds take none.
LESSON_FILE_TYPES: dict[str, tuple[FileType, ...]] = {"file": CONTENT_FILE_TYPES, "video": VIDEOS}
RESOURCE_FILE_TYPES: dict[str, tuple[FileType, ...]] = {"file": CONTENT_FILE_TYPES}


def _file_types(field: str, allowed: dict, kind: str, noun: str) -> tuple[FileType, ...]:
    """The types a `kind` row takes in `field`; a ValidationError if it takes no file."""
    types = allowed.get(kind)
    if types is None:
        takers = " and ".join(sorted(allowed))
        raise ValidationError({field: [f"A {kind} {noun} cannot have an uploaded file; only {takers} {noun}s can."]})
    return types


def _accept(field: str, kind_field: str, allowed: dict, kinds: tuple[str, ...], noun: str):
    """Narrows an upload by the kind sent before the file (unsent or unknown: decided after the form)."""
    def accept(fields: dict[str, str]) -> tuple[FileType, ...] | None:
        kind = fields.get(kind_field)
        return _file_types(field, allowed, kind, noun) if kind in kinds else None
    return accept


def _check_upload(field: str, allowed: dict, kind: str, noun: str, upload: StoredUpload) -> str:
    """The upload's key if a `kind` row takes a file of its type, else a ValidationError on `field`."""
    types = _file_types(field, allowed, kind, noun)
    if upload.file_type not in types:
        raise ValidationError({field: [type_error(types)]})
    return upload.key


def _fits(allowed: dict, kind: str, key: str) -> bool:
    """Whether a `kind` row can keep the stored file `key` (stored names end in their type's extension)."""
    return kind in allowed and type_of_name(key) in allowed[kind]


# The file parts of the upload routes (lms.platform.uploads).
RESOURCE_FILE = FileField("resources", CONTENT_FILE_TYPES, required=False,
                          accept=_accept("file", "resource_type", RESOURCE_FILE_TYPES, RESOURCE_TYPES, "resource"))
LESSON_FILE = FileField("lessons", CONTENT_FILE_TYPES, required=False,
                        accept=_accept("content_file", "lesson_type", LESSON_FILE_TYPES, LESSON_TYPES, "lesson"))

FAQ_FIELDS = Fields(
    question=Str(max_length=500, required=True),
    answer=Str(required=True),
    order=Int(min_value=1, allow_null=True),  # null: no position given (append; keep on PUT)
).declares("lms.content.v1.FaqInput")


@dataclasses.dataclass
class ModuleTree:
    module: Module
    lessons: list


def _students_see_published(call: Call) -> bool:
    return not sees_unpublished_content(call.actor)


# Lookups under the right parent -------------------------------------------------------------------

async def _module_in(session: AsyncSession, call: Call, course_id: int, module_id: int) -> Module:
    module = await session.scalar(select(Module).where(Module.id == module_id, Module.course_id == course_id))
    if module is None or (_students_see_published(call) and not module.is_published):
        raise NotFound()
    return module


async def _module_for(session: AsyncSession, call: Call, course_id: int, module_id: int, *, change: bool) -> Module:
    """The module under its course; for a change the course's modules are locked before it is read."""
    if not change:
        return await _module_in(session, call, (await learning_course(session, call.actor, course_id)).id, module_id)
    course = await course_for_change(session, call.actor, course_id)
    await _module_siblings(course.id).lock(session)
    return await _module_in(session, call, course.id, module_id)


async def _child_of_course(session: AsyncSession, call: Call, model, course_id: int, item_id: int, *, change: bool):
    """A resource or FAQ under its course; for a change the course's items are locked before it is read."""
    if change:
        course = await course_for_change(session, call.actor, course_id)
        await _course_siblings(model, course.id).lock(session)
    elif model is Resource:
        course = await learning_course(session, call.actor, course_id)
    else:
        course = await visible_course(session, call.actor, course_id)
    item = await session.scalar(select(model).where(model.id == item_id, model.course_id == course.id))
    if item is None:
        raise NotFound()
    return item


async def _lessons_of(session: AsyncSession, call: Call, module_ids) -> dict[int, list[Lesson]]:
    """Lessons of the modules, in order, in one query (published ones only for students)."""
    module_ids = list(module_ids)
    if not module_ids:
        return {}
    query = select(Lesson).where(Lesson.module_id.in_(module_ids)).order_by(Lesson.module_id, Lesson.order)
    if _students_see_published(call):
        query = query.where(Lesson.is_published.is_(True))
    grouped: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in await session.scalars(query):
        grouped[lesson.module_id].append(lesson)
    return grouped


def _module_siblings(course_id: int) -> OrderedSiblings:
    return OrderedSiblings(Module, Module.course_id, course_id, parent_model=Course)


def _lesson_siblings(module_id: int) -> OrderedSiblings:
    return OrderedSiblings(Lesson, Lesson.module_id, module_id, parent_model=Module)


def _course_siblings(model, course_id: int) -> OrderedSiblings:
    return OrderedSiblings(model, model.course_id, course_id, parent_model=Course)


async def _move(session: AsyncSession, siblings: OrderedSiblings, item, requested: int | None) -> None:
    if requested is not None:
        set_committed_value(item, "order", await siblings.move(session, item.id, item.order, requested))


# Modules ----------------------------------------------------------------------------------------

async def list_modules(session: AsyncSession, call: Call, course_id: int) -> list[ModuleTree]:
    """The course's modules with their lessons: three queries whatever their number."""
    course = await learning_course(session, call.actor, course_id)
    query = select(Module).where(Module.course_id == course.id).order_by(Module.order)
    if _students_see_published(call):
        query = query.where(published_outline_clause(Module))
    modules = list(await session.scalars(query))
    lessons = await _lessons_of(session, call, [m.id for m in modules])
    return [ModuleTree(m, lessons.get(m.id, [])) for m in modules]


async def get_module(session: AsyncSession, call: Call, course_id: int, module_id: int) -> ModuleTree:
    module = await _module_for(session, call, course_id, module_id, change=False)
    return ModuleTree(module, (await _lessons_of(session, call, [module.id])).get(module.id, []))


async def create_module(session: AsyncSession, call: Call, course_id: int, data: dict) -> ModuleTree:
    course = await course_for_change(session, call.actor, course_id)
    values = MODULE_FIELDS.validate(data)
    position = await _module_siblings(course.id).insert_position(session, values.pop("order", None))
    module = Module(course_id=course.id, order=position, **values)
    session.add(module)
    await session.flush()
    return ModuleTree(module, [])


async def change_module(session: AsyncSession, call: Call, course_id: int, module_id: int, data: dict, *,
                        partial: bool) -> ModuleTree:
    """PUT (partial=False: the title must be sent, others reset to defaults) or PATCH; an unsent order stays."""
    module = await _module_for(session, call, course_id, module_id, change=True)
    values = MODULE_FIELDS.validate(data, partial=partial)
    await _move(session, _module_siblings(module.course_id), module, values.pop("order", None))
    for name, value in values.items():
        setattr(module, name, value)
    await session.flush()
    return ModuleTree(module, (await _lessons_of(session, call, [module.id])).get(module.id, []))


async def delete_module(session: AsyncSession, call: Call, course_id: int, module_id: int) -> None:
    """Deletes the module; the database cascades to its lessons and everything referencing them, and
    the lessons' content files go once the deletion commits."""
    module = await _module_for(session, call, course_id, module_id, change=True)
    await _lesson_siblings(module.id).lock(session)  # no lesson gets a new file meanwhile
    keys = await session.scalars(select(Lesson.content_file).where(Lesson.module_id == module.id,
                                                                   Lesson.content_file != ""))
    await files.discard(session, call, list(keys))
    await session.execute(delete(Module).where(Module.id == module.id))
    await _module_siblings(module.course_id).close_gap(session, module.order)


# Lessons ----------------------------------------------------------------------------------------

def _check_lesson_content(state: dict) -> None:
    """What each kind needs: text lessons text, video and link lessons a URL or a file, file lessons a file."""
    kind = state["lesson_type"]
    errors = {}
    if kind == "text" and not state["content_text"]:
        errors["content_text"] = ["This field is required for text lessons."]
    elif kind == "video" and not (state["content_url"] or state["content_file"]):
        errors["content_url"] = ["This field is required for video lessons without an uploaded file."]
    elif kind == "link" and not state["content_url"]:
        errors["content_url"] = ["This field is required for link lessons."]
    elif kind == "file" and not state["content_file"]:
        errors["content_file"] = [MSG_REQUIRED]
    if errors:
        raise ValidationError(errors)


async def list_lessons(session: AsyncSession, call: Call, course_id: int, module_id: int) -> list[Lesson]:
    module = await _module_for(session, call, course_id, module_id, change=False)
    return (await _lessons_of(session, call, [module.id])).get(module.id, [])


async def _lesson_for_change(session: AsyncSession, call: Call, course_id: int, module_id: int,
                             lesson_id: int) -> tuple[Module, Lesson]:
    """The lesson under its module under its course, read after the module's lessons are locked."""
    course = await course_for_change(session, call.actor, course_id)
    module = await _module_in(session, call, course.id, module_id)
    await _lesson_siblings(module.id).lock(session)
    return module, await _lesson_in(session, call, module, lesson_id)


async def _lesson_in(session: AsyncSession, call: Call, module: Module, lesson_id: int) -> Lesson:
    lesson = await session.scalar(select(Lesson).where(Lesson.id == lesson_id, Lesson.module_id == module.id))
    if lesson is None or (_students_see_published(call) and not lesson.is_published):
        raise NotFound()
    return lesson


async def get_lesson(session: AsyncSession, call: Call, course_id: int, module_id: int, lesson_id: int) -> Lesson:
    module = await _module_for(session, call, course_id, module_id, change=False)
    return await _lesson_in(session, call, module, lesson_id)


async def course_for_lesson_upload(session: AsyncSession, call: Call, course_id: int, module_id: int,
                                   lesson_id: int | None = None) -> Course:
    """The course a lesson create or change stores its file under, checked before the body is read, so
    a caller without rights or a wrong id gets 403/404 before sending the file."""
    course = await course_for_change(session, call.actor, course_id)
    module = await _module_in(session, call, course.id, module_id)
    if lesson_id is not None:
        await _lesson_in(session, call, module, lesson_id)
    return course


async def create_lesson(session: AsyncSession, call: Call, course_id: int, module_id: int, data: dict, *,
                        content_file: StoredUpload | None = None) -> Lesson:
    """A new lesson; `content_file` is the file uploaded with it, if any (file and video lessons)."""
    module = await _module_for(session, call, course_id, module_id, change=True)
    values = LESSON_FIELDS.validate(data)
    key = ""
    if content_file is not None:
        key = _check_upload("content_file", LESSON_FILE_TYPES, values["lesson_type"], "lesson", content_file)
    _check_lesson_content({**values, "content_file": key})
    position = await _lesson_siblings(module.id).insert_position(session, values.pop("order", None))
    lesson = Lesson(module_id=module.id, order=position, content_file=key, **values)
    session.add(lesson)
    await session.flush()
    return lesson


async def change_lesson(session: AsyncSession, call: Call, course_id: int, module_id: int, lesson_id: int,
                        data: dict, *, partial: bool, content_file: StoredUpload | None = None) -> Lesson:
    """PUT or PATCH of a lesson. An uploaded `content_file` replaces the stored one; a stored file the
    lesson's (new) type does not take is dropped. The old file goes once the change commits."""
    module, lesson = await _lesson_for_change(session, call, course_id, module_id, lesson_id)
    values = LESSON_FIELDS.validate(data, partial=partial)
    kind = values.get("lesson_type", lesson.lesson_type)
    old = lesson.content_file
    if content_file is not None:
        values["content_file"] = _check_upload("content_file", LESSON_FILE_TYPES, kind, "lesson", content_file)
    elif old and not _fits(LESSON_FILE_TYPES, kind, old):
        values["content_file"] = ""
    state = {name: getattr(lesson, name) for name in ("lesson_type", "content_url", "content_text", "content_file")}
    _check_lesson_content({**state, **values})
    await _move(session, _lesson_siblings(module.id), lesson, values.pop("order", None))
    new_file = values.pop("content_file", None)
    for name, value in values.items():
        setattr(lesson, name, value)
    if new_file is not None:
        await files.replace(session, call, lesson, "content_file", new_file)
    await session.flush()
    return lesson


async def delete_lesson(session: AsyncSession, call: Call, course_id: int, module_id: int, lesson_id: int) -> None:
    """Deletes the lesson (the database cascades to its completions); its file goes once that commits."""
    module, lesson = await _lesson_for_change(session, call, course_id, module_id, lesson_id)
    await session.execute(delete(Lesson).where(Lesson.id == lesson.id))
    await _lesson_siblings(module.id).close_gap(session, lesson.order)
    await files.discard(session, call, [lesson.content_file])


# Resources and FAQs -----------------------------------------------------------------------------

async def _list_of_course(session: AsyncSession, model, course_id: int) -> list:
    return list(await session.scalars(
        select(model).where(model.course_id == course_id).order_by(model.order)
        .execution_options(populate_existing=True)))


async def list_resources(session: AsyncSession, call: Call, course_id: int) -> list[Resource]:
    course = await learning_course(session, call.actor, course_id)
    return await _list_of_course(session, Resource, course.id)


async def get_resource(session: AsyncSession, call: Call, course_id: int, resource_id: int) -> Resource:
    return await _child_of_course(session, call, Resource, course_id, resource_id, change=False)


def _check_resource(state: dict) -> None:
    """A link needs its URL. A file resource may be created before its file (the document's JSON create
    `{"title", "resource_type": "file", "order"}`): the file follows by PUT/PATCH multipart, and
    `file_url` is null until then."""
    if state["resource_type"] == "link" and not state["url"]:
        raise ValidationError({"url": [MSG_REQUIRED]})


async def course_for_resource_upload(session: AsyncSession, call: Call, course_id: int,
                                     resource_id: int | None = None) -> Course:
    """The course a resource create or change stores its file under, checked before the body is read."""
    course = await course_for_change(session, call.actor, course_id)
    if resource_id is not None and await session.scalar(
            select(Resource.id).where(Resource.id == resource_id, Resource.course_id == course.id)) is None:
        raise NotFound()
    return course


async def create_resource(session: AsyncSession, call: Call, course_id: int, data: dict, *,
                          file: StoredUpload | None = None) -> Resource:
    """A new resource; `file` is the file uploaded with it (file resources need one, links take none)."""
    course = await course_for_change(session, call.actor, course_id)
    values = RESOURCE_FIELDS.validate(data)
    key = _check_upload("file", RESOURCE_FILE_TYPES, values["resource_type"], "resource", file) if file else ""
    _check_resource({**values, "file": key})
    position = await _course_siblings(Resource, course.id).insert_position(session, values.pop("order", None))
    resource = Resource(course_id=course.id, order=position, file=key, **values)
    session.add(resource)
    await session.flush()
    return resource


async def change_resource(session: AsyncSession, call: Call, course_id: int, resource_id: int, data: dict, *,
                          partial: bool, file: StoredUpload | None = None) -> Resource:
    """PUT or PATCH of a resource. An uploaded `file` replaces the stored one; a resource turned into a
    link loses its file. The old file goes once the change commits."""
    resource = await _child_of_course(session, call, Resource, course_id, resource_id, change=True)
    values = RESOURCE_FIELDS.validate(data, partial=partial)
    kind = values.get("resource_type", resource.resource_type)
    old = resource.file
    if file is not None:
        values["file"] = _check_upload("file", RESOURCE_FILE_TYPES, kind, "resource", file)
    elif old and not _fits(RESOURCE_FILE_TYPES, kind, old):
        values["file"] = ""
    _check_resource({"resource_type": resource.resource_type, "url": resource.url, "file": resource.file, **values})
    await _move(session, _course_siblings(Resource, resource.course_id), resource, values.pop("order", None))
    new_file = values.pop("file", None)
    for name, value in values.items():
        setattr(resource, name, value)
    if new_file is not None:
        await files.replace(session, call, resource, "file", new_file)
    await session.flush()
    return resource


async def delete_resource(session: AsyncSession, call: Call, course_id: int, resource_id: int) -> None:
    """Deletes the resource; its stored file, if any, goes once the deletion commits."""
    resource = await _child_of_course(session, call, Resource, course_id, resource_id, change=True)
    await session.execute(delete(Resource).where(Resource.id == resource.id))
    await _course_siblings(Resource, resource.course_id).close_gap(session, resource.order)
    await files.discard(session, call, [resource.file])


async def list_faqs(session: AsyncSession, call: Call, course_id: int) -> list[Faq]:
    course = await visible_course(session, call.actor, course_id)
    return await _list_of_course(session, Faq, course.id)


async def get_faq(session: AsyncSession, call: Call, course_id: int, faq_id: int) -> Faq:
    return await _child_of_course(session, call, Faq, course_id, faq_id, change=False)


async def _count_faqs(session: AsyncSession, course_id: int, delta: int) -> None:
    """Keeps `courses.faq_count` right in the same transaction as the FAQ rows."""
    await session.execute(update(Course).where(Course.id == course_id)
                          .values(faq_count=Course.faq_count + delta).execution_options(synchronize_session=False))


async def create_faq(session: AsyncSession, call: Call, course_id: int, data: dict) -> Faq:
    course = await course_for_change(session, call.actor, course_id)
    values = FAQ_FIELDS.validate(data)
    position = await _course_siblings(Faq, course.id).insert_position(session, values.pop("order", None))
    faq = Faq(course_id=course.id, order=position, **values)
    session.add(faq)
    await _count_faqs(session, course.id, +1)
    await session.flush()
    return faq


async def change_faq(session: AsyncSession, call: Call, course_id: int, faq_id: int, data: dict, *,
                     partial: bool) -> Faq:
    faq = await _child_of_course(session, call, Faq, course_id, faq_id, change=True)
    values = FAQ_FIELDS.validate(data, partial=partial)
    await _move(session, _course_siblings(Faq, faq.course_id), faq, values.pop("order", None))
    for name, value in values.items():
        setattr(faq, name, value)
    await session.flush()
    return faq


async def delete_faq(session: AsyncSession, call: Call, course_id: int, faq_id: int) -> None:
    faq = await _child_of_course(session, call, Faq, course_id, faq_id, change=True)
    await session.execute(delete(Faq).where(Faq.id == faq.id))
    await _course_siblings(Faq, faq.course_id).close_gap(session, faq.order)
    await _count_faqs(session, faq.course_id, -1)


async def reorder(session: AsyncSession, call: Call, model, field: str, course_id: int, items: list[dict]) -> list:
    """Applies a reorder request to the course's resources or FAQs; returns them all in their new order."""
    course = await course_for_change(session, call.actor, course_id)
    siblings = _course_siblings(model, course.id)
    await siblings.lock(session)
    current = await siblings.ids(session)
    sequence = requested_sequence(field, items, current)
    await siblings.apply(session, sequence, current)
    return await _list_of_course(session, model, course.id)
