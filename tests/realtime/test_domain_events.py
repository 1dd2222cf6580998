"""Events from the real producing domains reach WebSocket clients through Envoy: enrolling (on
PostgreSQL the one-statement path), completing lessons, finishing a course and its certificate."""
import asyncio

from tests.helpers import enroll, make_course, make_lesson, make_module
from tests.realtime.client import clients


async def test_enrollment_progress_and_certificate_events_reach_the_learner(stack, tenant):
    admin = tenant.admin()
    course = make_course(admin)
    module = make_module(admin, course["id"])
    lesson = make_lesson(admin, course["id"], module["id"])
    student = tenant.student()
    async with clients(stack, student, admin) as (learner, staff):
        for frame in await staff.subscribe(f"course_staff_{course['id']}"):
            assert frame["type"] == "subscribed", frame
        enrollment = await asyncio.to_thread(enroll, admin, course["id"], student.user_id)
        created = await learner.expect("enrollment.created")
        assert created["room"] == f"user_{student.user_id}"
        assert created["data"]["enrollment_id"] == enrollment["id"]
        assert (await staff.expect("enrollment.created"))["room"] == f"course_staff_{course['id']}"

        response = await asyncio.to_thread(student.post, "/api/lms/enrollments/lesson-completion/",
                                           {"lesson": lesson["id"]})
        assert response.status_code == 201, response.text
        kinds = [frame["type"] for frame in await learner.events(4)]
        assert kinds == ["lesson.completed", "progress.updated", "course.completed", "certificate.issued"]
        ids = []
        for _ in range(4):  # the certificate too: staff see who earned one
            ids.append((await staff.recv())["id"])
        assert ids == sorted(ids)
