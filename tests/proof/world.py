"""The seeded world the proof matrix attacks: one victim tenant holding one object of every kind the API
names in a route, and an attacker tenant with its own admin, instructor and student.

`FACTORIES` is the per-resource registry: route placeholder name -> a function that creates the
victim tenant's object through the API and returns the placeholder's value. A domain that adds a route
placeholder (`{forum_id}`, `{message_id}`, ...) adds one entry here; until then the coverage test fails
naming the RPCs that need it. `REFERENCES` names the request fields (body or query) that point at another
object: the matrix fills them with the victim's objects too, so "create X under tenant A's course" is
attacked as well as "read tenant A's X".
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from tests.conftest import Tenant
from tests.helpers import assign_instructor, enroll, make_category, make_course, make_lesson, make_module

MARK = "zqxproofsecret"  # in every text of the victim's objects: an answer containing it leaked one
PRIVATE_MARK = "zqxprivatemark"  # in the texts of the student's private objects: no classmate may see it


def _iso(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _created(response, status: int = 201) -> dict:
    assert response.status_code == status, (response.request.method, response.request.url, response.text)
    return response.json()


class World:
    """Victim tenant `a` (admin, instructor of its course, two enrolled students, one outsider student) and
    attacker tenant `b`; objects are created lazily through FACTORIES and remembered in `values`."""

    def __init__(self, stack):
        self.stack = stack
        self.a = Tenant(stack)
        self.b = Tenant(stack)
        self.a.id = f"victim-{uuid.uuid4().hex[:8]}"
        self.b.id = f"attacker-{uuid.uuid4().hex[:8]}"
        self.admin = self.a.admin(first_name=MARK)
        self.instructor = self.a.instructor(first_name=MARK)
        self.student = self.a.student(first_name=MARK, email=f"{MARK}@example.com")  # owns private objects
        self.other_student = self.a.student()  # a classmate: must not see the student's private objects
        self.values: dict[str, object] = {}
        self.objects: dict[str, dict] = {}

    def attackers(self) -> dict:
        """Callers of the other tenant (and anonymous ones) and how they call."""
        return {
            "b-admin": self.b.admin(),
            "b-instructor": self.b.instructor(),
            "b-student": self.b.student(),
            "anon+b-header": self.b.anonymous(),
            "anon": self.stack.client(),
        }

    def value(self, placeholder: str):
        if placeholder not in self.values:
            self.values[placeholder] = FACTORIES[placeholder](self)
        return self.values[placeholder]

    def value_for(self, template: str, placeholder: str):
        """The placeholder's value under this route (ROUTE_FACTORIES first, then FACTORIES)."""
        for (prefix, name), factory in sorted(ROUTE_FACTORIES.items(), key=lambda kv: -len(kv[0][0])):
            if name == placeholder and template.startswith(prefix):
                key = f"{prefix}:{name}"
                if key not in self.values:
                    self.values[key] = factory(self)
                return self.values[key]
        return self.value(placeholder)

    def seed(self) -> None:
        for name in FACTORIES:
            self.value(name)
        for prefix, name in ROUTE_FACTORIES:
            self.value_for(prefix, name)


# --- factories (each returns the placeholder's value; objects go into world.objects) -----------------------

def _category(w: World):
    w.objects["category"] = make_category(w.admin, name=f"Category {MARK}")
    return w.objects["category"]["id"]


def _course(w: World):
    course = make_course(w.admin, category_id=w.value("category_id"), title=f"Course {MARK}",
                         description=f"About {MARK}", is_free=True)
    w.objects["course"] = course
    assign_instructor(w.admin, w.instructor, course["id"])
    enroll(w.student, course["id"])
    enroll(w.other_student, course["id"])
    return course["id"]


def _paid_course(w: World) -> dict:
    if "paid_course" not in w.objects:
        w.objects["paid_course"] = make_course(w.admin, category_id=w.value("category_id"), title=f"Paid {MARK}",
                                               is_free=False, price="19.99", currency="USD")
    return w.objects["paid_course"]


