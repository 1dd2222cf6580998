"""The per-tenant user directory: refreshed from token claims, settable by admins."""
from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error


def test_callers_are_remembered_from_their_token_claims(tenant):
    student = tenant.student(email="jane@example.com", first_name="Jane", last_name="Smith")
    me = student.get("/api/lms/users/me/").json()
    assert me == {"id": student.user_id, "email": "jane@example.com", "first_name": "Jane", "last_name": "Smith",
                  "avatar_url": "", "phone": "", "roles": ["student"], "updated_at": me["updated_at"]}
    # A newer token with other claims refreshes the entry; claims it lacks are kept.
    renamed = tenant.actor("student", user_id=student.user_id, first_name="Janet")
    assert renamed.get("/api/lms/users/me/").json()["first_name"] == "Janet"
    assert renamed.get("/api/lms/users/me/").json()["email"] == "jane@example.com"


def test_admins_set_profiles_of_people_who_never_signed_in(tenant):
    admin = tenant.admin()
    response = admin.put("/api/lms/users/user456/", {"first_name": "Jane", "last_name": "Smith",
                                                     "email": "jane@example.com"})
    assert response.status_code == 200, response.text
    assert response.json()["first_name"] == "Jane"
    assert admin.get("/api/lms/users/user456/").json()["email"] == "jane@example.com"
    assert_error(admin.put("/api/lms/users/user456/", {"email": "not-an-email"}), 400,
                 {"email": ["Enter a valid email address."]})
    assert_error(admin.put("/api/lms/users/user456/", {"avatar_url": "ftp://x"}), 400,
                 {"avatar_url": ["Enter a valid URL."]})
    assert_error(tenant.instructor().put("/api/lms/users/user456/", {"first_name": "X"}), 403, FORBIDDEN)
    page = admin.get("/api/lms/users/?search=smith").json()
    assert page["count"] == 1 and page["results"][0]["id"] == "user456"


def test_students_read_only_themselves_and_tenants_are_separate(tenant, other_tenant):
    student = tenant.student()
    other = tenant.student()
    other.get("/api/lms/users/me/")
    assert_error(student.get(f"/api/lms/users/{other.user_id}/"), 403, FORBIDDEN)
    assert_error(student.get("/api/lms/users/"), 403, FORBIDDEN)
    assert_error(other_tenant.admin().get(f"/api/lms/users/{other.user_id}/"), 404, NOT_FOUND)
