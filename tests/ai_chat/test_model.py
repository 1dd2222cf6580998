"""The model provider through the whole service: a stack whose LMS_AI_BASE_URL is a local fake chat-completions
server (tests/ai_chat/fake_model.py; never the internet). Answers stream to the session's room while the model
writes, failures fall back to the offline answer, and the per-user budget of questions holds."""
import asyncio
import json
import threading

import pytest

from lms.ai_chat.providers import FALLBACK_NOTE, SYSTEM_PROMPT
from tests.ai_chat.fake_model import FakeModel
from tests.ai_chat.helpers import BASE, ask, chat_events, python_course, request
from tests.conftest import BACKENDS, Tenant
from tests.helpers import assert_error, enroll
from tests.realtime.client import clients
from tests.stack import make_stack

QUESTION = "How do I create a list in Python?"


@pytest.fixture(scope="module")
def fake_model():
    server = FakeModel().start()
    yield server
    server.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def model_stack(request, tmp_path_factory, fake_model):
    running = make_stack(request.param, tmp_path_factory.mktemp(f"ai-model-{request.param}"),
                         LMS_AI_BASE_URL=fake_model.base_url, LMS_AI_API_KEY="sk-local", LMS_AI_MODEL="tiny-tutor",
                         LMS_AI_TIMEOUT="2", LMS_AI_MAX_RETRIES="1", LMS_AI_RATE_LIMIT="4/h",
                         LMS_AI_STREAM_INTERVAL="0")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def learner(model_stack):
    """A student enrolled in a course about Python lists, with a chat session."""
    tenant = Tenant(model_stack)
    admin, student = tenant.admin(), tenant.student()
    seeded = python_course(admin)
    enroll(student, seeded["course"]["id"])
    session = student.post(BASE, {"title": "Python Help Session", "context": "Getting help with Python programming"})
    assert session.status_code == 201, session.text
    return {"tenant": tenant, "student": student, "seeded": seeded, "session": session.json()}