def _module(w: World):
    w.objects["module"] = make_module(w.admin, w.value("course_id"), title=f"Module {MARK}")
    return w.objects["module"]["id"]


def _lesson(w: World):
    w.objects["lesson"] = make_lesson(w.admin, w.value("course_id"), w.value("module_id"), title=f"Lesson {MARK}",
                                      content_text=f"Text {MARK}")
    return w.objects["lesson"]["id"]


def _resource(w: World):
    return _created(w.admin.post(f"/api/lms/courses/{w.value('course_id')}/resources/", {
        "title": f"Link {MARK}", "resource_type": "link", "url": "https://example.com/x"}))["id"]


def _faq(w: World):
    return _created(w.admin.post(f"/api/lms/courses/{w.value('course_id')}/faqs/", {
        "question": f"Q {MARK}?", "answer": f"A {MARK}"}))["id"]


def _assignment(w: World):
    return _created(w.admin.post("/api/lms/assignments/", {
        "title": f"Exercise {MARK}", "description": MARK, "course": w.value("course_id")}))["id"]


def _submission(w: World):
    return _created(w.student.post("/api/lms/assignment-submissions/", {
        "assignment": w.value("assignment_id"), "response_text": f"My answer {PRIVATE_MARK}"}))["id"]


def _enrollment(w: World):
    w.value("course_id")
    mine = _created(w.student.get("/api/lms/enrollments/for/user/"), 200)
    rows = mine["results"] if isinstance(mine, dict) else mine
    return next(r["id"] for r in rows if (r.get("course") == w.values["course_id"]
                                          or (r.get("course") or {}).get("id") == w.values["course_id"]))


def _certificate(w: World):
    """The student completes the course's only lesson, which issues a certificate (with its PDF)."""
    course = make_course(w.admin, category_id=w.value("category_id"), title=f"Certified {MARK}")
    module = make_module(w.admin, course["id"])
    lesson = make_lesson(w.admin, course["id"], module["id"])
    enroll(w.student, course["id"])
    _created(w.student.post("/api/lms/enrollments/lesson-completion/", {"lesson": lesson["id"]}))
    certificates = _created(w.student.get("/api/lms/certificates/"), 200)
    rows = certificates["results"] if isinstance(certificates, dict) else certificates
    certificate = next(c for c in rows if c["course_title"] == course["title"])
    w.objects["certificate"] = certificate
    return certificate["certificate_id"]


def _badge(w: World):
    return _created(w.admin.post("/api/lms/badges/", {"name": f"Badge {MARK}", "description": MARK,
                                                      "criteria_type": "manual"}))["id"]


def _learning_path(w: World):
    return _created(w.admin.post("/api/lms/learning-paths/", {"title": f"Path {MARK}",
                                                              "course_ids": [w.value("course_id")]}))["id"]


def _schedule(w: World):
    return _created(w.instructor.post("/api/lms/schedule/schedules/", {
        "title": f"Session {MARK}", "description": MARK, "scheduled_date": _iso(7), "duration": 60,
        "location": "Virtual", "max_attendees": 50, "course": w.value("course_id")}))["id"]


def _group(w: World):
    """A private group owned by the student (what a classmate must not even see)."""
    group = _created(w.student.post("/api/lms/groups/groups/", {
        "name": f"Group {PRIVATE_MARK}", "description": PRIVATE_MARK, "is_private": True, "max_members": 20}))
    return group["id"]


def _invitation(w: World):
    invited = _created(w.student.post(f"/api/lms/groups/groups/{w.value('group_id')}/invitations/",
                                      {"user_id": w.instructor.user_id}))
    return invited["id"]


def _advert(w: World):
    return _created(w.admin.post("/api/lms/adverts/api/adverts", {
        "title": f"Advert {MARK}", "content": MARK, "advert_type": "banner", "is_active": True,
        "start_date": _iso(-1), "end_date": _iso(6)}))["id"]


def _coupon(w: World):
    return _created(w.admin.post("/api/lms/carts/coupons/", {"code": f"C{uuid.uuid4().hex[:8].upper()}",
                                                             "discount_type": "percent", "value": "20"}))["id"]


