"""What the activity log records: a closed list of activity types, and where each comes from.

Nothing in the endpoints writes to the log. The call interceptor tells this domain about every call that
succeeded (just before its unit of work commits) and every call refused for permissions or rate limits
(lms.platform.hooks.call_succeeded / call_refused); `lms.activitylog.recording` turns that into rows with:

- `RPC_ACTIVITIES`: RPCs (full gRPC method names) that are an action by themselves: creating, changing or
  deleting a course or its content, uploads, payment settings;
- `EVENT_ACTIVITIES`: outbox event types (lms.platform.events) the call emitted in its transaction:
  enrollments, completions, submissions and grades, certificates, payments, moderation. A domain that
  adds an action emits its event (or has its RPC) and adds one line here.

Every activity type is in `ACTIVITY_TYPES`, with its meaning (docs/activitylog.md shows the same list;
a test checks both ways).
"""
from __future__ import annotations

import dataclasses

ACTIVITY_TYPES: dict[str, str] = {
    "sign_in": "first request made with a token (the token's fingerprint is the object id)",
    "enrollment_created": "a learner was enrolled in a course (by themselves, staff, a bulk enrollment or a purchase)",
    "enrollment_changed": "an enrollment was activated or deactivated (staff, unenrollment, refund)",
    "lesson_completed": "a learner completed a lesson",
    "course_completed": "a learner completed every lesson of a course",
    "submission_created": "a learner submitted an assignment",
    "submission_graded": "staff graded a submission",
    "certificate_issued": "a certificate was issued for a completed course",
    "course_created": "a course was created",
    "course_updated": "a course was changed (fields, thumbnail, instructors, certificate template)",
    "course_deleted": "a course was deleted",
    "content_created": "a module, lesson, resource, FAQ or assignment was created",
    "content_updated": "a module, lesson, resource, FAQ or assignment was changed or reordered",
    "content_deleted": "a module, lesson, resource, FAQ or assignment was deleted",
    "file_uploaded": "a file was uploaded (course files, course thumbnails, advert and badge images)",
    "payment_completed": "an order was paid",
    "payment_refunded": "an order was refunded",
    "payment_settings_changed": "a payment gateway or the site currency was configured",
    "post_moderated": "a moderator approved a forum post",
    "permission_denied": "a call was refused with 403 (the route is the object)",
    "rate_limited": "a call was refused with 429 (at most one row per caller and minute in each worker)",
}


@dataclasses.dataclass(frozen=True)
class RpcActivity:
    """An RPC that is an action: the object is the response's `id`, or the request's `id_field` if named."""

    activity_type: str
    object_type: str
    id_field: str = ""
    verb: str = ""  # "Created", "Updated", ...: the description is "<verb> <object type> <id>"
    response_field: str = "id"  # where the object id is in the response, when the request does not name it


@dataclasses.dataclass(frozen=True)
class EventActivity:
    """An outbox event type that is an action: `template` formats the event's data into the description."""

    activity_type: str
    object_type: str
    id_key: str
    template: str
    # Many events of one type in one call (a bulk enrollment) make one row about this object instead.
    group: tuple[str, str] = ("course", "course_id")


def _crud(service: str, thing: str, object_type: str, id_field: str, *, created: str, updated: str,
          deleted: str, creates=("Create",), updates=("Replace", "Update"), deletes=("Delete",)) -> dict:
    entries = {}
    for prefix in creates:
        entries[f"/{service}/{prefix}{thing}"] = RpcActivity(created, object_type, "", "Created")
    for prefix in updates:
        entries[f"/{service}/{prefix}{thing}"] = RpcActivity(updated, object_type, id_field, "Updated")
    for prefix in deletes:
        entries[f"/{service}/{prefix}{thing}"] = RpcActivity(deleted, object_type, id_field, "Deleted")
    return entries


_COURSE = dict(created="course_created", updated="course_updated", deleted="course_deleted")
_CONTENT = dict(created="content_created", updated="content_updated", deleted="content_deleted")

