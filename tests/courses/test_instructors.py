"""Course instructors through the edge: admins assign and remove them; the detail shows their profiles."""
from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, make_course

PROFILE = dict(email="instructor@example.com", first_name="John", last_name="Doe",
               avatar_url="https://storage.example.com/avatars/john_doe.jpg", phone="+1234567890")


def instructors_url(course_id: int) -> str:
    return f"/api/lms/courses/{course_id}/instructors/"


def known(actor):
    """The actor has called the service once, so the tenant's directory knows them."""
    assert actor.get("/api/lms/users/me/").status_code == 200
    return actor


def test_admin_assigns_an_instructor_who_then_manages_the_course(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    teacher = known(tenant.instructor(**PROFILE))
    assert_error(teacher.patch(f"/api/lms/courses/{course['id']}/", {"title": "Not yet"}), 403, FORBIDDEN)
    response = admin.post(instructors_url(course["id"]), {"user_id": teacher.user_id})
    assert response.status_code == 201, response.text
    profile = {"id": teacher.user_id, **PROFILE}
    assert response.json() == profile
    assert admin.get(instructors_url(course["id"])).json() == [profile]
    assert tenant.student().get(f"/api/lms/courses/{course['id']}/").json()["course_instructors"] == [profile]
    assert teacher.patch(f"/api/lms/courses/{course['id']}/", {"title": "Now mine"}).status_code == 200
    assert teacher.post(f"/api/lms/courses/{course['id']}/modules/", {"title": "M"}).status_code == 201

    removed = admin.delete(f"{instructors_url(course['id'])}{teacher.user_id}/")
    assert removed.status_code == 204 and removed.content == b""
    assert admin.get(instructors_url(course["id"])).json() == []
    assert_error(teacher.patch(f"/api/lms/courses/{course['id']}/", {"title": "Lost"}), 403, FORBIDDEN)
    assert_error(admin.delete(f"{instructors_url(course['id'])}{teacher.user_id}/"), 404, NOT_FOUND)


def test_people_set_up_by_an_admin_can_be_assigned_before_they_sign_in(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    assert admin.put("/api/lms/users/future-teacher/", {"first_name": "Fay", "email": "fay@example.com"}) \
        .status_code == 200
    response = admin.post(instructors_url(course["id"]), {"user_id": "future-teacher"})
    assert response.status_code == 201, response.text
    assert response.json() == {"id": "future-teacher", "email": "fay@example.com", "first_name": "Fay",
                               "last_name": "", "avatar_url": "", "phone": ""}


def test_bad_assignments_are_400_and_change_nothing(tenant, other_tenant):
    admin = tenant.admin()
    course = make_course(admin)
    teacher = known(tenant.instructor())
    student = known(tenant.student())
    outsider = known(other_tenant.instructor())
    url = instructors_url(course["id"])
    assert_error(admin.post(url, {}), 400, {"user_id": ["This field is required."]})
    assert_error(admin.post(url, {"user_id": "  "}), 400, {"user_id": ["This field may not be blank."]})
    assert_error(admin.post(url, {"user_id": "nobody"}), 400,
                 {"user_id": ['Invalid pk "nobody" - object does not exist.']})
    assert_error(admin.post(url, {"user_id": outsider.user_id}), 400,
                 {"user_id": [f'Invalid pk "{outsider.user_id}" - object does not exist.']})
    assert_error(admin.post(url, {"user_id": student.user_id}), 400, {"user_id": ["This user is not an instructor."]})
    assert admin.post(url, {"user_id": teacher.user_id}).status_code == 201
    assert_error(admin.post(url, {"user_id": teacher.user_id}), 400,
                 {"user_id": ["This user already teaches this course."]})
    assert [i["id"] for i in admin.get(url).json()] == [teacher.user_id]


def test_only_admins_assign_and_other_tenants_get_404(tenant, other_tenant):
    creator = tenant.instructor()
    course = make_course(creator)  # the creator teaches the course
    colleague = known(tenant.instructor())
    url = instructors_url(course["id"])
    assert [i["id"] for i in tenant.student().get(url).json()] == [creator.user_id]
    assert [i["id"] for i in tenant.anonymous().get(url).json()] == [creator.user_id]
    for caller in (creator, tenant.student()):
        assert_error(caller.post(url, {"user_id": colleague.user_id}), 403, FORBIDDEN)
        assert_error(caller.delete(f"{url}{creator.user_id}/"), 403, FORBIDDEN)
    assert_error(tenant.anonymous().post(url, {"user_id": colleague.user_id}), 401, UNAUTHENTICATED)
    intruder = other_tenant.admin()
    assert_error(intruder.get(url), 404, NOT_FOUND)
    assert_error(intruder.post(url, {"user_id": colleague.user_id}), 404, NOT_FOUND)
    assert_error(intruder.delete(f"{url}{creator.user_id}/"), 404, NOT_FOUND)
    draft = make_course(creator, status="Draft")
    assert_error(tenant.student().get(instructors_url(draft["id"])), 404, NOT_FOUND)
    assert_error(tenant.admin().get(instructors_url(999999)), 404, NOT_FOUND)
    assert [i["id"] for i in tenant.admin().get(url).json()] == [creator.user_id]