def _cart_item(w: World):
    cart = _created(w.student.post("/api/lms/carts/cart/", {"course": _paid_course(w)["id"]}))
    return cart["items"][0]["id"]


def _wishlist_item(w: World):
    course = make_course(w.admin, category_id=w.value("category_id"), title=f"Wished {MARK}", is_free=False,
                         price="9.99", currency="USD")
    wishlist = _created(w.student.post("/api/lms/carts/wishlist/", {"course": course["id"]}))
    rows = wishlist.get("items", wishlist.get("results", [wishlist])) if isinstance(wishlist, dict) else wishlist
    return rows[0]["id"]


def _order(w: World):
    """The student checks out a second paid course (the cart item of `item_id` stays in the cart)."""
    w.value("item_id")
    buyer = w.a.student(first_name=MARK)
    w.objects["buyer"] = buyer
    course = make_course(w.admin, category_id=w.value("category_id"), title=f"Bought {MARK}", is_free=False,
                         price="29.99", currency="USD")
    _created(buyer.post("/api/lms/carts/cart/", {"course": course["id"]}))
    order = _created(buyer.post("/api/lms/carts/checkout/", {"gateway": "manual"}))
    w.objects["order"] = order
    return order["id"]


def _chat_session(w: World):
    return _created(w.student.post("/api/lms/ai_chat/chat-sessions/", {"title": f"Chat {PRIVATE_MARK}",
                                                                        "context": PRIVATE_MARK}))["id"]


def _room(w: World):
    room = f"course_{w.value('course_id')}"
    _created(w.student.post(f"/api/lms/chat/rooms/{room}/messages/", {"message": f"Hello {MARK}"}))
    return room


def _file_key(w: World):
    """A course file (the certificate PDF is attacked through `certificate_pdf_key` in the private matrix)."""
    response = w.admin.post(f"/api/lms/courses/{w.value('course_id')}/files/",
                            files={"file": (f"{MARK}.pdf", b"%PDF-1.4\n" + MARK.encode() + b"\n%%EOF\n",
                                            "application/pdf")})
    created = _created(response)
    url = created.get("url") or created.get("file_url")
    return url.split("/api/lms/files/", 1)[1].rstrip("/")


def _user(w: World):
    return w.student.user_id


def _gateway(w: World):
    gateways = _created(w.admin.get("/api/lms/payments/payment-gateways/"), 200)
    rows = gateways["results"] if isinstance(gateways, dict) else gateways
    return next(g["id"] for g in rows if g["code"] == "manual")


def _rule(w: World):
    return "lesson_completed"


def _feed_token(w: World):
    feed = _created(w.student.post("/api/lms/schedule/feed/"))
    return feed["url"].rstrip("/").rsplit("/", 1)[1]


def _tenant(w: World):
    return w.a.id


def _forum(w: World):
    """A course forum of the victim's course (its learners and staff may see it)."""
    forum = _created(w.instructor.post("/api/lms/forums/forums/", {
        "title": f"Forum {MARK}", "description": MARK, "is_active": True, "course": w.value("course_id")}))
    w.objects["forum"] = forum
    return forum["id"]


def _post(w: World):
    return _created(w.student.post("/api/lms/forums/posts/", {
        "forum": w.value("forum_id"), "title": f"Post {MARK}", "content": f"About {MARK}", "is_pinned": False}))["id"]


def _message(w: World):
    """A direct message from the student to the course's instructor (the two parties' only)."""
    w.value("course_id")
    return _created(w.student.post("/api/lms/messaging/messages/", {
        "recipient": w.instructor.user_id, "subject": f"Question {PRIVATE_MARK}", "content": PRIVATE_MARK,
        "message_type": "direct"}))["id"]


def _scorm_launch(w: World) -> dict:
    """A SCORM 1.2 package in the victim's course, launched by the student: the player session."""
    if "scorm_launch" not in w.objects:
        from tests.scorm.fixtures import GOLF_12
        course = w.value("course_id")
        _created(w.admin.post(f"/api/lms/courses/{course}/scorm/upload/",
                              files={"package": ("golf.zip", GOLF_12.read_bytes(), "application/zip")}))
        w.objects["scorm_launch"] = _created(w.student.get(f"/api/lms/courses/{course}/scorm/launch/"), 200)
    return w.objects["scorm_launch"]