async def test_the_answer_streams_to_the_room_while_the_model_writes(model_stack, fake_model, learner):
    student, session = learner["student"], learner["session"]
    gate = threading.Event()
    fake_model.behave(pieces=("Lists ", "are made ", "with square brackets [1]."), gate=gate)
    room = f"chat_{session['id']}"
    async with clients(model_stack, student) as (client,):
        assert (await request(client, type="subscribe", room=room))["type"] == "subscribed"
        sending = asyncio.ensure_future(asyncio.to_thread(
            student.post, f"{BASE}{session['id']}/messages/", {"message": QUESTION, "message_type": "user"}))
        try:
            (first,) = await chat_events(client, 1, timeout=45)  # (a loaded machine: generous)
            # The model has written one piece and waits: the piece reached the client before the answer exists.
            assert not sending.done()
            assert first["type"] == "chat.reply" and first["room"] == room
            assert first["data"]["delta"] == "Lists " and first["data"]["index"] == 0
        finally:
            gate.set()
        rest = await chat_events(client, 3)
        response = await sending
    assert response.status_code == 201, response.text
    exchange = response.json()
    answer = exchange["assistant_message"]
    assert answer["message"] == "Lists are made with square brackets [1]."
    assert answer["provider"] == "openai" and answer["model"] == "tiny-tutor" and answer["fallback"] is False
    assert answer["sources"][0]["id"] == learner["seeded"]["lesson"]["id"]
    deltas, final = rest[:2], rest[2]
    assert [d["type"] for d in deltas] == ["chat.reply"] * 2 and [d["data"]["index"] for d in deltas] == [1, 2]
    assert first["data"]["delta"] + "".join(d["data"]["delta"] for d in deltas) == answer["message"]
    assert all(d["data"]["reply_to"] == exchange["user_message"]["id"] for d in [first, *deltas])
    assert final["type"] == "chat.reply_completed" and final["data"]["message"] == answer

    (call,) = fake_model.requests
    assert call["authorization"] == "Bearer sk-local"
    body = call["body"]
    assert body["model"] == "tiny-tutor" and body["stream"] is True
    assert body["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    last = body["messages"][-1]["content"]
    material = json.loads(last.split("BEGIN COURSE MATERIAL\n", 1)[1].split("\nEND COURSE MATERIAL", 1)[0])
    assert material["passages"][0]["title"] == "Python Lists" and "square brackets" in material["passages"][0]["text"]
    assert material["session_topic"] == "Getting help with Python programming"
    assert last.endswith(f"Student's question: {QUESTION}")


def test_recent_turns_go_with_the_next_question_and_plain_json_answers_work(fake_model, learner):
    student, session = learner["student"], learner["session"]
    fake_model.behave(pieces=("Use ", "append()."), json_when_streaming=True)  # a server ignoring "stream"
    first = ask(student, session["id"], QUESTION)["assistant_message"]
    assert first["message"] == "Use append()." and first["provider"] == "openai"
    fake_model.behave(pieces=("Sure.",))
    ask(student, session["id"], "And how do I sort it?")
    turns = [(m["role"], m["content"]) for m in fake_model.requests[0]["body"]["messages"][1:-1]]
    assert turns == [("user", QUESTION), ("assistant", "Use append().")]


async def test_a_failing_model_falls_back_to_the_offline_answer_and_says_so(model_stack, fake_model, learner):
    student, session = learner["student"], learner["session"]
    room = f"chat_{session['id']}"
    async with clients(model_stack, student) as (client,):
        assert (await request(client, type="subscribe", room=room))["type"] == "subscribed"
        fake_model.behave(status=500)
        answer = ask(student, session["id"], QUESTION)["assistant_message"]
        assert len(fake_model.requests) == 2  # retried once (LMS_AI_MAX_RETRIES=1), then gave up
        assert answer["provider"] == "offline" and answer["fallback"] is True and answer["model"] == ""
        assert answer["message"].startswith(FALLBACK_NOTE) and "[1] Python Lists" in answer["message"]
        assert answer["sources"][0]["id"] == learner["seeded"]["lesson"]["id"]
        (final,) = await chat_events(client, 1)
        assert final["type"] == "chat.reply_completed" and final["data"]["message"] == answer

        # A stream that breaks off: the piece already sent stays sent, the final event carries the fallback.
        fake_model.behave(pieces=("Lists are", " never finished"), cut_after=1)
        answer = ask(student, session["id"], QUESTION)["assistant_message"]
        assert answer["fallback"] is True and answer["message"].startswith(FALLBACK_NOTE)
        delta, final = await chat_events(client, 2)
        assert delta["type"] == "chat.reply" and delta["data"]["delta"] == "Lists are"
        assert final["type"] == "chat.reply_completed" and final["data"]["message"] == answer


def test_a_model_that_does_not_answer_in_time_falls_back(fake_model, learner):
    fake_model.behave(hang=True)
    answer = ask(learner["student"], learner["session"]["id"], QUESTION)["assistant_message"]
    assert answer["fallback"] is True and answer["provider"] == "offline"
    assert answer["message"].startswith(FALLBACK_NOTE)


def test_each_user_has_a_budget_of_questions(fake_model, learner):
    student, session = learner["student"], learner["session"]
    url = f"{BASE}{session['id']}/messages/"
    fake_model.behave(pieces=("Fine.",))
    assert_error(student.post(url, {"message": "x" * 2001}), 400, fields=["message"])  # not charged
    for _ in range(4):  # LMS_AI_RATE_LIMIT=4/h
        assert student.post(url, {"message": QUESTION}).status_code == 201
    throttled = student.post(url, {"message": QUESTION})
    body = assert_error(throttled, 429, fields=["detail"])
    wait = int(throttled.headers["retry-after"])
    assert 0 < wait <= 3600 and body["detail"] == f"Request was throttled. Expected available in {wait} seconds."
    assert student.get(url).json()["count"] == 8  # the throttled question was not stored
    other = learner["tenant"].student()
    other_session = other.post(BASE, {"title": "Mine"}).json()
    assert other.post(f"{BASE}{other_session['id']}/messages/", {"message": QUESTION}).status_code == 201
