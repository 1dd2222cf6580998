"""The data access of the hot routes: a fixed number of queries whatever the data, counters and totals
that follow every change, a cached course detail that never shows a stale outline, tenants kept apart
on the read path, and an index for every filter and ordering of the catalogue.

The stack runs with LMS_DEBUG_QUERY_COUNT=1: `x-lms-query-count` is the number of SQL statements a
request ran (lms.platform.querycount), and every test client fails on a repeated query (N+1).
"""
import time
import uuid

import httpx
import pytest
from sqlalchemy import select

from lms.courses.models import Course, CourseCounter
from lms.courses.service import ORDERINGS
from tests.helpers import enroll, make_category, make_course, make_lesson, make_module
from tests.stack import RepeatedQuery, fail_on_repeated_queries


def queries(actor, method: str, path: str, body=None) -> int:
    response = actor.request(method, path, json=body)
    assert response.status_code in (200, 201), response.text
    return int(response.headers["x-lms-query-count"])


def add_content(admin, course_id: int, modules: int, lessons: int) -> None:
    for _ in range(modules):
        module = make_module(admin, course_id)
        for _ in range(lessons):
            make_lesson(admin, course_id, module["id"])
    admin.post(f"/api/lms/courses/{course_id}/resources/", {"title": "R", "resource_type": "link",
                                                            "url": "https://example.com/r"})


def test_list_detail_and_enroll_cost_the_same_queries_whatever_the_data(tenant, stack):
    admin = tenant.admin()
    category = make_category(admin)
    first = make_course(admin, category["id"])
    queries(admin, "GET", "/api/lms/courses/")  # the caller's first request also records its profile
    postgresql = stack.backend == "postgresql"

    def measure(course_id: int) -> dict:
        detail = f"/api/lms/courses/{course_id}/"
        queries(admin, "GET", detail)  # the outline is cached per process (PostgreSQL) after a first request
        return {
            "list": queries(admin, "GET", "/api/lms/courses/?page=1&page_size=10"),
            "list of 100": queries(admin, "GET", "/api/lms/courses/?page=1&page_size=100"),
            "filtered list": queries(admin, "GET", f"/api/lms/courses/?category={category['id']}&ordering=-title"),
            "detail": queries(admin, "GET", detail),
            "enroll": queries(admin, "POST", f"/api/lms/enrollments/course/{course_id}/enroll/",
                              {"user_id": f"user-{uuid.uuid4().hex[:8]}"}),
        }

    small = measure(first["id"])
    # PostgreSQL: one statement each on the read path (the list with its totals, the course row whose
    # cached outline is current, the whole enrollment). SQLite: the list; the detail's course row,
    # modules with lessons, resources and instructors; the enrollment's course, insert, counter, its activity-log
    # row (lms.activitylog) and at commit its events (numbered later by the sequencer, lms.platform.events).
    assert small == ({"list": 1, "list of 100": 1, "filtered list": 1, "detail": 1, "enroll": 1} if postgresql
                     else {"list": 1, "list of 100": 1, "filtered list": 1, "detail": 4, "enroll": 5})

    bigger = make_course(admin, category["id"])
    add_content(admin, bigger["id"], modules=4, lessons=4)
    for _ in range(30):
        make_course(admin, category["id"])
    response = admin.post(f"/api/lms/enrollments/course/{bigger['id']}/bulk/",
                          {"user_ids": [f"bulk-{n}" for n in range(300)]})
    assert response.status_code == 200, response.text
    assert measure(bigger["id"]) == small

    # A detail whose outline changed reads it again: the course row, modules with lessons, resources,
    # instructors (and the cache serves the next request alone).
    make_module(admin, bigger["id"])
    if postgresql:
        assert queries(admin, "GET", f"/api/lms/courses/{bigger['id']}/") == 4
        assert queries(admin, "GET", f"/api/lms/courses/{bigger['id']}/") == 1


