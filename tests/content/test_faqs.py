"""Course FAQs through the edge: shapes, faq_count kept with the rows, ordering and reorder, permissions."""
from tests.helpers import FORBIDDEN, NOT_FOUND, assert_error, make_course


def faqs_url(course_id: int) -> str:
    return f"/api/lms/courses/{course_id}/faqs/"


def make_faq(actor, course_id: int, question: str, **fields) -> dict:
    response = actor.post(faqs_url(course_id), {"question": question, "answer": f"About {question}.", **fields})
    assert response.status_code == 201, response.text
    return response.json()


def faq_count(actor, course_id: int) -> tuple[int, int]:
    """faq_count as the course detail and the course list show it."""
    detail = actor.get(f"/api/lms/courses/{course_id}/").json()["faq_count"]
    listed = {c["id"]: c["faq_count"] for c in actor.get("/api/lms/courses/?page_size=100").json()["results"]}
    return detail, listed[course_id]


def test_create_list_get_and_faq_count(tenant, stack):
    admin = tenant.admin()
    course = make_course(admin)
    assert faq_count(admin, course["id"]) == (0, 0)
    response = admin.post(faqs_url(course["id"]), {
        "question": "How do I reset my password?",
        "answer": "You can reset your password by clicking 'Forgot Password' on the login page.", "order": 1})
    assert response.status_code == 201, response.text
    faq = response.json()
    assert faq == {"id": faq["id"], "question": "How do I reset my password?",
                   "answer": "You can reset your password by clicking 'Forgot Password' on the login page.",
                   "order": 1}
    second = make_faq(admin, course["id"], "Is there a certificate?")
    assert faq_count(admin, course["id"]) == (2, 2)
    student = tenant.student()
    assert student.get(faqs_url(course["id"])).json() == [faq, second]
    assert student.get(f"{faqs_url(course['id'])}{second['id']}/").json() == second
    assert admin.delete(f"{faqs_url(course['id'])}{faq['id']}/").status_code == 204
    assert faq_count(admin, course["id"]) == (1, 1)
    assert admin.get(faqs_url(course["id"])).json() == [{**second, "order": 1}]
    # The counter equals the rows.
    assert stack.sql("SELECT faq_count, (SELECT count(*) FROM faqs WHERE course_id = :id) FROM courses WHERE id = :id",
                     id=course["id"]) == [(1, 1)]


def test_rejected_faqs_do_not_count(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    url = faqs_url(course["id"])
    assert_error(admin.post(url, {}), 400, {"question": ["This field is required."],
                                            "answer": ["This field is required."]})
    assert_error(admin.post(url, {"question": "Q?", "answer": ""}), 400, {"answer": ["This field may not be blank."]})
    assert_error(admin.post(url, {"question": "x" * 501, "answer": "A"}), 400,
                 {"question": ["Ensure this field has no more than 500 characters."]})
    assert_error(admin.post(url, {"question": "Q?", "answer": "A", "order": -1}), 400,
                 {"order": ["Ensure this value is greater than or equal to 1."]})
    assert_error(tenant.student().post(url, {"question": "Q?", "answer": "A"}), 403, FORBIDDEN)
    assert_error(tenant.instructor().post(url, {"question": "Q?", "answer": "A"}), 403, FORBIDDEN)
    assert faq_count(admin, course["id"]) == (0, 0)
    assert admin.get(url).json() == []


def test_update_and_reorder(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    url = faqs_url(course["id"])
    one, two, three = (make_faq(admin, course["id"], q) for q in ("One?", "Two?", "Three?"))
    response = admin.post(f"{url}reorder/", {"faqs": [{"id": one["id"], "order": 2}, {"id": two["id"], "order": 1}]})
    assert response.status_code == 200, response.text
    assert [(f["question"], f["order"]) for f in response.json()] == [("Two?", 1), ("One?", 2), ("Three?", 3)]
    patched = admin.patch(f"{url}{three['id']}/", {"answer": "Changed.", "order": 1})
    assert patched.json() == {**three, "answer": "Changed.", "order": 1}
    assert [f["question"] for f in admin.get(url).json()] == ["Three?", "Two?", "One?"]
    assert_error(admin.put(f"{url}{one['id']}/", {"question": "Only?"}), 400, {"answer": ["This field is required."]})
    assert admin.put(f"{url}{one['id']}/", {"question": "Uno?", "answer": "Si."}).json() == {
        "id": one["id"], "question": "Uno?", "answer": "Si.", "order": 3}
    assert_error(admin.post(f"{url}reorder/", {"faqs": [{"id": one["id"], "order": 1},
                                                        {"id": 0, "order": 2}]}), 400,
                 {"faqs": [{}, {"id": ['Invalid pk "0" - object does not exist.']}]})
    assert_error(admin.post(f"{url}reorder/", {"resources": [{"id": one["id"], "order": 1}]}), 400,
                 {"faqs": ["This list may not be empty."]})
    assert [f["question"] for f in admin.get(url).json()] == ["Three?", "Two?", "Uno?"]


def test_wrong_course_and_other_tenant_are_404(tenant, other_tenant):
    admin = tenant.admin()
    course, other_course = make_course(admin), make_course(admin)
    faq = make_faq(admin, course["id"], "Mine?")
    wrong = f"{faqs_url(other_course['id'])}{faq['id']}/"
    assert_error(admin.get(wrong), 404, NOT_FOUND)
    assert_error(admin.patch(wrong, {"answer": "x"}), 404, NOT_FOUND)
    assert_error(admin.delete(wrong), 404, NOT_FOUND)
    intruder = other_tenant.admin()
    right = f"{faqs_url(course['id'])}{faq['id']}/"
    assert_error(intruder.get(faqs_url(course["id"])), 404, NOT_FOUND)
    assert_error(intruder.delete(right), 404, NOT_FOUND)
    assert_error(intruder.post(faqs_url(course["id"]), {"question": "Q?", "answer": "A"}), 404, NOT_FOUND)
    assert faq_count(admin, course["id"]) == (1, 1)
    assert faq_count(admin, other_course["id"]) == (0, 0)
