"""AI chat, offline answers: 10,000 lessons in a tenant, questions through Envoy, on SQLite and PostgreSQL.

    python -m bench.ai_chat                     # both backends
    python -m bench.ai_chat --backend sqlite --requests 200

Starts the real stack (`lms serve`: Envoy, one gRPC worker, the WebSocket server) without a model (the
offline provider answers), creates 20 published courses of 10 modules through the API and writes 10,000
lessons (50 per module, ~120 words each drawn from a Zipf-distributed vocabulary of 3,000 words, so some
words are in most lessons and others in a few) straight into the database, where the AI chat's triggers index
them as they would any lesson. A student enrolled in every course (so everything is visible to them: the
largest candidate sets) then asks questions in a session over all courses and in one scoped to a course:
`POST /api/lms/ai_chat/chat-sessions/{id}/messages/`, one at a time, after a warm-up. Each answer is checked
(cites lessons, or says nothing was found for the off-topic questions). Prints p50/p90/p99/max per session
kind and backend, after a baseline: the same client's trivial request (a session's detail) timed the same way,
which tells how loaded the machine was; exits 1 if an answer's p99 reaches 100 ms.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

from bench.stack_guard import guarded_stack  # noqa: E402
from tests.stack import PG_ADMIN_URL  # noqa: E402

COURSES, MODULES, LESSONS_PER_MODULE = 20, 10, 50
VOCABULARY = 3000
WORDS_PER_LESSON = 120
BOUND_MS = 100.0
QUESTIONS = [
    "How do I create a list in Python?",
    "What is recursion and when should I use it?",
    "Explain closures and decorators",
    "How does the garbage collector free memory?",
    "What is the difference between a tuple and a list?",
    "How do I read a file line by line?",
    "Why does my loop never end?",
    "What are generators good for?",
    "How do I sort a dictionary by value?",
    "How do I handle exceptions properly?",
    "What is the capital of France?",          # off topic: nothing found
    "Best pizza dough recipe for a party",     # off topic: nothing found
]
TOPIC_WORDS = ("python list create recursion closure decorator garbage collector memory tuple file line loop "
               "generator sort dictionary value exception handle difference read end free").split()


def _vocabulary(rng: random.Random) -> list[str]:
    letters = "bcdfghjklmnpqrstvwxz"
    vowels = "aeiou"
    words = set()
    while len(words) < VOCABULARY - len(TOPIC_WORDS):
        words.add("".join(rng.choice(letters) + rng.choice(vowels) for _ in range(rng.randint(2, 4))))
    # The topic words take ranks spread over the distribution: some very common, some rare.
    ranked = sorted(words)
    rng.shuffle(ranked)
    for i, word in enumerate(TOPIC_WORDS):
        ranked.insert(min(len(ranked), 3 + i * 37), word)
    return ranked


def _lesson_text(rng: random.Random, vocabulary: list[str], weights: list[float]) -> str:
    words = rng.choices(vocabulary, weights=weights, k=WORDS_PER_LESSON)
    sentences = [" ".join(words[i:i + 12]).capitalize() + "." for i in range(0, len(words), 12)]
    return " ".join(sentences)


def _db_url(stack) -> str:
    if stack.backend == "postgresql":
        return (PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{stack.pg_database}").replace(
            "postgresql://", "postgresql+psycopg://", 1)
    return stack.database_url


def seed(stack, tenant: str) -> tuple[object, list[int]]:
    """The tenant's courses (through the API) and 10,000 lessons (straight into the database)."""
    from sqlalchemy import create_engine, text

    admin = stack.client(stack.token("bench-admin", tenant, ["admin"]))
    category = admin.post("/api/lms/categories/", json={"name": "Bench"}).json()
    rng = random.Random(20)
    vocabulary = _vocabulary(rng)
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
    courses, modules = [], []
    for c in range(COURSES):
        course = admin.post("/api/lms/courses/", json={
            "title": f"Programming {c + 1}", "description": _lesson_text(rng, vocabulary, weights)[:400],
            "category_id": category["id"], "status": "Published"}).json()
        courses.append(course["id"])
        for m in range(MODULES):
            module = admin.post(f"/api/lms/courses/{course['id']}/modules/", json={
                "title": f"Module {m + 1}", "is_published": True}).json()
            modules.append(module["id"])
    rows = []
    for module_id in modules:
        for order in range(1, LESSONS_PER_MODULE + 1):
            rows.append({"tenant": tenant, "module": module_id, "title": " ".join(rng.choices(vocabulary[:600], k=3)),
                         "text": _lesson_text(rng, vocabulary, weights), "order": order})
    engine = create_engine(_db_url(stack))
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO lessons (tenant_id, module_id, title, description, lesson_type, duration, content_url, "
                "content_file, content_text, \"order\", is_published, created_at, updated_at) VALUES (:tenant, "
                ":module, :title, '', 'text', 10, '', '', :text, :order, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                rows)
        with engine.begin() as connection:
            if stack.backend == "postgresql":
                connection.execute(text("ANALYZE"))
            indexed = connection.execute(text(
                "SELECT count(*) FROM ai_chat_passages WHERE tenant_id = :t AND kind = 'lesson'"),
                {"t": tenant}).scalar()
    finally:
        engine.dispose()
    assert indexed == COURSES * MODULES * LESSONS_PER_MODULE, indexed
    return admin, courses


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(backend: str, requests: int, warmup: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        # (guarded: on success, failure, Ctrl-C or SIGTERM the stack and its database are gone afterwards)
        with guarded_stack(backend, Path(tmp), LMS_LOG_LEVEL="WARNING", LMS_DEBUG_QUERY_COUNT="0",
                           LMS_AI_RATE_LIMIT="1000000/h") as stack:
            tenant = f"bench-{uuid.uuid4().hex[:8]}"
            admin, courses = seed(stack, tenant)
            student_id = f"student-{uuid.uuid4().hex[:6]}"
            admin.post(f"/api/lms/enrollments/course/{courses[0]}/bulk/", json={"user_ids": [student_id]})
            for course in courses[1:]:
                admin.post(f"/api/lms/enrollments/course/{course}/bulk/", json={"user_ids": [student_id]})
            student = stack.client(stack.token(student_id, tenant, ["student"]))
            sessions = {
                "all courses": student.post("/api/lms/ai_chat/chat-sessions/", json={"title": "All"}).json()["id"],
                "one course": student.post("/api/lms/ai_chat/chat-sessions/", json={
                    "title": "One", "course": courses[3]}).json()["id"],
            }
            timings: dict[str, list[float]] = {}
            # The machine's state: the same client's trivial request (the session's detail, no messages).
            empty = student.post("/api/lms/ai_chat/chat-sessions/", json={"title": "Baseline"}).json()["id"]
            baseline = []
            for n in range(warmup + requests):
                started = time.perf_counter()
                student.get(f"/api/lms/ai_chat/chat-sessions/{empty}/").raise_for_status()
                if n >= warmup:
                    baseline.append((time.perf_counter() - started) * 1000)
            timings["(baseline)"] = baseline
            for kind, session_id in sessions.items():
                url = f"/api/lms/ai_chat/chat-sessions/{session_id}/messages/"
                samples = []
                cited = 0
                for n in range(warmup + requests):
                    question = QUESTIONS[n % len(QUESTIONS)]
                    started = time.perf_counter()
                    response = student.post(url, json={"message": question, "message_type": "user"})
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 201, response.text
                    answer = response.json()["assistant_message"]
                    off_topic = QUESTIONS.index(question) >= len(QUESTIONS) - 2
                    assert bool(answer["sources"]) != off_topic or kind == "one course", (question, answer)
                    cited += bool(answer["sources"])
                    if n >= warmup:
                        samples.append(elapsed)
                assert cited > 0
                timings[kind] = samples
            return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--requests", type=int, default=600, help="questions timed per session kind")
    parser.add_argument("--warmup", type=int, default=36)
    args = parser.parse_args(argv)
    failed = False
    lessons = COURSES * MODULES * LESSONS_PER_MODULE
    print(f"AI chat offline answers, {lessons:,} lessons in the tenant, through Envoy, one client "
          f"(bound: p99 < {BOUND_MS:.0f} ms)")
    print(f"{'backend':<12}{'session':<13}{'n':>5}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}")
    for backend in args.backend or ["sqlite", "postgresql"]:
        for kind, samples in measure(backend, args.requests, args.warmup).items():
            p99 = _percentile(samples, 0.99)
            failed |= p99 >= BOUND_MS and kind != "(baseline)"
            print(f"{backend:<12}{kind:<13}{len(samples):>5}{statistics.median(samples):>8.1f}ms"
                  f"{_percentile(samples, 0.90):>8.1f}ms{p99:>8.1f}ms{max(samples):>8.1f}ms"
                  f"{'' if p99 < BOUND_MS or kind == '(baseline)' else '   OVER BOUND'}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
