"""Messaging on PostgreSQL through Envoy: the inbox over 1,000,000 messages, and announcing to 10,000 learners.

    python -m bench.messaging_inbox             # 1,000,000 messages; wrk 3 s warm-up, then 10 s per case
    python -m bench.messaging_inbox --quick     # 1 s warm-up, 3 s per case (--messages 100000 to seed faster)

It creates its own database (`lms_bench_messaging`, owned by the non-superuser role the service runs as, so
row-level security applies), runs `lms migrate`, seeds bench.seed's catalogue and then, with SQL
(`generate_series`, not the API): 10,000 learners in the directory, all enrolled in course 1 (taught by
`bench-teacher`), and 1,000,000 direct messages in the tenant (one delivery row each) between the learners,
1 in 100 of them to the benchmark's reader `bench-reader` (10,000 in their inbox, 1,000 unread). Then:

1. `EXPLAIN (ANALYZE, BUFFERS)` of the list statement (page 1 of the reader's messages, as the service builds
   it), to show the plan: index range scans, no sort of the inbox;
2. wrk, `bench.compare`'s runner and settings (`-t2 -c32`, a warm-up, then 10 s per case, the database idle
   between cases): first `GET /api/health/` and the course list page 1 (`bench.compare`'s `list_p1`, as its
   admin) for reference, then, as the reader, `GET /api/lms/messaging/messages/?page=1` (both folders),
   `?folder=inbox`, `?unread=true` and `?folder=sent`: bound ≥ 1,000 req/s, no errors;
3. 20 announcements (`POST /api/lms/messaging/messages/`, message_type announcement, course 1) one after
   the other as the teacher: acceptance time per request (bound: median < 200 ms), and how long the fan-out
   consumer took to write the 10,000 `message.received` events of the last one.

Service: as `bench.compare` runs it (`lms serve --workers 1 --edge-concurrency 1 --no-access-log`, Envoy, the
WebSocket server, `LMS_LOG_LEVEL=WARNING`). Prints the load average before and after. Exits 1 when a bound is
missed. Every process it starts is stopped by its process group id.
"""
from __future__ import annotations

import argparse
import json
import shutil
import signal
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

import psycopg  # noqa: E402

from bench import seed  # noqa: E402
from bench import compare  # noqa: E402
from bench.compare import (  # noqa: E402
    APP_ROLE, JWT_SECRET, add_runner_arguments, admin_execute, load_average, log, Ours, run_wrk, runner_arguments,
    wait_idle,
)

DATABASE = "lms_bench_messaging"
LEARNERS = 10_000
READER, TEACHER = "bench-reader", "bench-teacher"
LIST_RPS_BOUND = 1000.0
ANNOUNCE_MS_BOUND = 200.0


def seed_messages(admin_url: str, messages: int) -> float:
    t = seed.TENANT
    started = time.perf_counter()
    statements = [
        f"""INSERT INTO directory_users (tenant_id, user_id, email, first_name, last_name, avatar_url, phone, roles,
                updated_at)
            SELECT '{t}', 'learner-' || u, 'learner' || u || '@example.com', 'First' || u, 'Last' || u, '', '',
                   'student', now() FROM generate_series(0, {LEARNERS - 1}) u""",
        f"""INSERT INTO directory_users (tenant_id, user_id, email, first_name, last_name, avatar_url, phone, roles,
                updated_at)
            VALUES ('{t}', '{READER}', '', 'Rita', 'Reader', '', '', 'student', now()),
                   ('{t}', '{TEACHER}', '', 'Tom', 'Teacher', '', '', 'instructor', now())""",
        f"""INSERT INTO course_instructors (tenant_id, course_id, user_id, created_at)
            VALUES ('{t}', 1, '{TEACHER}', now())""",
        f"""INSERT INTO enrollments (tenant_id, course_id, user_id, enrolled_at, is_active)
            SELECT '{t}', 1, 'learner-' || u, now(), true FROM generate_series(0, {LEARNERS - 1}) u
            ON CONFLICT DO NOTHING""",
        # Direct messages between learners; every 100th goes to the reader (who sends every 1,000th).
        f"""INSERT INTO messages (id, tenant_id, sender_id, recipient_id, course_id, subject, content, message_type,
                reply_to_id, thread_id, recipient_count, sender_deleted, fanned_out, created_at)
            SELECT i, '{t}',
                   CASE WHEN i % 1000 = 7 THEN '{READER}' ELSE 'learner-' || (i % {LEARNERS}) END,
                   CASE WHEN i % 100 = 0 THEN '{READER}' ELSE 'learner-' || ((i * 7 + 1) % {LEARNERS}) END,
                   NULL, 'Subject ' || i, 'Message number ' || i || ' with a body of ordinary length.', 'direct',
                   NULL, NULL, 1, false, true,
                   timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second'
            FROM generate_series(1, {messages}) i""",
        f"SELECT setval(pg_get_serial_sequence('messages', 'id'), {messages})",
        """INSERT INTO message_deliveries (message_id, recipient_id, tenant_id, message_type, read_at, deleted)
            SELECT id, recipient_id, tenant_id, 'direct',
                   CASE WHEN id % 10 = 0 AND id % 100 <> 0 OR (id % 100 = 0 AND id % 1000 <> 0)
                        THEN created_at + interval '1 hour' END, false
            FROM messages""",
        """INSERT INTO mailbox_counts (tenant_id, user_id, inbox, unread, sent)
            SELECT tenant_id, user_id, sum(inbox), sum(unread), sum(sent) FROM (
                SELECT tenant_id, recipient_id AS user_id, count(*) AS inbox,
                       count(*) FILTER (WHERE read_at IS NULL) AS unread, 0 AS sent
                FROM message_deliveries GROUP BY tenant_id, recipient_id
                UNION ALL
                SELECT tenant_id, sender_id, 0, 0, count(*) FROM messages GROUP BY tenant_id, sender_id) c
            GROUP BY tenant_id, user_id""",
    ]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        with conn.transaction():
            for statement in statements:
                conn.execute(statement)
        for table in ("messages", "message_deliveries", "mailbox_counts", "directory_users", "enrollments",
                      "course_instructors"):
            conn.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