def _scorm_session(w: World):
    url = _scorm_launch(w)["launch_url"]
    return url.split("/api/lms/scorm/sessions/", 1)[1].split("/")[1]


def _scorm_path(w: World):
    _scorm_launch(w)
    return "shared/launchpage.html"  # the Golf 1.2 package's launch page


def _runtime_name(w: World):
    return "scorm12.min.js"


def _asset(w: World):
    return "swagger-ui.css"


FACTORIES = {
    "category_id": _category,
    "course_id": _course,
    "module_id": _module,
    "lesson_id": _lesson,
    "resource_id": _resource,
    "faq_id": _faq,
    "assignment_id": _assignment,
    "submission_id": _submission,
    "enrollment_id": _enrollment,
    "certificate_id": _certificate,
    "badge_id": _badge,
    "learning_path_id": _learning_path,
    "schedule_id": _schedule,
    "group_id": _group,
    "invitation_id": _invitation,
    "advert_id": _advert,
    "coupon_id": _coupon,
    "item_id": _cart_item,
    "order_id": _order,
    "session_id": _chat_session,
    "room": _room,
    "key": _file_key,
    "user_id": _user,
    "gateway_id": _gateway,
    "rule": _rule,
    "token": _feed_token,
    "tenant": _tenant,
    "asset": _asset,
    "forum_id": _forum,
    "post_id": _post,
    "message_id": _message,
    "session": _scorm_session,
    "path": _scorm_path,
    "name": _runtime_name,
}

# Where one placeholder names different kinds of object under different routes: (route prefix, placeholder)
# -> factory, looked up before FACTORIES (longest prefix first).
ROUTE_FACTORIES = {
    ("/api/lms/carts/wishlist", "item_id"): _wishlist_item,
}

# Request fields (JSON body or query string) that name another object -> the placeholder whose value fills
# them. Lists of ids take a one-element list.
REFERENCES = {
    "course": "course_id", "course_id": "course_id", "course_ids": "course_id", "category": "category_id",
    "category_id": "category_id", "module": "module_id", "module_id": "module_id", "lesson": "lesson_id",
    "lesson_id": "lesson_id", "assignment": "assignment_id", "assignment_id": "assignment_id",
    "badge": "badge_id", "badge_id": "badge_id", "user_id": "user_id", "user_ids": "user_id",
    "schedule": "schedule_id", "group": "group_id", "learning_path": "learning_path_id",
    "forum": "forum_id", "parent": "post_id", "recipient": "user_id", "reply_to": "message_id",
}
LIST_REFERENCES = {"course_ids", "user_ids"}

# Placeholders that are names every tenant has (a points rule's name), not one tenant's object: a caller
# reaches their own tenant's; only the victim's rows being unchanged is checked.
TENANT_WIDE_NAMES = {"rule"}


# Placeholders whose value is an unguessable public credential: whoever holds it may read what it names, from
# any tenant, by design (the matrix still calls their routes: no 5xx, and writes leave the victim unchanged).
CAPABILITIES = {
    "certificate_id": "public verification register: ids carry 80 random bits and are unique across tenants "
                      "(docs/certificates.md)",
    "token": "calendar feed URL token: a bearer capability of one user's feed (docs/schedules.md)",
    "session": "SCORM launch session: a short-lived bearer capability of one learner's attempt, the only way a "
               "package's pages reach the player without the learner's token (docs/scorm.md)",
}


# A value of each placeholder that names nothing in any tenant (the probe the victim's answers must equal).
def missing_value(placeholder: str, real):
    if placeholder == "key":  # the same tenant and course folder, a file that was never stored
        return real.rsplit("/", 1)[0] + "/0000000000000000_missing.pdf"
    if placeholder == "room":
        return "course_2147480000"
    if isinstance(real, int):
        return 2147480000
    if placeholder == "certificate_id":
        return "CERT-NONE-AAAA-AAAA-AAAA-AAAA"
    return f"missing-{placeholder}"


