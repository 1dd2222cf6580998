"""Adverts through the edge: the document's body, the live window, audiences, images, counts, isolation."""
import time
from datetime import datetime, timedelta, timezone

import grpc
import pytest

from lms.adverts.v1 import adverts_pb2, adverts_pb2_grpc
from tests.files import samples
from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, enroll, make_course

URL = "/api/lms/adverts/api/adverts/"
DOC_BODY = {"title": "Special Discount", "content": "50% off on all courses this week!", "advert_type": "banner",
            "is_active": True, "start_date": "2024-02-01T00:00:00Z", "end_date": "2024-02-07T23:59:59Z"}


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def now_window(**fields) -> dict:
    now = datetime.now(timezone.utc)
    return {**DOC_BODY, "start_date": iso(now - timedelta(days=1)), "end_date": iso(now + timedelta(days=6)), **fields}


def make_advert(admin, **fields) -> dict:
    response = admin.post(URL, now_window(**fields))
    assert response.status_code == 201, response.text
    return response.json()


def test_document_body_and_the_active_window(tenant, other_tenant):
    admin = tenant.admin()
    response = admin.post("/api/lms/adverts/api/adverts", DOC_BODY)  # the document's body as written (past)
    assert response.status_code == 201, response.text
    past = response.json()
    assert {k: past[k] for k in DOC_BODY} == DOC_BODY
    assert past["is_live"] is False and past["target_audience"] == "all" and past["course"] is None
    assert past["image_url"] == "" and past["impressions"] == 0
    live = make_advert(admin, title="Live banner")
    popup = make_advert(admin, title="Live popup", advert_type="popup")
    make_advert(admin, title="Switched off", is_active=False)
    now = datetime.now(timezone.utc)
    make_advert(admin, title="Future", start_date=iso(now + timedelta(days=1)), end_date=iso(now + timedelta(days=2)))

    anonymous = tenant.anonymous()  # X-Tenant-ID, no token
    listed = anonymous.get(URL).json()
    assert {a["title"] for a in listed["results"]} == {"Live banner", "Live popup"} and listed["count"] == 2
    assert all(a["is_live"] for a in listed["results"])
    assert [a["id"] for a in anonymous.get(URL, params={"advert_type": "popup"}).json()["results"]] == [popup["id"]]
    assert tenant.student().get(URL, params={"advert_type": "banner"}).json()["results"][0]["id"] == live["id"]
    assert anonymous.get(f"{URL}{live['id']}/").json()["title"] == "Live banner"
    assert_error(anonymous.get(f"{URL}{past['id']}/"), 404, NOT_FOUND)
    assert admin.get(f"{URL}{past['id']}/").json()["is_live"] is False
    assert admin.get(URL, params={"include_inactive": "true"}).json()["count"] == 5
    assert anonymous.get(URL, params={"include_inactive": "true"}).json()["count"] == 2

    # Tenant isolation: other tenants and callers without a tenant see none of it.
    assert other_tenant.anonymous().get(URL).json()["count"] == 0
    assert_error(other_tenant.admin().get(f"{URL}{live['id']}/"), 404, NOT_FOUND)
    assert_error(other_tenant.admin().patch(f"{URL}{live['id']}/", {"title": "x"}), 404, NOT_FOUND)
    assert_error(other_tenant.admin().delete(f"{URL}{live['id']}/"), 404, NOT_FOUND)
    assert_error(tenant.stack.client().get(URL), 401, UNAUTHENTICATED)


def test_only_admins_change_adverts_and_bad_input_is_400(tenant):
    admin, instructor = tenant.admin(), tenant.instructor()
    assert_error(instructor.post(URL, DOC_BODY), 403, FORBIDDEN)
    assert_error(tenant.anonymous().post(URL, DOC_BODY), 401, UNAUTHENTICATED)
    assert_error(admin.post(URL, {**DOC_BODY, "end_date": "2024-01-31T00:00:00Z"}), 400,
                 {"end_date": ["end_date must not be before start_date."]})
    assert_error(admin.post(URL, {**DOC_BODY, "advert_type": "billboard"}), 400,
                 {"advert_type": ['"billboard" is not a valid choice.']})
    assert_error(admin.post(URL, {"title": "x"}), 400, fields=["advert_type", "start_date", "end_date"])
    assert_error(admin.post(URL, {**DOC_BODY, "target_audience": "course"}), 400,
                 {"course": ['This field is required when target_audience is "course".']})
    advert = make_advert(admin)
    url = f"{URL}{advert['id']}/"
    assert_error(instructor.patch(url, {"title": "x"}), 403, FORBIDDEN)
    assert_error(admin.patch(url, {"end_date": "2000-01-01T00:00:00Z"}), 400, fields=["end_date"])
    assert admin.get(url).json()["end_date"] == advert["end_date"]  # nothing changed
    assert admin.patch(url, {"title": "Changed"}).json()["title"] == "Changed"
    assert_error(admin.put(url, {"title": "Only"}), 400, fields=["advert_type", "start_date", "end_date"])
    assert admin.delete(url).status_code == 204
    assert_error(admin.get(url), 404, NOT_FOUND)


