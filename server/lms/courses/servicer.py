"""gRPC servicers of the catalogue: parse the request, call the service, convert the result."""
from __future__ import annotations

from google.protobuf import empty_pb2

from lms.courses import detail, instructors, policy, service
from lms.courses.v1 import (
    categories_pb2,
    categories_pb2_grpc,
    courses_pb2,
    courses_pb2_grpc,
    instructors_pb2,
    instructors_pb2_grpc,
)
from lms.platform.context import Call
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import money, set_timestamp
from lms.platform.servicing import rpc
from lms.platform.storage import file_url
from lms.platform.uploads import IMAGES, FileField, Upload
from lms.platform.validation import present

THUMBNAIL = FileField("thumbnails", IMAGES)


def category_message(row: service.CategoryRow) -> categories_pb2.Category:
    c = row.category
    return categories_pb2.Category(id=c.id, name=c.name, slug=c.slug, description=c.description,
                                   course_count=row.course_count)


def course_message(call: Call, row, into=None) -> courses_pb2.Course:
    """A list-shaped course from a `service.ListRow`, appended to the repeated field `into` when given
    (nested fields filled in place are several times cheaper)."""
    fields = dict(
        id=row.id, title=row.title, description=row.description, slug=row.slug, code=row.code, level=row.level,
        status=row.status, is_free=row.is_free, price=money(row.price), currency=row.currency,
        thumbnail_url=file_url(call, row.thumbnail), total_enrollments=row.total_enrollments,
        faq_count=row.faq_count)
    message = into.add(**fields) if into is not None else courses_pb2.Course(**fields)
    category = message.category
    category.id, category.name, category.slug = row.category_id, row.category_name, row.category_slug
    set_timestamp(message.created_at, row.created_at)
    set_timestamp(message.updated_at, row.updated_at)
    return message


# A listed course's message is a function of its row and, through the thumbnail URL, of the caller's base
# URL: each process keeps the messages it built, keyed by exactly those, and copies them into later pages
# (several times cheaper than building them; a changed row is a different key). Not used when storage
# URLs are signed and expire (S3).
_LISTED_CACHE_SIZE = 8192
_listed: dict[tuple, courses_pb2.Course] = {}


def _listed_courses(call: Call, rows) -> list[courses_pb2.Course]:
    base_url = call.base_url
    messages = []
    for row in rows:
        key = (base_url, *row)
        message = _listed.get(key)
        if message is None:
            if len(_listed) >= _LISTED_CACHE_SIZE:
                del _listed[next(iter(_listed))]
            message = _listed[key] = course_message(call, row)
        messages.append(message)
    return messages


def instructor_message(profile: detail.InstructorProfile) -> courses_pb2.CourseInstructor:
    return courses_pb2.CourseInstructor(id=profile.user_id, email=profile.email, first_name=profile.first_name,
                                        last_name=profile.last_name, avatar_url=profile.avatar_url,
                                        phone=profile.phone)


class CategoryServicer(categories_pb2_grpc.CategoryServiceServicer):
    @rpc
    async def ListCategories(self, request, call, session):
        rows = await service.list_categories(session, call)
        return categories_pb2.ListCategoriesResponse(categories=[category_message(r) for r in rows])

    @rpc
    async def CreateCategory(self, request, call, session):
        row = await service.create_category(session, call, present(request.category))
        return category_message(row)

    @rpc
    async def GetCategory(self, request, call, session):
        return category_message(await service.get_category(session, call, request.category_id))

    @rpc
    async def UpdateCategory(self, request, call, session):
        row = await service.update_category(session, call, request.category_id,
                                            present(request.category))
        return category_message(row)

    @rpc
    async def DeleteCategory(self, request, call, session):
        await service.delete_category(session, call, request.category_id)
        return empty_pb2.Empty()


class CourseServicer(courses_pb2_grpc.CourseServiceServicer):
    @rpc
    async def ListCourses(self, request, call):
        page = PageRequest.from_request(request)
        filters = service.CourseFilters(
            category=request.category, level=request.level, status=request.status,
            is_free=request.is_free if request.HasField("is_free") else None,
            search=request.search.strip(), ordering=request.ordering.strip())
        result = await service.list_courses(call, filters, page)
        response = courses_pb2.ListCoursesResponse(
            **page_envelope(call, request, page, result.total), total_all_enrollments=result.total_all_enrollments)
        if call.runtime.storage.stable_urls:
            response.results.extend(_listed_courses(call, result.rows))
        else:
            for row in result.rows:
                course_message(call, row, into=response.results)
        return response

    @rpc
    async def CreateCourse(self, request, call, session):
        course = await service.create_course(session, call, present(request.course))
        return course_message(call, await service.list_row(session, course.id))

    @rpc
    async def GetCourse(self, request, call):
        return await detail.course_detail(call, request.course_id)

    async def ReplaceCourse(self, request, context):
        return await self._change(request, partial=False)

    async def UpdateCourse(self, request, context):
        return await self._change(request, partial=True)

    @rpc
    async def _change(self, request, call, session, *, partial: bool):
        course = await service.change_course(session, call, request.course_id, present(request.course),
                                             partial=partial)
        return await detail.course_detail(call, course.id)

    @rpc
    async def DeleteCourse(self, request, call, session):
        await service.delete_course(session, call, request.course_id)
        return empty_pb2.Empty()

    @rpc
    async def UploadCourseThumbnail(self, request_iterator, call):
        upload = await Upload.open(request_iterator)
        course = await policy.course_for_change(await call.session(), call.actor, upload.request.course_id)
        form = await upload.read(call, files={"thumbnail": THUMBNAIL}, course_id=course.id, course_slug=course.slug)
        session = await call.session()
        await service.set_thumbnail(session, call, course.id, form.files["thumbnail"].key)
        return course_message(call, await service.list_row(session, course.id))

    @rpc
    async def DeleteCourseThumbnail(self, request, call, session):
        await service.set_thumbnail(session, call, request.course_id, "")
        return empty_pb2.Empty()

    async def GetMostPopularCourse(self, request, context):
        return await self._popular(request, most=True)

    async def GetLeastPopularCourse(self, request, context):
        return await self._popular(request, most=False)

    @rpc
    async def _popular(self, request, call, session, *, most: bool):
        row = await service.popular_course(session, call, most=most)
        return courses_pb2.PopularCourse(course=course_message(call, row), enrollment_count=row.total_enrollments)


class CourseInstructorServicer(instructors_pb2_grpc.CourseInstructorServiceServicer):
    @rpc
    async def ListCourseInstructors(self, request, call, session):
        profiles = await instructors.list_instructors(session, call, request.course_id)
        return instructors_pb2.ListCourseInstructorsResponse(instructors=[instructor_message(p) for p in profiles])

    @rpc
    async def AddCourseInstructor(self, request, call, session):
        data = present(request)
        data.pop("course_id", None)
        profile = await instructors.add_instructor(session, call, request.course_id, data)
        return instructor_message(profile)

    @rpc
    async def RemoveCourseInstructor(self, request, call, session):
        await instructors.remove_instructor(session, call, request.course_id, request.user_id)
        return empty_pb2.Empty()