# Placeholders naming objects private to the student (or to another single user): a classmate's answers on
# them must be those for objects that exist nowhere (404, never 403).
PRIVATE = {"submission_id", "item_id", "order_id", "session_id", "group_id", "invitation_id", "enrollment_id",
           "message_id"}

# Writes a student may make on the course's shared objects or for themselves (reviewed): the within-tenant
# matrix does not call them on the victim's objects, because they legitimately change the victim tenant's rows.
# Those of them that name a PRIVATE placeholder are still attacked.
STUDENT_MAY = {
    "EnrollmentService.Enroll": "self-enrolment in a published course",
    "EnrollmentService.CompleteLesson": "a learner completes a lesson of their course",
    "SubmissionService.CreateSubmission": "a learner submits to their course's assignment",
    "ChatService.PostRoomMessage": "course participants post in the course room",
    "ScheduleService.RegisterForSchedule": "learners register for their course's sessions",
    "ScheduleService.UnregisterFromSchedule": "learners unregister from sessions",
    "ScheduleService.CreateCalendarFeed": "a user's own calendar feed",
    "ScheduleService.RevokeCalendarFeed": "a user's own calendar feed",
    "AdvertService.RecordImpression": "impression counting is open to every viewer",
    "AdvertService.RecordImpressions": "impression counting is open to every viewer",
    "AdvertService.RecordClick": "click counting is open to every viewer",
    "CartService.AddToCart": "a user's own cart", "CartService.AddToWishlist": "a user's own wishlist",
    "CartService.ApplyCoupon": "a user's own cart", "CartService.RemoveCoupon": "a user's own cart",
    "CartService.Checkout": "a user's own cart",
    "GroupService.CreateGroup": "any user may create a study group",
    "AiChatService.CreateChatSession": "a user's own AI chat session",
    "PointsService.UpdateLeaderboardPreference": "a user's own preference",
    "GroupService.JoinGroup": "public groups are open (private ones are PRIVATE and attacked)",
    "ForumService.CreatePost": "course learners post in their course's forum",
    "ForumService.ReportPost": "a reader reports a post (once)",
    "ForumService.FollowForum": "a user's own subscription",
    "ForumService.UnfollowForum": "a user's own subscription",
    "ForumService.FollowThread": "a user's own subscription",
    "ForumService.UnfollowThread": "a user's own subscription",
    "MessageService.SendMessage": "students message their courses' staff and classmates (docs/messaging.md)",
    "MessageService.MarkAllRead": "a user's own mailbox",
    "ScormService.LaunchPackage": "a learner launches their course's package (a session of their own)",
    "ScormService.TrackProgress": "a learner tracks their own progress",
}


# The live channel: for every room kind (lms.platform.rooms.KINDS), the victim's room of that kind and which
# of the victim tenant's actors may join it and receive its events. Nobody of the attacker tenant may (not
# even a user with the same user id there). A domain that adds a room kind adds its entry here; the live
# matrix fails naming any kind without one.
VICTIM_ACTORS = ("admin", "instructor", "student", "other_student", "outsider")
ROOMS = {
    "user": (lambda w: f"user_{w.student.user_id}", {"student"}),
    "course": (lambda w: f"course_{w.value('course_id')}", {"admin", "instructor", "student", "other_student"}),
    "course_staff": (lambda w: f"course_staff_{w.value('course_id')}", {"admin", "instructor"}),
    # A course forum: whoever may see it (its course's learners and staff, the tenant's admins).
    "forum": (lambda w: f"forum_{w.value('forum_id')}", {"admin", "instructor", "student", "other_student"}),
    "group": (lambda w: f"group_{w.value('group_id')}", {"student"}),  # the student's private group
    "chat": (lambda w: f"chat_{w.value('session_id')}", {"student"}),  # the student's AI chat session
}
# Kinds whose every room is open to every user of a tenant (no table behind them yet): an attacker joins the
# same-named room of their OWN tenant, and the matrix checks they receive nothing of the victim's.
OPEN_IN_EVERY_TENANT: set[str] = set()
