"""Course resources through the edge: link creation, the file rule, ordering and all-or-nothing reorder."""
import pytest

from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, enroll, make_course

RESOURCE_KEYS = {"id", "title", "resource_type", "url", "file_url", "order"}


def resources_url(course_id: int) -> str:
    return f"/api/lms/courses/{course_id}/resources/"


def make_link(actor, course_id: int, title: str, **fields) -> dict:
    response = actor.post(resources_url(course_id), {"title": title, "resource_type": "link",
                                                     "url": f"https://example.com/{title}", **fields})
    assert response.status_code == 201, response.text
    return response.json()


def order_of(actor, course_id: int) -> list[tuple[str, int]]:
    response = actor.get(resources_url(course_id))
    assert response.status_code == 200, response.text
    return [(r["title"], r["order"]) for r in response.json()]


def test_create_link_list_get_and_shapes(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    response = admin.post(resources_url(course["id"]), {
        "title": "Python Reference Guide", "resource_type": "link", "url": "https://docs.python.org/3/", "order": 1})
    assert response.status_code == 201, response.text
    resource = response.json()
    assert resource == {"id": resource["id"], "title": "Python Reference Guide", "resource_type": "link",
                        "url": "https://docs.python.org/3/", "file_url": None, "order": 1}
    listed = admin.get(resources_url(course["id"]))
    assert listed.status_code == 200 and listed.json() == [resource]
    assert admin.get(f"{resources_url(course['id'])}{resource['id']}/").json() == resource
    student = tenant.student()
    assert_error(student.get(resources_url(course["id"])), 403, {"detail": "You are not enrolled in this course."})
    enroll(student, course["id"])
    assert student.get(resources_url(course["id"])).json() == [resource]
    assert admin.get(f"/api/lms/courses/{course['id']}/").json()["resources"] == [resource]


def test_invalid_resources_are_rejected_and_nothing_is_stored(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    url = resources_url(course["id"])

    def rejected(body, expected):
        assert_error(admin.post(url, body), 400, expected)

    rejected({}, {"title": ["This field is required."], "resource_type": ["This field is required."]})
    rejected({"title": "Link", "resource_type": "link"}, {"url": ["This field is required."]})
    rejected({"title": "Link", "resource_type": "link", "url": "not a url"}, {"url": ["Enter a valid URL."]})
    rejected({"title": "Link", "resource_type": "video", "url": "https://x.example.com"},
             {"resource_type": ['"video" is not a valid choice.']})
    rejected({"title": "Link", "resource_type": "link", "url": "https://x.example.com", "order": -2},
             {"order": ["Ensure this value is greater than or equal to 1."]})
    rejected({"title": "x" * 201, "resource_type": "link", "url": "https://x.example.com"},
             {"title": ["Ensure this field has no more than 200 characters."]})
    assert admin.get(url).json() == []


def test_update_move_and_delete_keep_order_dense(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    url = resources_url(course["id"])
    a, b, c = (make_link(admin, course["id"], t) for t in "ABC")
    assert make_link(admin, course["id"], "D", order=2)["order"] == 2
    assert order_of(admin, course["id"]) == [("A", 1), ("D", 2), ("B", 3), ("C", 4)]
    patched = admin.patch(f"{url}{c['id']}/", {"order": 1, "title": "C2"})
    assert patched.status_code == 200 and patched.json()["order"] == 1
    assert order_of(admin, course["id"]) == [("C2", 1), ("A", 2), ("D", 3), ("B", 4)]
    assert_error(admin.patch(f"{url}{a['id']}/", {"url": ""}), 400, {"url": ["This field is required."]})
    assert_error(admin.put(f"{url}{a['id']}/", {"title": "A2"}), 400,
                 {"resource_type": ["This field is required."]})
    replaced = admin.put(f"{url}{a['id']}/", {"title": "A2", "resource_type": "link", "url": "https://a.example.com"})
    assert replaced.json() == {**a, "title": "A2", "url": "https://a.example.com", "order": 2}
    deleted = admin.delete(f"{url}{b['id']}/")
    assert deleted.status_code == 204 and deleted.content == b""
    assert order_of(admin, course["id"]) == [("C2", 1), ("A2", 2), ("D", 3)]
    assert_error(admin.get(f"{url}{b['id']}/"), 404, NOT_FOUND)


def test_reorder_swaps_as_documented_and_returns_the_whole_list(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    a, b, c, d = (make_link(admin, course["id"], t) for t in "ABCD")
    response = admin.post(f"{resources_url(course['id'])}reorder/", {"resources": [
        {"id": a["id"], "order": 2}, {"id": b["id"], "order": 1}]})
    assert response.status_code == 200, response.text
    assert [(r["title"], r["order"]) for r in response.json()] == [("B", 1), ("A", 2), ("C", 3), ("D", 4)]
    assert all(set(r) == RESOURCE_KEYS for r in response.json())
    # A subset: listed items take their places, the others keep their relative order around them.
    response = admin.post(f"{resources_url(course['id'])}reorder", {"resources": [{"id": d["id"], "order": 1}]})
    assert [(r["title"], r["order"]) for r in response.json()] == [("D", 1), ("B", 2), ("A", 3), ("C", 4)]
    # The full list, reversed.
    everything = [{"id": r["id"], "order": 4 - i} for i, r in enumerate(response.json())]
    response = admin.post(f"{resources_url(course['id'])}reorder/", {"resources": everything})
    assert [(r["title"], r["order"]) for r in response.json()] == [("C", 1), ("A", 2), ("B", 3), ("D", 4)]
    assert order_of(admin, course["id"]) == [("C", 1), ("A", 2), ("B", 3), ("D", 4)]


@pytest.mark.parametrize("case", ["unknown", "foreign", "other_tenant", "duplicate_id", "duplicate_order",
                                  "out_of_range", "negative", "missing_order", "empty", "absent"])
def test_bad_reorders_are_400_and_change_nothing(tenant, other_tenant, case):
    admin = tenant.admin()
    course, other_course = make_course(admin), make_course(admin)
    a, b, c = (make_link(admin, course["id"], t) for t in "ABC")
    foreign = make_link(admin, other_course["id"], "Foreign")
    theirs = make_link(other_tenant.admin(), make_course(other_tenant.admin())["id"], "Theirs")
    body, expected = {
        "unknown": ({"resources": [{"id": a["id"], "order": 2}, {"id": 99999999, "order": 1}]},
                    {"resources": [{}, {"id": ['Invalid pk "99999999" - object does not exist.']}]}),
        "foreign": ({"resources": [{"id": foreign["id"], "order": 1}]},
                    {"resources": [{"id": [f'Invalid pk "{foreign["id"]}" - object does not exist.']}]}),
        "other_tenant": ({"resources": [{"id": theirs["id"], "order": 1}]},
                         {"resources": [{"id": [f'Invalid pk "{theirs["id"]}" - object does not exist.']}]}),
        "duplicate_id": ({"resources": [{"id": a["id"], "order": 2}, {"id": a["id"], "order": 3}]},
                         {"resources": ["Each id may appear only once."]}),
        "duplicate_order": ({"resources": [{"id": a["id"], "order": 2}, {"id": b["id"], "order": 2}]},
                            {"resources": ["Each order may appear only once."]}),
        "out_of_range": ({"resources": [{"id": a["id"], "order": 4}]},
                         {"resources": [{"order": ["Ensure this value is less than or equal to 3."]}]}),
        "negative": ({"resources": [{"id": a["id"], "order": -1}]},
                     {"resources": [{"order": ["Ensure this value is greater than or equal to 1."]}]}),
        "missing_order": ({"resources": [{"id": c["id"]}]}, {"resources": [{"order": ["This field is required."]}]}),
        "empty": ({"resources": []}, {"resources": ["This list may not be empty."]}),
        "absent": ({}, {"resources": ["This list may not be empty."]}),
    }[case]
    assert_error(admin.post(f"{resources_url(course['id'])}reorder/", body), 400, expected)
    assert order_of(admin, course["id"]) == [("A", 1), ("B", 2), ("C", 3)]
    assert order_of(admin, other_course["id"]) == [("Foreign", 1)]


def test_permissions_and_tenancy(tenant, other_tenant):
    teacher = tenant.instructor()
    course = make_course(teacher)
    resource = make_link(teacher, course["id"], "Mine")
    url = resources_url(course["id"])
    for outsider in (tenant.student(), tenant.instructor()):
        assert_error(outsider.post(url, {"title": "x", "resource_type": "link", "url": "https://x.example.com"}),
                     403, FORBIDDEN)
        assert_error(outsider.post(f"{url}reorder/", {"resources": [{"id": resource["id"], "order": 1}]}), 403,
                     FORBIDDEN)
        assert_error(outsider.patch(f"{url}{resource['id']}/", {"title": "x"}), 403, FORBIDDEN)
        assert_error(outsider.delete(f"{url}{resource['id']}/"), 403, FORBIDDEN)
    assert_error(tenant.anonymous().get(url), 401, UNAUTHENTICATED)
    intruder = other_tenant.admin()
    assert_error(intruder.get(url), 404, NOT_FOUND)
    assert_error(intruder.get(f"{url}{resource['id']}/"), 404, NOT_FOUND)
    assert_error(intruder.post(f"{url}reorder/", {"resources": [{"id": resource["id"], "order": 1}]}), 404,
                 NOT_FOUND)
    assert_error(intruder.delete(f"{url}{resource['id']}/"), 404, NOT_FOUND)
    other_course = make_course(teacher)
    assert_error(teacher.get(f"{resources_url(other_course['id'])}{resource['id']}/"), 404, NOT_FOUND)
    # `reorder` is an action that only takes POST: GET is DRF's 405, not a resource id that is not found
    assert_error(teacher.get(f"{url}reorder/"), 405, {"detail": 'Method "GET" not allowed.'})
    draft = make_course(teacher, status="Draft")
    assert_error(tenant.student().get(resources_url(draft["id"])), 404, NOT_FOUND)
    assert teacher.get(f"{url}{resource['id']}/").json() == resource
