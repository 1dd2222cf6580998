"""Downloads through the edge (local storage): who may read which file, and HTTP Range requests."""
import pytest

from tests.files import samples
from tests.files.helpers import enroll, path_of, upload_media, upload_thumbnail
from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, make_course


@pytest.fixture
def video(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    data = samples.mp4(3_000_000)
    stored = upload_media(admin, course["id"], data, "lecture.mp4").json()
    return admin, course, path_of(stored["url"]), data


def test_another_tenants_file_is_404(video, other_tenant, tenant):
    _, _, path, _ = video
    assert_error(other_tenant.admin().get(path), 404, NOT_FOUND)
    assert_error(other_tenant.student().get(path), 404, NOT_FOUND)
    assert_error(other_tenant.anonymous().get(path), 404, NOT_FOUND)
    # The same path with another tenant's id in the key does not exist either.
    assert_error(other_tenant.admin().get(path.replace(tenant.id, other_tenant.id)), 404, NOT_FOUND)


def test_course_files_need_staff_rights_or_an_enrollment(video, tenant):
    admin, course, path, data = video
    assert_error(tenant.anonymous().get(path), 401, UNAUTHENTICATED)
    assert_error(tenant.stack.client().get(path), 401, UNAUTHENTICATED)
    student = tenant.student()
    assert_error(student.get(path), 403, FORBIDDEN)
    enroll(tenant.stack, tenant.id, course["id"], student.user_id)
    assert student.get(path).content == data
    assert tenant.instructor().get(path).content == data  # staff of the tenant
    lapsed = tenant.student()
    enroll(tenant.stack, tenant.id, course["id"], lapsed.user_id, active=False)
    assert_error(lapsed.get(path), 403, FORBIDDEN)
    # A course back in draft hides its files from students, enrolled or not.
    assert admin.patch(f"/api/lms/courses/{course['id']}/", {"status": "Draft"}).status_code == 200
    assert_error(student.get(path), 404, NOT_FOUND)
    assert admin.get(path).content == data


def test_thumbnails_are_public_while_the_course_is(tenant, other_tenant):
    admin = tenant.admin()
    course = make_course(admin, status="Draft")
    path = path_of(upload_thumbnail(admin, course["id"], samples.png()).json()["thumbnail_url"])
    assert_error(tenant.anonymous().get(path), 404, NOT_FOUND)
    assert_error(tenant.student().get(path), 404, NOT_FOUND)
    assert admin.get(path).status_code == 200
    admin.patch(f"/api/lms/courses/{course['id']}/", {"status": "Published"})
    assert tenant.anonymous().get(path).status_code == 200
    assert tenant.student().get(path).status_code == 200
    assert_error(other_tenant.anonymous().get(path), 404, NOT_FOUND)


def test_unknown_and_malformed_keys_are_404(tenant):
    admin = tenant.admin()
    for path in (f"/api/lms/files/courses/{tenant.id}/x/media/0123456789abcdef_missing.pdf",
                 "/api/lms/files/courses/", "/api/lms/files/etc/passwd",
                 f"/api/lms/files/courses/{tenant.id}/x/media/../../../../etc/passwd"):
        assert_error(admin.get(path), 404, NOT_FOUND)


def test_range_requests_get_206_with_the_right_bytes(video):
    admin, _, path, data = video
    size = len(data)
    cases = {
        "bytes=0-99": (0, 99),
        "bytes=1000000-1999999": (1_000_000, 1_999_999),
        "bytes=2999000-": (2_999_000, size - 1),
        "bytes=-500": (size - 500, size - 1),
        "bytes=2999990-5000000": (2_999_990, size - 1),
    }
    for header, (first, last) in cases.items():
        response = admin.get(path, headers={"Range": header})
        assert response.status_code == 206, (header, response.status_code)
        assert response.headers["content-range"] == f"bytes {first}-{last}/{size}"
        assert response.headers["content-type"] == "video/mp4"
        assert response.content == data[first:last + 1]
    for ignored in ("bytes=0-1,5-9", "lines=1-2", "bytes=abc", "bytes=9-3"):
        response = admin.get(path, headers={"Range": ignored})
        assert (response.status_code, len(response.content)) == (200, size), ignored
    response = admin.get(path, headers={"Range": f"bytes={size}-"})
    assert_error(response, 416, {"detail": f"Requested range not satisfiable: the file has {size} bytes."})
