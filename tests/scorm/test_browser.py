"""Both Golf fixtures played in headless Chromium (Playwright with Debian's chromium) through the edge: the
content finds the runtime, pages are navigated, the learner exits with suspend, the relaunch resumes at the
bookmark, and finishing the package completes its lesson. One backend (SQLite): tracking itself is covered
on both by test_routes.py."""
from __future__ import annotations

import shutil
import time

import pytest

from tests.helpers import enroll, make_course, make_lesson, make_module
from tests.scorm.fixtures import GOLF_12, GOLF_2004
from tests.scorm.test_routes import upload

pytestmark = pytest.mark.slow


def _track(stack, tenant_id: str, user_id: str) -> tuple:
    rows = stack.sql("SELECT completion_status, success_status, location, exit, score_raw, attempt, total_time "
                     "FROM scorm_tracks WHERE tenant_id = :t AND user_id = :u ORDER BY attempt DESC",
                     t=tenant_id, u=user_id)
    return tuple(rows[0]) if rows else ()


def _wait(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def _content(page):
    """The Golf launch page's frame, once its runtime session started (doStart ran)."""
    def found():
        for frame in page.frames:
            if frame.url.endswith("shared/launchpage.html"):
                try:
                    if frame.evaluate("typeof currentPage === 'number'"):
                        return frame
                except Exception:  # noqa: BLE001 - the frame may still be navigating
                    return None
        return None

    return _wait(found)


def test_golf_fixtures_play_suspend_resume_and_complete(tenant, stack):
    if stack.backend != "sqlite":
        pytest.skip("browser test runs on one backend")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    from playwright.sync_api import sync_playwright

    admin = tenant.admin()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
        try:
            for fixture, location_is_named in ((GOLF_12, "1.2"), (GOLF_2004, "2004")):
                course = make_course(admin, title=f"Golf {location_is_named}")
                module = make_module(admin, course["id"])
                lesson = make_lesson(admin, course["id"], module["id"], lesson_type="scorm", content_text="")
                make_lesson(admin, course["id"], module["id"])
                assert upload(admin, course["id"], fixture.read_bytes()).status_code == 201
                student = tenant.student(first_name="Jo", last_name="Doe")
                enroll(admin, course["id"], student.user_id)
                base = f"/api/lms/courses/{course['id']}/scorm"

                page = browser.new_page()
                page.on("dialog", lambda dialog: dialog.accept())
                page.goto(student.get(f"{base}/launch/").json()["launch_url"])
                frame = _content(page)
                for _ in range(3):
                    frame.evaluate("doNext()")  # the content's own Next button handler
                assert frame.evaluate("currentPage") == 3
                frame.click("#butExit", no_wait_after=True)  # "save your progress?" -> yes: exit=suspend, finish
                completion, success, location, exit_, _, attempt, _ = _wait(
                    lambda: (row := _track(stack, tenant.id, student.user_id)) and row[3] == "suspend" and row)
                assert (completion, location, exit_, attempt) == ("incomplete", "3", "suspend", 1)
                page.close()

                page = browser.new_page()
                page.on("dialog", lambda dialog: dialog.accept())  # "resume where you left off?" -> yes
                page.goto(student.get(f"{base}/launch/").json()["launch_url"])
                frame = _content(page)
                assert frame.evaluate("currentPage") == 3  # resumed at the bookmark
                api = "API" if fixture is GOLF_12 else "API_1484_11"
                entry = "cmi.core.entry" if fixture is GOLF_12 else "cmi.entry"
                getter = "LMSGetValue" if fixture is GOLF_12 else "GetValue"
                assert page.evaluate(f"window.{api}.{getter}('{entry}')") == "resume"
                last = frame.evaluate("pageArray.length - 1")
                frame.evaluate("for (var i = currentPage; i < pageArray.length - 1; i++) { doNext(); }")
                frame.evaluate("RecordTest(85)")  # the assessment page's own report of its result
                page.wait_for_timeout(1200)  # a session of at least a second: the runtime reports whole seconds
                frame.click("#butExit", no_wait_after=True)
                completion, success, location, exit_, score, attempt, total = _wait(
                    lambda: (row := _track(stack, tenant.id, student.user_id)) and row[1] == "passed" and row)
                assert (completion, success, location, score, attempt) == ("completed", "passed", str(last), 85, 1)
                assert total > 0
                progress = _wait(lambda: (p := student.get(f"/api/lms/enrollments/progress/?course={course['id']}")
                                          .json())["completed_lesson_ids"] and p)
                assert progress["completed_lesson_ids"] == [lesson["id"]] and progress["progress"] == 50
                page.close()
        finally:
            browser.close()
