"""Questions answered offline from the course content the caller may see, through the edge, gRPC and WebSocket."""
import grpc
import pytest

from lms.ai_chat.providers import FOUND_INTRO, NOTHING_FOUND
from lms.ai_chat.v1 import ai_chat_pb2, ai_chat_pb2_grpc
from tests.ai_chat.helpers import BASE, LISTS, ask, chat_events, python_course, request, sources
from tests.helpers import assert_error, enroll, make_course, make_lesson, make_module
from tests.realtime.client import clients

def test_a_question_about_a_lesson_is_answered_from_it_with_a_citation(tenant):
    admin, student = tenant.admin(), tenant.student()
    seeded = python_course(admin)
    enroll(student, seeded["course"]["id"])
    session = student.post(BASE, {"title": "Python Help Session", "context": "Getting help with Python programming"})
    session = session.json()
    exchange = ask(student, session["id"], "How do I create a list in Python?")
    question, answer = exchange["user_message"], exchange["assistant_message"]
    assert question == {"id": question["id"], "session": session["id"], "message_type": "user",
                        "message": "How do I create a list in Python?", "sources": [], "provider": "", "model": "",
                        "fallback": False, "reply_to": None, "created_at": question["created_at"]}
    assert answer["message_type"] == "assistant" and answer["provider"] == "offline" and answer["model"] == ""
    assert answer["fallback"] is False and answer["reply_to"] == question["id"] and answer["session"] == session["id"]
    assert answer["sources"][0] == {"type": "lesson", "id": seeded["lesson"]["id"], "title": "Python Lists",
                                    "course": seeded["course"]["id"]}
    assert answer["message"].startswith(FOUND_INTRO)
    assert "[1] Python Lists (lesson, Intro to Python)" in answer["message"]
    assert "square brackets" in answer["message"]

    listed = student.get(f"{BASE}{session['id']}/messages/")
    assert listed.status_code == 200
    assert listed.json()["count"] == 2 and [m["id"] for m in listed.json()["results"]] == [question["id"], answer["id"]]
    assert listed.json()["results"][1] == answer
    detail = student.get(f"{BASE}{session['id']}").json()
    assert detail["message_count"] == 2 and detail["messages"] == [question, answer]
    # Without the trailing slash, and the FAQ answers its own question.
    response = student.post(f"{BASE}{session['id']}/messages", {"message": "Do I need to install a text editor?"})
    assert response.status_code == 201, response.text
    assert sources(response.json())[0] == ("faq", seeded["faq"]["id"])
    page = student.get(f"{BASE}{session['id']}/messages", params={"page_size": 3, "page": 2}).json()
    assert page["count"] == 4 and len(page["results"]) == 1 and page["next"] is None


def test_an_unrelated_question_says_nothing_relevant_was_found(tenant):
    admin, student = tenant.admin(), tenant.student()
    enroll(student, python_course(admin)["course"]["id"])
    session = student.post(BASE, {"title": "Off topic"}).json()
    for question in ("What is the capital of France?", "Best pizza recipe for baking in Python town",
                     "How do I ...?"):
        answer = ask(student, session["id"], question)["assistant_message"]
        assert answer["sources"] == [] and answer["message"] == NOTHING_FOUND, question


def test_content_of_other_tenants_and_of_courses_the_caller_may_not_see_is_never_cited(tenant, other_tenant):
    """The answer (the made-up word "zebracorn") sits in an unpublished lesson, a draft course, a course the
    student is not enrolled in, and another tenant's course; the student finds none of them."""
    admin, student, instructor = tenant.admin(), tenant.student(), tenant.instructor()
    mine = python_course(admin)
    enroll(student, mine["course"]["id"])
    hidden = make_lesson(admin, mine["course"]["id"], mine["module"]["id"], title="Tuples", is_published=False,
                         content_text="A zebracorn tuple is immutable.")
    draft = make_course(admin, title="Draft course", status="Draft")
    draft_lesson = make_lesson(admin, draft["id"], make_module(admin, draft["id"])["id"],
                               title="Zebracorn basics", content_text="The zebracorn tuple explained.")
    other = make_course(admin, title="Other course")
    other_module = make_module(admin, other["id"])
    other_lesson = make_lesson(admin, other["id"], other_module["id"], title="Zebracorn",
                               content_text="Zebracorn tuple facts.")
    other_resource = admin.post(f"/api/lms/courses/{other['id']}/resources/", {
        "title": "Zebracorn tuple poster", "resource_type": "link", "url": "https://example.com/z"}).json()
    foreign_admin = other_tenant.admin()
    foreign = python_course(foreign_admin, title="Foreign Python")
    make_lesson(foreign_admin, foreign["course"]["id"], foreign["module"]["id"], title="Zebracorn tuple",
                content_text="What a zebracorn tuple is.")
    twin = other_tenant.actor("student", user_id=student.user_id)
    enroll(twin, foreign["course"]["id"])

    question = "What is a zebracorn tuple?"
    session = student.post(BASE, {"title": "Tuples"}).json()
    answer = ask(student, session["id"], question)["assistant_message"]
    assert answer["sources"] == [] and answer["message"] == NOTHING_FOUND
    assert "zebracorn" not in answer["message"].lower()

    # Staff of the tenant see drafts and unpublished lessons (the policy), still never another tenant's.
    for staff in (admin, instructor):
        staff_session = staff.post(BASE, {"title": "Staff"}).json()
        found = sources(ask(staff, staff_session["id"], question))
        assert ("lesson", hidden["id"]) in found and ("lesson", draft_lesson["id"]) in found
        assert ("lesson", other_lesson["id"]) in found and ("resource", other_resource["id"]) in found
        assert all(s["course"] in (mine["course"]["id"], draft["id"], other["id"])
                   for s in ask(staff, staff_session["id"], question)["assistant_message"]["sources"])

    # Publishing the lesson makes it the student's answer at once; enrolling opens the other course.
    admin.patch(f"/api/lms/courses/{mine['course']['id']}/modules/{mine['module']['id']}/lessons/{hidden['id']}/",
                {"is_published": True})
    assert sources(ask(student, session["id"], question)) == [("lesson", hidden["id"])]
    enroll(student, other["id"])
    assert set(sources(ask(student, session["id"], question))) == {
        ("lesson", hidden["id"]), ("lesson", other_lesson["id"]), ("resource", other_resource["id"])}

    # The twin in the other tenant sees only their tenant's content.
    twin_session = twin.post(BASE, {"title": "Twin"}).json()
    twin_found = ask(twin, twin_session["id"], question)["assistant_message"]["sources"]
    assert twin_found and all(s["course"] == foreign["course"]["id"] for s in twin_found)


