"""gRPC servicer of enrollments and progress."""
from __future__ import annotations

from collections import defaultdict

from google.protobuf import empty_pb2

from lms.courses.public import Course
from lms.enrollments import service
from lms.enrollments.models import Enrollment
from lms.enrollments.trees import course_trees as load_course_trees
from lms.enrollments.v1 import enrollments_pb2, enrollments_pb2_grpc
from lms.platform.context import Call
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import null, nullable_timestamp, set_timestamp, timestamp
from lms.platform.servicing import rpc
from lms.platform.storage import file_url
from lms.platform.validation import present
from lms.users.public import display_names


def enrollment_message(call: Call, enrollment: Enrollment, course: Course, user_name: str,
                       progress: int) -> enrollments_pb2.Enrollment:
    return enrollments_pb2.Enrollment(
        id=enrollment.id, user_id=enrollment.user_id, user_name=user_name,
        course=enrollments_pb2.EnrolledCourseSummary(id=course.id, title=course.title, description=course.description),
        course_id=course.id, enrolled_at=timestamp(enrollment.enrolled_at),
        started_at=nullable_timestamp(enrollment.started_at), completed_at=nullable_timestamp(enrollment.completed_at),
        is_active=enrollment.is_active, progress=progress)


async def enrollment_messages(call: Call, session, course: Course, enrollments: list[Enrollment]):
    names = await display_names(session, [e.user_id for e in enrollments])
    figures = await service.progress_of(session, enrollments)
    return [enrollment_message(call, e, course, names[e.user_id], figures[e.id].percent) for e in enrollments]


async def course_trees(call: Call, session, courses: list[Course], enrollment_ids: list[int]):
    """course id -> EnrolledCourse, in five queries for any number of courses."""
    loaded = await load_course_trees(session, [c.id for c in courses], enrollment_ids)
    modules, lessons, resources, names, done = (loaded.modules, loaded.lessons, loaded.resources, loaded.names,
                                                loaded.completed)
    instructor_rows = loaded.instructors
    lessons_by_module = defaultdict(list)
    for lesson in lessons:
        lessons_by_module[lesson.module_id].append(enrollments_pb2.TreeLesson(
            id=lesson.id, title=lesson.title, type=lesson.lesson_type, duration=lesson.duration, order=lesson.order,
            is_published=lesson.is_published, content_url=lesson.content_url,
            content_file=lesson.content_file.rsplit("/", 1)[-1],
            content_file_url=file_url(call, lesson.content_file), is_completed=lesson.id in done))
    trees = {c.id: enrollments_pb2.EnrolledCourse(
        id=c.id, title=c.title, description=c.description, thumbnail=c.thumbnail.rsplit("/", 1)[-1],
        thumbnail_url=file_url(call, c.thumbnail)) for c in courses}
    for module in modules:
        trees[module.course_id].modules.append(enrollments_pb2.TreeModule(
            id=module.id, title=module.title, order=module.order, lessons=lessons_by_module[module.id]))
    for resource in resources:
        trees[resource.course_id].resources.append(enrollments_pb2.TreeResource(
            id=resource.id, title=resource.title, type=resource.resource_type, url=resource.url,
            file=resource.file.rsplit("/", 1)[-1], file_url=file_url(call, resource.file), order=resource.order))
    for course_id, user_id in instructor_rows:
        trees[course_id].instructors.append(enrollments_pb2.TreeInstructor(id=user_id, name=names[user_id]))
    return trees