def explain(app_url: str) -> str:
    """The list statement of page 1 (both folders), as the service builds it, explained on the app's role."""
    from sqlalchemy.dialects import postgresql

    from lms.messaging.service import list_statement

    compiled = list_statement(None, None, False, False).compile(dialect=postgresql.dialect())
    params = {**compiled.params, "tenant": seed.TENANT, "user": READER, "limit": 10, "offset": 0, "upto": 10}
    sql = str(compiled) % {k: psycopg.sql.Literal(v).as_string(None) for k, v in params.items()}
    with psycopg.connect(app_url, autocommit=True) as conn:
        conn.execute("SELECT set_config('app.tenant_id', %s, false)", (seed.TENANT,))
        conn.execute(sql)  # warm
        return "\n".join(row[0] for row in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql))


def post_json(url: str, token: str, body: dict) -> tuple[int, float, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        payload = json.loads(response.read())
        return response.status, (time.perf_counter() - started) * 1000, payload


def _fanned_out(conn, message_id: int, recipients: int, limit: float = 300) -> float:
    """Seconds until the fan-out consumer has written the announcement's `message.received` events."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        done = conn.execute("SELECT count(*) FROM outbox_events WHERE type = 'message.received' "
                            "AND (data->>'id')::int = %s", (message_id,)).fetchone()[0]
        if done >= recipients:
            break
        time.sleep(0.05)
    return time.perf_counter() - started


def announcements(edge: str, token: str, admin_url: str, count: int) -> tuple[list[float], list[float], int]:
    """`count` announcements one after the other, each once the previous one's live events are written (so a
    request does not share the machine with the fan-out of the one before); acceptance ms and fan-out s."""
    url = f"{edge}/api/lms/messaging/messages/"
    body = {"subject": "Exam on Friday", "content": "Chapters 1-3.", "message_type": "announcement", "course": 1}
    times, fan_outs, recipients = [], [], 0
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for n in range(count + 1):
            status, ms, payload = post_json(url, token, body)
            assert status == 201, (status, payload)
            recipients = payload["recipient_count"]
            fanned = _fanned_out(conn, payload["id"], recipients)
            if n:  # the first one warms the worker up
                times.append(ms)
                fan_outs.append(fanned)
    return times, fan_outs, recipients


def explain_delivery(app_url: str) -> str:
    """EXPLAIN ANALYZE of an announcement's delivery INSERT ... SELECT for course 1 (the fan-out consumer's;
    rolled back)."""
    from lms.messaging.fanout import _DELIVER

    sql = _DELIVER.text.replace(":tenant", f"'{seed.TENANT}'").replace(":message_id", "999999999") \
        .replace(":message_type", "'announcement'").replace(":course_id", "1").replace(":yes", "true") \
        .replace(":no", "false").replace(":sender", f"'{TEACHER}'")
    with psycopg.connect(app_url) as conn:
        conn.execute("SELECT set_config('app.tenant_id', %s, false)", (seed.TENANT,))
        lines = [row[0] for row in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)]
        conn.rollback()
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_runner_arguments(parser)
    parser.add_argument("--messages", type=int, default=1_000_000, help="direct messages seeded in the tenant")
    parser.add_argument("--announcements", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (to look at it)")
    args = runner_arguments(parser, argv)
    # SIGTERM ends the run like Ctrl-C: through the `finally` that stops every process it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load_before = load_average()
    ours = Ours.on_database(args, DATABASE)
    admin_url, app_url = ours.admin_url, ours.app_url
    admin_execute(f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') "
                  f"THEN CREATE ROLE {APP_ROLE} LOGIN; END IF; END$$",
                  f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", f"CREATE DATABASE {DATABASE} OWNER {APP_ROLE}")
    service = None
    rows: list[tuple[str, dict]] = []
    try:
        ours.migrate()
        # bench.compare's catalogue without its enrollments (the announcements go to exactly LEARNERS): the
        # course list reads the counters, not the enrollments, so the reference row costs what list_p1 does there.
        seed._run(admin_url, seed.CATALOGUE, [])
        admin_execute("VACUUM ANALYZE", database=DATABASE)  # as bench.seed.seed (unanalysed, list_p1 took 1.4 s)
        took = seed_messages(admin_url, args.messages)
        log(f"seeded {args.messages:,} messages ({args.messages // 100:,} to the reader), {LEARNERS:,} learners in "
            f"course 1, in {took:.1f} s")
        log("EXPLAIN (ANALYZE, BUFFERS) of the list statement, page 1, both folders:\n" + explain(app_url))
        service = ours.server()
        service.start()
        edge = f"http://127.0.0.1:{ours.edge_port}"
        service.wait_http(f"{edge}/api/health/", {}, ready_text="LMS is up")
        from lms.platform.auth import mint_token

        reader = mint_token(JWT_SECRET, user_id=READER, tenant_id=seed.TENANT, roles=["student"], ttl_seconds=7200)
        teacher = mint_token(JWT_SECRET, user_id=TEACHER, tenant_id=seed.TENANT, roles=["instructor"],
                             ttl_seconds=7200)
        ok = True
        inbox = "/api/lms/messaging/messages/"
        for label, path, token in (("reference: GET /api/health/", "/api/health/", reader),
                                   ("reference: course list page 1 (list_p1)", compare.CASES["list_p1"][0],
                                    ours.token),
                                   ("inbox + sent, page 1", f"{inbox}?page=1", reader),
                                   ("inbox, page 1", f"{inbox}?folder=inbox&page=1", reader),
                                   ("unread, page 1", f"{inbox}?unread=true&page=1", reader),
                                   ("sent, page 1", f"{inbox}?folder=sent&page=1", reader)):
            wait_idle(DATABASE)
            result = run_wrk(f"{edge}{path}", "get.lua", token, args)
            rows.append((label, result))
            log(f"{label:42} {result['rps']:8.0f} req/s  p50 {result['p50_ms']:6.2f} ms  "
                f"p99 {result['p99_ms']:6.2f} ms  non-2xx/errors {result['bad']}")
            if not label.startswith("reference"):
                ok &= result["rps"] >= LIST_RPS_BOUND and result["bad"] == 0
        times, fan_outs, recipients = announcements(edge, teacher, admin_url, args.announcements)
        median = statistics.median(times)
        log(f"announcement to {recipients:,} learners: accepted in median {median:.1f} ms, "
            f"p90 {sorted(times)[int(len(times) * 0.9) - 1]:.1f} ms, max {max(times):.1f} ms "
            f"({len(times)} requests); live events written by the consumer median "
            f"{statistics.median(fan_outs):.2f} s after acceptance")
        log("EXPLAIN (ANALYZE, BUFFERS) of the deliveries' INSERT ... SELECT (rolled back):\n"
            + explain_delivery(app_url))
        ok &= median < ANNOUNCE_MS_BOUND
        print()
        print(f"{args.messages:,} messages in the tenant; wrk -t{args.threads} -c{args.connections}, {args.warmup:g} s "
              f"warm-up then {args.duration:g} s; lms serve --workers {args.workers} --edge-concurrency "
              f"{args.edge_concurrency} --no-access-log; load average before / after: {load_before} / "
              f"{load_average()}")
        print("| case | req/s | p50 | p99 | non-2xx/errors |")
        print("|---|---|---|---|---|")
        for label, result in rows:
            print(f"| {label} | {result['rps']:.0f} | {result['p50_ms']:.2f} ms | {result['p99_ms']:.2f} ms | "
                  f"{result['bad']} |")
        log("PASS" if ok else "FAIL (bounds: list >= 1,000 req/s, announcement median < 200 ms)")
        return 0 if ok else 1
    finally:
        if service is not None:
            service.stop()
        shutil.rmtree(ours.data_dir, ignore_errors=True)
        if not args.keep:
            admin_execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