def test_catalogue_descriptions_and_faqs_are_found_without_enrolling(tenant):
    admin, student = tenant.admin(), tenant.student()
    seeded = python_course(admin)
    admin.patch(f"/api/lms/courses/{seeded['course']['id']}/", {"description": "Covers loops, lists and recursion."})
    session = student.post(BASE, {"title": "Before enrolling"}).json()
    found = sources(ask(student, session["id"], "Does this course cover recursion and loops?"))
    assert found == [("course", seeded["course"]["id"])]
    assert sources(ask(student, session["id"], "Do I need to install a text editor?")) == [("faq", seeded["faq"]["id"])]
    # Lessons and resources are for learners: not before enrolling.
    assert sources(ask(student, session["id"], "How do I create a list with square brackets?")) == []
    assert sources(ask(student, session["id"], "dictionary cheat sheet")) == []
    enroll(student, seeded["course"]["id"])
    assert sources(ask(student, session["id"], "dictionary cheat sheet")) == [("resource", seeded["resource"]["id"])]


def test_the_index_follows_content_changes_and_sessions_keep_to_their_course(tenant):
    admin = tenant.admin()
    first, second = python_course(admin), python_course(admin, title="Advanced Python")
    lesson = first["lesson"]
    lesson_url = (f"/api/lms/courses/{first['course']['id']}/modules/{first['module']['id']}/lessons/"
                  f"{lesson['id']}/")
    session = admin.post(BASE, {"title": "Changes"}).json()
    assert sources(ask(admin, session["id"], "What is a generator expression?")) == []
    assert admin.patch(lesson_url, {"content_text": "A generator expression yields values lazily."}).status_code == 200
    assert sources(ask(admin, session["id"], "What is a generator expression?")) == [("lesson", lesson["id"])]
    faq_url = f"/api/lms/courses/{first['course']['id']}/faqs/{first['faq']['id']}/"
    assert admin.patch(faq_url, {"answer": "Bring a walrus operator."}).status_code == 200
    assert sources(ask(admin, session["id"], "walrus operator")) == [("faq", first["faq"]["id"])]
    assert admin.delete(lesson_url).status_code == 204
    assert sources(ask(admin, session["id"], "What is a generator expression?")) == []

    # Both courses teach lists; a session about the second cites only the second.
    both = sources(ask(admin, session["id"], "How do I create a list in Python?"))
    assert ("lesson", second["lesson"]["id"]) in both and ("lesson", lesson["id"]) not in both
    admin.post(f"/api/lms/courses/{first['course']['id']}/modules/{first['module']['id']}/lessons/",
               {"title": "More lists", "lesson_type": "text", "content_text": LISTS, "is_published": True})
    scoped = admin.post(BASE, {"title": "Advanced", "course": second["course"]["id"]}).json()
    answer = ask(admin, scoped["id"], "How do I create a list in Python?")["assistant_message"]
    assert answer["sources"] and {s["course"] for s in answer["sources"]} == {second["course"]["id"]}
    # Deleting the course removes its passages.
    assert admin.delete(f"/api/lms/courses/{second['course']['id']}/").status_code == 204
    unscoped = sources(ask(admin, session["id"], "How do I create a list in Python?"))
    assert unscoped and all(kind != "lesson" or id_ != second["lesson"]["id"] for kind, id_ in unscoped)
    assert admin.get(f"{BASE}{scoped['id']}/").json()["course"] is None