RPC_ACTIVITIES: dict[str, RpcActivity] = {
    **_crud("lms.courses.v1.CourseService", "Course", "course", "course_id", **_COURSE),
    "/lms.courses.v1.CourseService/UploadCourseThumbnail": RpcActivity("file_uploaded", "course", "course_id",
                                                                     "Uploaded the thumbnail of"),
    "/lms.courses.v1.CourseService/DeleteCourseThumbnail": RpcActivity("course_updated", "course", "course_id",
                                                                     "Removed the thumbnail of"),
    "/lms.courses.v1.CourseInstructorService/AddCourseInstructor": RpcActivity(
        "course_updated", "course", "course_id", "Added an instructor to"),
    "/lms.courses.v1.CourseInstructorService/RemoveCourseInstructor": RpcActivity(
        "course_updated", "course", "course_id", "Removed an instructor from"),
    "/lms.certificates.v1.CertificateService/UpdateCertificateTemplate": RpcActivity(
        "course_updated", "course", "course_id", "Updated the certificate template of"),
    **_crud("lms.content.v1.ModuleService", "Module", "module", "module_id", **_CONTENT),
    **_crud("lms.content.v1.LessonService", "Lesson", "lesson", "lesson_id", **_CONTENT),
    **_crud("lms.content.v1.ResourceService", "Resource", "resource", "resource_id", **_CONTENT),
    **_crud("lms.content.v1.FaqService", "Faq", "faq", "faq_id", **_CONTENT),
    **_crud("lms.assignments.v1.AssignmentService", "Assignment", "assignment", "assignment_id", **_CONTENT),
    "/lms.content.v1.ResourceService/ReorderResources": RpcActivity("content_updated", "course", "course_id",
                                                                    "Reordered the resources of"),
    "/lms.content.v1.FaqService/ReorderFaqs": RpcActivity("content_updated", "course", "course_id",
                                                          "Reordered the FAQs of"),
    "/lms.files.v1.FileService/UploadCourseFile": RpcActivity("file_uploaded", "file", "", "Uploaded",
                                                                   response_field="key"),
    "/lms.adverts.v1.AdvertService/UploadAdvertImage": RpcActivity("file_uploaded", "advert", "advert_id",
                                                                 "Uploaded the image of"),
    "/lms.gamification.v1.BadgeService/UploadBadgeImage": RpcActivity("file_uploaded", "badge", "badge_id",
                                                                    "Uploaded the image of"),
    "/lms.payments.v1.PaymentService/ConfigurePaymentGateway": RpcActivity(
        "payment_settings_changed", "payment_gateway", "gateway_id", "Configured"),
    "/lms.payments.v1.PaymentService/UpdateSiteCurrency": RpcActivity(
        "payment_settings_changed", "site_currency", "", "Changed"),
}

EVENT_ACTIVITIES: dict[str, EventActivity] = {
    "enrollment.created": EventActivity("enrollment_created", "enrollment", "enrollment_id",
                                        "Enrolled {user_id} in course {course_id}"),
    "enrollment.activated": EventActivity("enrollment_changed", "enrollment", "enrollment_id",
                                          "Activated the enrollment of {user_id} in course {course_id}"),
    "enrollment.deactivated": EventActivity("enrollment_changed", "enrollment", "enrollment_id",
                                            "Deactivated the enrollment of {user_id} in course {course_id}"),
    "lesson.completed": EventActivity("lesson_completed", "lesson", "lesson_id",
                                      "{user_id} completed lesson {lesson_id} of course {course_id}"),
    "course.completed": EventActivity("course_completed", "course", "course_id",
                                      "{user_id} completed course {course_id}"),
    "submission.created": EventActivity("submission_created", "submission", "submission_id",
                                        "{student_id} submitted assignment {assignment_id} (attempt {attempt})"),
    "submission.graded": EventActivity("submission_graded", "submission", "submission_id",
                                       "Graded submission {submission_id} of assignment {assignment_id}: "
                                       "{grade}/{max_score}"),
    "certificate.issued": EventActivity("certificate_issued", "certificate", "certificate_id",
                                        "Issued certificate {certificate_id} for course {course_id}"),
    "order.paid": EventActivity("payment_completed", "order", "order_id",
                                "Order {order_id} of {user_id} paid: {total} {currency}", group=("order", "order_id")),
    "order.refunded": EventActivity("payment_refunded", "order", "order_id",
                                    "Order {order_id} of {user_id} refunded: {amount} {currency}",
                                    group=("order", "order_id")),
    "forum.post_approved": EventActivity("post_moderated", "forum_post", "post_id", "Approved post {post_id}",
                                         group=("forum", "forum_id")),
}
