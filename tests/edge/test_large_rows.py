"""No stored row makes a read fail: the transcoder's buffers are sized for the largest legal page
(lms.app.edge.MAX_RESPONSE_BODY_BYTES), so rows holding megabytes of text (stored before limits
existed, or by a migration) still list; the edge never answers "transcoder's internal buffer size
exceeds"."""
from tests.helpers import make_course, make_lesson, make_module

# 1.2 MiB characters, each escaped in JSON (\u0001, \", \\) or multi-byte (é): ~4.4 MB of JSON per value
BIG = ("\x01\"\\é" * 300_000)


def test_rows_with_megabytes_of_text_still_read_and_list(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    module = make_module(admin, course["id"])
    lesson = make_lesson(admin, course["id"], module["id"])
    faqs = [admin.post(f"/api/lms/courses/{course['id']}/faqs/", {"question": f"Q{i}?", "answer": "A."}).json()
            for i in range(3)]
    stack = admin.stack
    stack.sql("UPDATE courses SET description = :text WHERE id = :id", text=BIG, id=course["id"])
    stack.sql("UPDATE lessons SET content_text = :text WHERE id = :id", text=BIG, id=lesson["id"])
    for faq in faqs:
        stack.sql("UPDATE faqs SET answer = :text WHERE id = :id", text=BIG, id=faq["id"])
    detail = admin.get(f"/api/lms/courses/{course['id']}/")
    assert detail.status_code == 200, detail.text[:300]
    assert detail.json()["description"] == BIG
    listed = admin.get(f"/api/lms/courses/{course['id']}/faqs/")
    assert listed.status_code == 200, listed.text[:300]
    assert [faq["answer"] for faq in listed.json()] == [BIG] * 3  # ~13 MB, a bare array shaped by Lua
    lesson_read = admin.get(f"/api/lms/courses/{course['id']}/modules/{module['id']}/lessons/{lesson['id']}/")
    assert lesson_read.status_code == 200 and lesson_read.json()["content_text"] == BIG
    catalogue = admin.get("/api/lms/courses/")
    assert catalogue.status_code == 200, catalogue.text[:300]
