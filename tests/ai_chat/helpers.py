"""Builders and readers shared by the AI chat tests."""
from tests.helpers import make_course, make_lesson, make_module

BASE = "/api/lms/ai_chat/chat-sessions/"
LISTS = ("To create a list in Python, put comma-separated items between square brackets, like "
         "fruits = ['apple', 'pear']. A list grows with append().")


def python_course(admin, **fields) -> dict:
    """A published course with a published lesson about lists, an FAQ and a link resource."""
    course = make_course(admin, title=fields.pop("title", "Intro to Python"),
                         description="Learn the basics of programming.", **fields)
    module = make_module(admin, course["id"], title="Collections")
    lesson = make_lesson(admin, course["id"], module["id"], title="Python Lists", content_text=LISTS)
    faq = admin.post(f"/api/lms/courses/{course['id']}/faqs/", {
        "question": "Do I need to install anything?", "answer": "Install Python 3 and a text editor."})
    assert faq.status_code == 201, faq.text
    resource = admin.post(f"/api/lms/courses/{course['id']}/resources/", {
        "title": "Dictionary cheat sheet", "resource_type": "link", "url": "https://example.com/cheat"})
    assert resource.status_code == 201, resource.text
    return {"course": course, "module": module, "lesson": lesson, "faq": faq.json(), "resource": resource.json()}


def ask(actor, session_id: int, question: str) -> dict:
    response = actor.post(f"{BASE}{session_id}/messages/", {"message": question, "message_type": "user"})
    assert response.status_code == 201, response.text
    return response.json()


async def request(client, **message) -> dict:
    """Sends a client message and returns the server's answer to it (events arriving meanwhile are skipped)."""
    await client.send(**message)
    while True:
        frame = await client.recv()
        if "data" not in frame:
            return frame


async def chat_events(client, count: int, timeout: float = 10.0) -> list[dict]:
    """The next `count` events of chat rooms the client receives (other rooms' events, such as the user room's
    enrollment events, are skipped)."""
    events = []
    while len(events) < count:
        frame = await client.recv(timeout)
        assert frame["type"] not in ("error",), frame
        if frame.get("room", "").startswith("chat_"):
            events.append(frame)
    return events


def sources(answer: dict) -> list[tuple[str, int]]:
    return [(s["type"], s["id"]) for s in answer["assistant_message"]["sources"]]