def test_target_audiences(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    learner, other_student, instructor = tenant.student(), tenant.student(), tenant.instructor()
    enroll(learner, course["id"])
    everyone = make_advert(admin, title="Everyone")
    students = make_advert(admin, title="Students", target_audience="students")
    course_ad = make_advert(admin, title="Course", target_audience="course", course=course["id"])
    assert course_ad["course"] == course["id"]

    def titles(actor):
        return {a["title"] for a in actor.get(URL).json()["results"]}

    assert titles(tenant.anonymous()) == {"Everyone"}
    assert titles(other_student) == {"Everyone", "Students"}
    assert titles(learner) == {"Everyone", "Students", "Course"}
    assert titles(instructor) == {"Everyone", "Course"}  # staff may learn every course of the tenant
    assert titles(admin) == {"Everyone", "Students", "Course"}
    assert_error(other_student.get(f"{URL}{course_ad['id']}/"), 404, NOT_FOUND)
    assert learner.get(f"{URL}{students['id']}/").status_code == 200 and everyone["target_audience"] == "all"


def test_impressions_and_clicks_are_counted_in_batches(tenant, other_tenant):
    admin = tenant.admin()
    advert = make_advert(admin)
    other = make_advert(admin, title="Other")
    anonymous = tenant.anonymous()
    for _ in range(5):
        assert anonymous.post(f"{URL}{advert['id']}/impression/").status_code == 204
    assert anonymous.post(f"{URL}{advert['id']}/click").status_code == 204
    assert anonymous.post(f"{URL}impressions/", {"adverts": [advert["id"], other["id"], other["id"]]}).status_code \
        == 204
    assert_error(anonymous.post(f"{URL}impressions/", {"adverts": []}), 400, fields=["adverts"])
    # Another tenant recording this id counts nothing here.
    assert other_tenant.anonymous().post(f"{URL}{advert['id']}/click/").status_code == 204
    # Admins read this worker's counts at once; others see zeros.
    seen = admin.get(f"{URL}{advert['id']}/").json()
    assert (seen["impressions"], seen["clicks"]) == (6, 1)
    assert admin.get(f"{URL}{other['id']}/").json()["impressions"] == 2
    assert anonymous.get(f"{URL}{advert['id']}/").json()["impressions"] == 0
    # The worker also stores them on its own within its flush interval (one UPDATE per advert, not a row per view).
    anonymous.post(f"{URL}{other['id']}/click/")
    deadline = time.monotonic() + 10
    while tenant.stack.sql("SELECT clicks FROM adverts WHERE id = :id", id=other["id"])[0][0] != 1:
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_images_are_uploaded_images_only_and_public(tenant):
    admin = tenant.admin()
    advert = make_advert(admin)
    url = f"{URL}{advert['id']}/image/"
    assert_error(admin.post(url, files={"image": ("doc.pdf", samples.pdf(), "application/pdf")}), 400,
                 fields=["image"])
    assert_error(tenant.instructor().post(url, files={"image": ("a.png", samples.png(), "image/png")}), 403,
                 FORBIDDEN)
    image = samples.png()
    uploaded = admin.post(url, files={"image": ("banner.png", image, "image/png")})
    assert uploaded.status_code == 200, uploaded.text
    image_url = uploaded.json()["image_url"]
    assert image_url.endswith("_banner.png")
    listed = tenant.anonymous().get(URL).json()["results"][0]
    assert listed["image_url"] == image_url
    path = image_url.removeprefix(tenant.stack.edge_url)
    download = tenant.stack.client().get(path)  # public, like course thumbnails
    assert download.status_code == 200 and download.content == image
    assert admin.delete(url).status_code == 204
    assert admin.get(f"{URL}{advert['id']}/").json()["image_url"] == ""
    assert_error(admin.delete(url), 404, NOT_FOUND)


def test_adverts_over_grpc(tenant, stack):
    admin = tenant.admin()
    now = datetime.now(timezone.utc)
    with stack.channel() as channel:
        stub = adverts_pb2_grpc.AdvertServiceStub(channel)
        created = stub.CreateAdvert(adverts_pb2.CreateAdvertRequest(advert=adverts_pb2.AdvertInput(
            title="Special Discount", content="50% off on all courses this week!", advert_type="banner",
            is_active=True, start_date=iso(now - timedelta(hours=1)), end_date=iso(now + timedelta(days=1)))),
            metadata=admin.metadata)
        assert created.is_live
        listed = stub.ListAdverts(adverts_pb2.ListAdvertsRequest(advert_type="banner"),
                                  metadata=(("x-tenant-id", tenant.id),))
        assert [a.id for a in listed.results] == [created.id]
        with pytest.raises(grpc.RpcError) as bad:
            stub.CreateAdvert(adverts_pb2.CreateAdvertRequest(advert=adverts_pb2.AdvertInput(
                title="x", advert_type="banner", start_date=iso(now), end_date=iso(now - timedelta(days=1)))),
                metadata=admin.metadata)
        assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_documented_routes_are_in_the_openapi_document(tenant):
    paths = tenant.anonymous().get("/api/schema/").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/lms/adverts/api/adverts/"])
    assert {"get", "put", "patch", "delete"} <= set(paths["/api/lms/adverts/api/adverts/{advert_id}/"])
    assert "multipart/form-data" in paths["/api/lms/adverts/api/adverts/{advert_id}/image/"]["post"]["requestBody"][
        "content"]