def _expected_totals(stack, tenant_id: str) -> tuple[int, int, int]:
    (row,) = stack.sql("SELECT count(*), sum(CASE WHEN status = 'Published' THEN 1 ELSE 0 END), "
                       "coalesce(sum(total_enrollments), 0) FROM courses JOIN course_counters ON course_id = id "
                       "WHERE courses.tenant_id = :t", t=tenant_id)
    return tuple(int(v or 0) for v in row)


def _listed_totals(admin, student) -> tuple[int, int, int]:
    staff_page = admin.get("/api/lms/courses/?page_size=1").json()
    student_page = student.get("/api/lms/courses/?page_size=1").json()
    assert staff_page["total_all_enrollments"] == student_page["total_all_enrollments"]
    return staff_page["count"], student_page["count"], staff_page["total_all_enrollments"]


def test_course_totals_follow_every_change(tenant, stack):
    admin = tenant.admin()
    student = tenant.student()
    category = make_category(admin)
    courses = [make_course(admin, category["id"]) for _ in range(3)]
    draft = make_course(admin, category["id"], status="Draft")

    def check():
        assert _listed_totals(admin, student) == _expected_totals(stack, tenant.id)
        (counters_right,) = stack.sql(
            "SELECT count(*) = 0 FROM course_counters n WHERE n.tenant_id = :t AND n.total_enrollments <> "
            "(SELECT count(*) FROM enrollments e WHERE e.course_id = n.course_id AND e.is_active)", t=tenant.id)
        assert counters_right == (True,)

    check()
    assert _listed_totals(admin, student) == (4, 3, 0)
    enrolled = enroll(student, courses[0]["id"])
    enroll(admin, courses[1]["id"], "another-user")
    assert admin.post(f"/api/lms/enrollments/course/{courses[2]['id']}/bulk/",
                      {"user_ids": [f"u{n}" for n in range(25)]}).status_code == 200
    check()
    assert _listed_totals(admin, student) == (4, 3, 27)
    assert admin.delete(f"/api/lms/enrollments/{enrolled['id']}/").status_code == 204  # deactivates
    check()
    assert admin.patch(f"/api/lms/enrollments/{enrolled['id']}/", {"is_active": True}).status_code == 200
    assert admin.patch(f"/api/lms/courses/{draft['id']}/", {"status": "Published"}).status_code == 200
    assert admin.patch(f"/api/lms/courses/{courses[0]['id']}/", {"status": "Archived"}).status_code == 200
    check()
    assert admin.delete(f"/api/lms/courses/{courses[2]['id']}/").status_code == 204
    check()
    assert _listed_totals(admin, student) == (3, 2, 2)
    # Filtered counts count the matching courses; the tenant-wide enrollment total stays.
    page = student.get(f"/api/lms/courses/?category={category['id']}&search=Course").json()
    assert (page["count"], page["total_all_enrollments"]) == (2, 2)