def test_invalid_messages_are_rejected_and_change_nothing(tenant):
    student = tenant.student()
    session = student.post(BASE, {"title": "Checks"}).json()
    url = f"{BASE}{session['id']}/messages/"
    assert_error(student.post(url, {"message": "x" * 2001}), 400,
                 {"message": ["Ensure this field has no more than 2000 characters."]})
    assert_error(student.post(url, {"message": "hi", "message_type": "assistant"}), 400,
                 {"message_type": ['"assistant" is not a valid choice.']})
    assert_error(student.post(url, {"message_type": "user"}), 400, {"message": ["This field is required."]})
    assert_error(student.post(url, {"message": "   "}), 400, {"message": ["This field may not be blank."]})
    # (JSON null of a plain string field reaches the service as "not sent", as on every such route)
    assert_error(student.post(url, {"message": None}), 400, {"message": ["This field may not be null."]})
    assert student.get(url).json()["count"] == 0
    assert student.get(f"{BASE}{session['id']}/").json()["message_count"] == 0
    assert student.post(url, {"message": "x" * 2000}).status_code == 201


async def test_the_answer_reaches_the_sessions_room_and_only_its_owner_may_join(stack, tenant):
    admin, student, classmate = tenant.admin(), tenant.student(), tenant.student()
    seeded = python_course(admin)
    enroll(student, seeded["course"]["id"])
    session = student.post(BASE, {"title": "Live"}).json()
    room = f"chat_{session['id']}"
    async with clients(stack, student, classmate, admin) as (c_student, c_classmate, c_admin):
        assert (await request(c_student, type="subscribe", room=room))["type"] == "subscribed"
        for outsider in (c_classmate, c_admin):
            frame = await request(outsider, type="subscribe", room=room)
            assert frame["type"] == "error" and frame["code"] == "forbidden", frame
        exchange = ask(student, session["id"], "How do I create a list in Python?")
        (event,) = await chat_events(c_student, 1)
        assert event["type"] == "chat.reply_completed" and event["room"] == room
        assert event["data"] == {"session": session["id"], "reply_to": exchange["user_message"]["id"],
                                 "message": exchange["assistant_message"]}


def test_grpc_callers_have_the_same_routes_and_rules(stack, tenant):
    admin, student, classmate = tenant.admin(), tenant.student(), tenant.student()
    seeded = python_course(admin)
    enroll(student, seeded["course"]["id"])
    with stack.channel() as channel:
        chat = ai_chat_pb2_grpc.AiChatServiceStub(channel)
        created = chat.CreateChatSession(ai_chat_pb2.CreateChatSessionRequest(session=ai_chat_pb2.ChatSessionInput(
            title="Python Help Session", context="Getting help with Python programming")), metadata=student.metadata)
        assert created.id > 0 and not created.course.HasField("number_value")
        sent = chat.SendChatMessage(ai_chat_pb2.SendChatMessageRequest(
            session_id=created.id, message=ai_chat_pb2.ChatMessageInput(
                message="How do I create a list in Python?", message_type="user")), metadata=student.metadata)
        assert sent.assistant_message.provider == "offline"
        assert [(s.type, s.id) for s in sent.assistant_message.sources][0] == ("lesson", seeded["lesson"]["id"])
        listed = chat.ListChatMessages(ai_chat_pb2.ListChatMessagesRequest(session_id=created.id),
                                       metadata=student.metadata)
        assert listed.count == 2 and [m.message_type for m in listed.results] == ["user", "assistant"]
        with pytest.raises(grpc.RpcError) as hidden:
            chat.GetChatSession(ai_chat_pb2.GetChatSessionRequest(session_id=created.id), metadata=classmate.metadata)
        assert hidden.value.code() == grpc.StatusCode.NOT_FOUND
        with pytest.raises(grpc.RpcError) as invalid:
            chat.SendChatMessage(ai_chat_pb2.SendChatMessageRequest(
                session_id=created.id, message=ai_chat_pb2.ChatMessageInput(message="")), metadata=student.metadata)
        assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        chat.DeleteChatSession(ai_chat_pb2.DeleteChatSessionRequest(session_id=created.id), metadata=student.metadata)
        assert chat.ListChatSessions(ai_chat_pb2.ListChatSessionsRequest(), metadata=student.metadata).count == 0


def test_the_routes_are_in_the_openapi_document(tenant):
    schema = tenant.anonymous().get("/api/schema/").json()
    paths = schema["paths"]
    assert set(paths["/api/lms/ai_chat/chat-sessions/"]) == {"get", "post"}
    assert set(paths["/api/lms/ai_chat/chat-sessions/{session_id}/"]) == {"get", "patch", "delete"}
    assert set(paths["/api/lms/ai_chat/chat-sessions/{session_id}/messages/"]) == {"get", "post"}
    send = paths["/api/lms/ai_chat/chat-sessions/{session_id}/messages/"]["post"]
    assert "201" in send["responses"] and "429" in send["responses"]
    body = schema["components"]["schemas"]["ai_chat.v1.ChatMessageInput"]["properties"]
    assert set(body) == {"message", "message_type"}
    source = schema["components"]["schemas"]["ai_chat.v1.ChatSource"]
    assert set(source["properties"]) == {"type", "id", "title", "course"}