class EnrollmentServicer(enrollments_pb2_grpc.EnrollmentServiceServicer):
    @rpc
    async def ListMyEnrollments(self, request, call, session):
        rows, figures = await service.my_enrollments(session, call)
        trees = await course_trees(call, session, [c for _, c in rows], [e.id for e, _ in rows])
        return enrollments_pb2.ListMyEnrollmentsResponse(enrollments=[enrollments_pb2.UserEnrollment(
            id=e.id, course=trees[c.id], enrolled_at=timestamp(e.enrolled_at),
            completed_at=nullable_timestamp(e.completed_at), progress=figures[e.id].percent) for e, c in rows])

    @rpc
    async def Enroll(self, request, call):
        new = await service.enroll(call, request.course_id, request.user_id)
        message = enrollments_pb2.Enrollment(
            id=new.id, user_id=new.user_id, user_name=new.user_name, course_id=new.course_id, is_active=True,
            started_at=null(), completed_at=null(), progress=0)
        course = message.course
        course.id, course.title, course.description = new.course_id, new.course_title, new.course_description
        set_timestamp(message.enrolled_at, new.enrolled_at)
        return message

    @rpc
    async def BulkEnroll(self, request, call, session):
        user_ids = service.BULK_FIELDS.validate(present(request))["user_ids"]
        result = await service.bulk_enroll(session, call, request.course_id, user_ids)
        return enrollments_pb2.BulkEnrollResponse(detail=f"Enrolled {result.created} users", created=result.created,
                                                  already_enrolled=result.already_enrolled)

    @rpc
    async def ListCourseEnrollments(self, request, call, session):
        page = PageRequest.from_request(request)
        course, rows, total = await service.course_enrollments(
            session, call, request.course_id, page,
            request.is_active if request.HasField("is_active") else None,
            request.completed if request.HasField("completed") else None)
        return enrollments_pb2.ListCourseEnrollmentsResponse(
            **page_envelope(call, request, page, total), results=await enrollment_messages(call, session, course, rows))

    @rpc
    async def ListMyCourses(self, request, call, session):
        rows, figures = await service.my_enrollments(session, call)
        return enrollments_pb2.ListMyCoursesResponse(courses=[enrollments_pb2.MyCourse(
            id=c.id, title=c.title, description=c.description, slug=c.slug, level=c.level,
            thumbnail_url=file_url(call, c.thumbnail), progress=figures[e.id].percent,
            enrolled_at=timestamp(e.enrolled_at), completed_at=nullable_timestamp(e.completed_at)) for e, c in rows])

    @rpc
    async def CompleteLesson(self, request, call, session):
        result = await service.complete_lesson(session, call,
                                               request.lesson if request.HasField("lesson") else None)
        if result.created:
            call.set_http_status(201)
        return enrollments_pb2.CompleteLessonResponse(detail="Lesson marked as completed",
                                                      progress=result.figures.percent,
                                                      course_completed=result.course_completed)

    @rpc
    async def GetProgress(self, request, call, session):
        enrollment, figures, lesson_ids = await service.progress_report(
            session, call, request.course if request.HasField("course") else None, request.user)
        return enrollments_pb2.Progress(
            course=enrollment.course_id, user=enrollment.user_id, progress=figures.percent,
            completed_lessons=figures.completed, total_lessons=figures.total, completed_lesson_ids=lesson_ids,
            started_at=nullable_timestamp(enrollment.started_at),
            completed_at=nullable_timestamp(enrollment.completed_at), is_active=enrollment.is_active)

    @rpc
    async def GetEnrollment(self, request, call, session):
        enrollment = await service.enrollment_for_staff_or_owner(session, call, request.enrollment_id)
        course = await session.get(Course, enrollment.course_id)
        return (await enrollment_messages(call, session, course, [enrollment]))[0]

    @rpc
    async def UpdateEnrollment(self, request, call, session):
        enrollment = await service.enrollment_for_staff_or_owner(session, call, request.enrollment_id)
        if request.HasField("is_active"):
            enrollment = await service.set_active(session, call, enrollment.id, request.is_active)
        course = await session.get(Course, enrollment.course_id)
        return (await enrollment_messages(call, session, course, [enrollment]))[0]

    @rpc
    async def DeleteEnrollment(self, request, call, session):
        await service.set_active(session, call, request.enrollment_id, False)
        return empty_pb2.Empty()