def test_the_cached_detail_shows_every_change_at_once(tenant, other_tenant):
    teacher = tenant.instructor(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    admin = tenant.admin()
    category = make_category(admin, "Mathematics")
    course = make_course(teacher, category["id"], title="Analytical Engines")
    path = f"/api/lms/courses/{course['id']}/"
    student = tenant.student()

    def detail(actor=admin) -> dict:
        response = actor.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    for actor in (admin, student):
        assert detail(actor)["modules"] == []  # cached (PostgreSQL) from here on
    module = make_module(teacher, course["id"], title="Notes")
    assert [m["title"] for m in detail()["modules"]] == ["Notes"]
    lesson = make_lesson(teacher, course["id"], module["id"], title="Note G")
    assert [m["lessons"][0]["title"] for m in detail(student)["modules"]] == ["Note G"]
    lessons_url = f"/api/lms/courses/{course['id']}/modules/{module['id']}/lessons/{lesson['id']}/"
    assert teacher.patch(lessons_url, {"is_published": False}).status_code == 200
    assert detail(student)["modules"][0]["lessons"] == []
    assert detail()["modules"][0]["lessons"][0]["is_published"] is False
    assert teacher.patch(f"/api/lms/courses/{course['id']}/modules/{module['id']}/",
                         {"title": "Sketch"}).status_code == 200
    assert detail(student)["modules"][0]["title"] == "Sketch"
    second = make_module(teacher, course["id"], title="Second", order=1)
    assert [m["id"] for m in detail()["modules"]] == [second["id"], module["id"]]
    assert teacher.delete(f"/api/lms/courses/{course['id']}/modules/{second['id']}/").status_code == 204
    assert [m["id"] for m in detail(student)["modules"]] == [module["id"]]
    resource = teacher.post(f"/api/lms/courses/{course['id']}/resources/", {
        "title": "Menabrea", "resource_type": "link", "url": "https://example.com/m"}).json()
    assert [r["id"] for r in detail()["resources"]] == [resource["id"]]
    assert teacher.delete(f"/api/lms/courses/{course['id']}/resources/{resource['id']}/").status_code == 204
    assert detail(student)["resources"] == []

    # Instructors, and their profiles as the directory learns them from their tokens.
    assert [i["first_name"] for i in detail()["course_instructors"]] == ["Ada"]
    renamed = tenant.actor("instructor", user_id=teacher.user_id, first_name="Augusta", last_name="King",
                           email="ada@example.com")
    renamed.get("/api/lms/courses/")  # a request with the new claims updates the directory
    assert [i["first_name"] for i in detail(student)["course_instructors"]] == ["Augusta"]
    helper = tenant.instructor(first_name="Charles")
    helper.get("/api/lms/courses/")
    assert admin.post(f"/api/lms/courses/{course['id']}/instructors/", {"user_id": helper.user_id}).status_code == 201
    assert [i["first_name"] for i in detail()["course_instructors"]] == ["Augusta", "Charles"]
    assert admin.delete(f"/api/lms/courses/{course['id']}/instructors/{helper.user_id}/").status_code == 204
    assert [i["first_name"] for i in detail(student)["course_instructors"]] == ["Augusta"]

    # The course row, its category and its certificate settings are read fresh every time.
    assert admin.patch(f"/api/lms/categories/{category['id']}/", {"name": "Maths"}).status_code == 200
    assert admin.patch(path, {"title": "Engines"}).status_code == 200
    assert admin.patch(f"/api/lms/certificates/course/{course['id']}/template/",
                       {"min_score": 70}).status_code == 200
    seen = detail(student)
    assert (seen["category"]["name"], seen["title"], seen["certificate_settings"]["min_score"]) == \
        ("Maths", "Engines", 70)
    enroll(student, course["id"])
    assert detail()["total_enrollments"] == 1
    # Another tenant's course of the same id space stays invisible.
    assert other_tenant.admin().get(path).status_code == 404


def test_the_read_path_keeps_tenants_apart(tenant, other_tenant, stack):
    """Read-path connections carry their tenant as a session setting and move between tenants: requests
    alternating between two tenants each see their own courses only (the API filters by tenant; row-level
    security, the second wall, is checked on its own below)."""
    mine = [make_course(tenant.admin())["id"] for _ in range(2)]
    theirs = [make_course(other_tenant.admin())["id"] for _ in range(3)]
    me, them = tenant.student(), other_tenant.student()
    for _ in range(15):
        assert [c["id"] for c in me.get("/api/lms/courses/").json()["results"]] == mine
        assert [c["id"] for c in them.get("/api/lms/courses/").json()["results"]] == theirs
        assert them.get(f"/api/lms/courses/{mine[0]}/").status_code == 404
    if stack.backend != "postgresql":
        return

    import asyncio

    from lms.platform import db
    from lms.platform.config import Settings

    async def without_the_first_wall() -> list[list[int]]:
        settings = Settings(**{**Settings.from_env().__dict__, "database_url": stack.database_url,
                               "db_pool_size": 1})
        pool = db.create_read_pool(settings)  # its connections serve both tenants in turn below
        unfiltered = select(Course.id).order_by(Course.id)  # no tenant condition: only row-level security
        try:
            seen = []
            for tenant_id in (tenant.id, other_tenant.id, tenant.id, other_tenant.id):
                seen.append([row[0] for row in await db.execute_alone(pool, tenant_id, unfiltered)])
            return seen
        finally:
            await pool.dispose()

    assert asyncio.run(without_the_first_wall()) == [mine, theirs, mine, theirs]


def test_every_catalogue_filter_and_ordering_has_an_index():
    indexes = {tuple(c.name for c in index.columns): index for index in Course.__table__.indexes}
    leading = {(table.name, tuple(c.name for c in index.columns)[:2]) for table in (Course.__table__,
               CourseCounter.__table__) for index in table.indexes}
    for column in ("category_id", "level", "status", "is_free", *(c.key for c in ORDERINGS.values() if c.key != "id")):
        table = ORDERINGS[column].table.name if column in ORDERINGS else "courses"
        assert (table, ("tenant_id", column)) in leading, column
    assert ("tenant_id", "status", "id") in indexes  # the default ordering of the published catalogue
    search = indexes[("title",)]
    assert search.dialect_options["postgresql"]["using"] == "gin"  # ILIKE '%term%': trigrams


def test_the_n_plus_one_guard_fails_a_request_that_repeats_a_query():
    from lms.platform import querycount
    from lms.platform.config import Settings
    from lms.platform.context import Call, Runtime

    settings = Settings(**{**Settings.from_env().__dict__, "debug_query_count": True})
    call = Call(runtime=Runtime(settings=settings, engine=None, sessions=None, verifier=None, rate_limits=None),
                method="/x", metadata={})
    for _ in range(querycount.REPEAT_LIMIT - 1):
        call.note_statement("SELECT lessons.id FROM lessons WHERE lessons.module_id = %(id)s")
    call.note_statement("UPDATE courses SET x = 1")
    assert dict(querycount.response_headers(call)) == {"x-lms-query-count": str(querycount.REPEAT_LIMIT)}
    call.note_statement("SELECT lessons.id FROM lessons WHERE lessons.module_id = %(id)s")
    headers = dict(querycount.response_headers(call))
    assert headers["x-lms-repeated-query"] == str(querycount.REPEAT_LIMIT)
    response = httpx.Response(200, headers=headers, request=httpx.Request("GET", "http://edge/api/lms/courses/"))
    with pytest.raises(RepeatedQuery):
        fail_on_repeated_queries(response)


def test_a_verified_token_is_remembered_until_it_expires():
    from lms.platform.auth import Principal, TokenVerifier, mint_token
    from lms.platform.config import Settings
    from lms.platform.errors import AuthenticationFailed

    verifier = TokenVerifier(Settings(**{**Settings.from_env().__dict__, "jwt_secret": "s" * 40,
                                         "jwt_leeway_seconds": 0, "jwt_public_key": "", "jwt_jwks_url": ""}))
    token = mint_token("s" * 40, user_id="u1", tenant_id="t1", roles=["admin"])
    assert verifier.verify(token) is verifier.verify(token)  # checked once, then remembered
    expired = mint_token("s" * 40, user_id="u1", tenant_id="t1", roles=["admin"], ttl_seconds=-10)
    verifier._verified[expired] = Principal("u1", "t1", frozenset({"admin"}), expires_at=time.time() - 10)
    with pytest.raises(AuthenticationFailed):
        verifier.verify(expired)
    assert expired not in verifier._verified
    with pytest.raises(AuthenticationFailed):
        verifier.verify(token[:-2] + "xx")  # a failure is never remembered
