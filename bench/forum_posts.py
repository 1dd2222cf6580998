"""Forum post list, page 1, with 100,000 posts in the forum, on PostgreSQL through Envoy.

    python -m bench.forum_posts                 # wrk -t2 -c32: 3 s warm-up, then 10 s per case
    python -m bench.forum_posts --quick         # 1 s warm-up, 3 s per case (for development)

It makes its own database (owned by the non-superuser role the service runs as, so row-level security applies),
runs `lms migrate`, seeds `bench.seed`'s catalogue (for the reference row) and, with SQL, a tenant forum of
100,000 posts in the same tenant (20,000 threads with four replies each, 1,000 authors in the directory, a few
pinned, a few waiting for moderation), then serves it exactly as `bench.compare` does (its runner: `lms serve
--workers 1 --edge-concurrency 1 --no-access-log`, the same wrk settings, the database idle between cases).
It first checks that page 1 runs the same number of queries in the big forum as in a forum of 30 posts
(`x-lms-query-count`, a server with LMS_DEBUG_QUERY_COUNT=1), then measures, in one run and one server:
`GET /api/health/` and the course list page 1 (`bench.compare`'s `list_p1`, as its admin) for reference, and
`GET /api/lms/forums/posts/?forum=<id>` page 1 as a student and as an admin (a moderator: waiting posts too).
Target: >= 1,000 req/s for the forum list, no errors. Exits 1 when a bound is missed. Prints the load average
before and after. Needs PostgreSQL and wrk.
"""
from __future__ import annotations

import argparse
import shutil
import signal
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

from bench import compare, seed as catalogue  # noqa: E402
from bench.compare import (  # noqa: E402
    APP_ROLE, add_runner_arguments, admin_execute, load_average, log, Ours, run_wrk, runner_arguments, wait_idle,
)

DATABASE = "lms_bench_forums"
TENANT = catalogue.TENANT  # the catalogue's tenant: the course list reference runs in the same tenant
POSTS, REPLIES_PER_THREAD, AUTHORS = 100_000, 4, 1_000
TARGET_RPS = 1_000.0


def seed(admin_url: str) -> tuple[int, int]:
    """The big forum (id returned first) and a small one of 30 posts; counters as the service keeps them."""
    import psycopg

    threads = POSTS // (1 + REPLIES_PER_THREAD)
    t = TENANT
    with psycopg.connect(admin_url, autocommit=True) as conn:
        def forum(title: str) -> int:
            return conn.execute(
                "INSERT INTO forums (tenant_id, title, description, is_active, course_id, moderation, post_count, "
                "thread_count, last_activity_at, created_by, created_at, updated_at) VALUES (%s, %s, '', true, NULL, "
                "'first_post', 0, 0, NULL, 'bench-admin', now(), now()) RETURNING id", (t, title)).fetchone()[0]

        big, small = forum("Big forum"), forum("Small forum")
        for forum_id, n_threads in ((big, threads), (small, 30 // (1 + REPLIES_PER_THREAD))):
            # Threads, then their replies (depth 1), ids in order; `thread_id` points at the root.
            conn.execute(f"""
                INSERT INTO forum_posts (tenant_id, forum_id, parent_id, thread_id, depth, title, content,
                    content_html, author_id, is_pinned, status, is_deleted, is_edited, reply_count, open_reports,
                    moderation_reason, last_activity_at, created_at, updated_at)
                SELECT '{t}', {forum_id}, NULL, NULL, 0, 'Thread ' || i, 'Question number ' || i || ' about loops',
                    '<p>Question number ' || i || ' about loops</p>', 'author-' || (i % {AUTHORS}), i % 5000 = 0,
                    CASE WHEN i % 2000 = 7 THEN 'pending' ELSE 'published' END, false, false, {REPLIES_PER_THREAD},
                    0, '', timestamptz '2025-01-01' + i * interval '1 minute', timestamptz '2025-01-01' +
                    i * interval '1 minute', timestamptz '2025-01-01' + i * interval '1 minute'
                FROM generate_series(1, {n_threads}) i""")
            conn.execute(f"UPDATE forum_posts SET thread_id = id WHERE forum_id = {forum_id} AND parent_id IS NULL")
            conn.execute(f"""
                INSERT INTO forum_posts (tenant_id, forum_id, parent_id, thread_id, depth, title, content,
                    content_html, author_id, is_pinned, status, is_deleted, is_edited, reply_count, open_reports,
                    moderation_reason, last_activity_at, created_at, updated_at)
                SELECT '{t}', {forum_id}, p.id, p.id, 1, '', 'Reply ' || r || ' to ' || p.title,
                    '<p>Reply ' || r || '</p>', 'author-' || ((p.id + r) % {AUTHORS}), false, 'published', false,
                    false, 0, 0, '', p.created_at + r * interval '1 second', p.created_at + r * interval '1 second',
                    p.created_at + r * interval '1 second'
                FROM forum_posts p, generate_series(1, {REPLIES_PER_THREAD}) r
                WHERE p.forum_id = {forum_id} AND p.parent_id IS NULL AND p.status = 'published'""")
            conn.execute(f"""
                UPDATE forums SET post_count = s.posts, thread_count = s.threads, last_activity_at = s.last
                FROM (SELECT count(*) AS posts, count(*) FILTER (WHERE parent_id IS NULL) AS threads,
                             max(last_activity_at) AS last FROM forum_posts
                      WHERE forum_id = {forum_id} AND status = 'published') s WHERE forums.id = {forum_id}""")
        conn.execute(f"""
            INSERT INTO directory_users (tenant_id, user_id, email, first_name, last_name, avatar_url, phone, roles,
                updated_at)
            SELECT '{t}', 'author-' || u, 'author' || u || '@example.com', 'First' || u, 'Last' || u, '', '',
                'student', now() FROM generate_series(0, {AUTHORS - 1}) u""")
        conn.execute("VACUUM ANALYZE forum_posts")
        conn.execute("VACUUM ANALYZE forums")
        conn.execute("VACUUM ANALYZE directory_users")
        total = conn.execute("SELECT count(*) FROM forum_posts WHERE forum_id = %s", (big,)).fetchone()[0]
    log(f"seeded {total:,} posts in forum {big} (and a small forum {small})")
    return big, small


def query_count(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        return int(response.headers["x-lms-query-count"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_runner_arguments(parser)
    args = runner_arguments(parser, argv)
    # SIGTERM ends the run like Ctrl-C: through the `finally` blocks that stop every process it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load_before = load_average()
    ours = Ours.on_database(args, DATABASE)
    from lms.platform.auth import mint_token

    student = mint_token(compare.JWT_SECRET, user_id="bench-student", tenant_id=TENANT, roles=["student"],
                         ttl_seconds=3600, first_name="Bench", last_name="Student")
    ok = True
    rows: list[tuple[str, dict]] = []
    try:
        admin_execute(f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') "
                      f"THEN CREATE ROLE {APP_ROLE} LOGIN; END IF; END$$",
                      f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)",
                      f"CREATE DATABASE {DATABASE} OWNER {APP_ROLE}")
        ours.migrate()
        log(f"catalogue seeded in {catalogue.seed(ours.admin_url, 200_000):.1f} s")
        big, small = seed(ours.admin_url)
        edge = f"http://127.0.0.1:{ours.edge_port}"
        base = f"{edge}/api/lms/forums/posts/?forum="

        # 1. Queries per request, big forum vs small (a server with the query counter on).
        ours.env["LMS_DEBUG_QUERY_COUNT"] = "1"
        server = ours.server()
        server.start()
        try:
            server.wait_http(f"{edge}/api/health/", {}, ready_text="LMS is up")
            query_count(f"{base}{big}", student)  # the caller's first request records them in the directory
            counts = {"100,000 posts": query_count(f"{base}{big}", student),
                      "30 posts": query_count(f"{base}{small}", student)}
        finally:
            server.stop()
        log(f"queries per request: {counts}")
        ok &= len(set(counts.values())) == 1

        # 2. Throughput (counter off, as in production), references first, in the same server.
        ours.env.pop("LMS_DEBUG_QUERY_COUNT")
        server = ours.server()
        server.start()
        try:
            server.wait_http(f"{edge}/api/health/", {}, ready_text="LMS is up")
            cases = [("reference: GET /api/health/", f"{edge}/api/health/", student),
                     ("reference: course list page 1 (list_p1)", edge + compare.CASES["list_p1"][0], ours.token),
                     ("forum posts page 1, student", f"{base}{big}", student),
                     ("forum posts page 1, admin (moderator)", f"{base}{big}", ours.token)]
            for label, url, token in cases:
                wait_idle(DATABASE)
                result = run_wrk(url, "get.lua", token, args)
                rows.append((label, result))
                log(f"{label:<42} {result['rps']:8.0f} req/s  p50 {result['p50_ms']:6.2f} ms  "
                    f"p99 {result['p99_ms']:6.2f} ms  bad {result['bad']}")
                if label.startswith("forum"):
                    ok &= result["rps"] >= TARGET_RPS and result["bad"] == 0
        finally:
            server.stop()
    finally:
        shutil.rmtree(ours.data_dir, ignore_errors=True)
        try:
            admin_execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        except Exception as error:  # noqa: BLE001 - cleanup is best effort
            log(f"could not drop {DATABASE}: {error}")
    print()
    print(f"wrk -t{args.threads} -c{args.connections}, {args.warmup:g} s warm-up then {args.duration:g} s; "
          f"lms serve --workers {args.workers} --edge-concurrency {args.edge_concurrency} --no-access-log; "
          f"load average before / after: {load_before} / {load_average()}")
    print("| case | req/s | p50 | p99 | non-2xx/errors |")
    print("|---|---|---|---|---|")
    for label, result in rows:
        print(f"| {label} | {result['rps']:.0f} | {result['p50_ms']:.2f} ms | {result['p99_ms']:.2f} ms | "
              f"{result['bad']} |")
    print(f"queries per request: {counts}")
    print("PASS" if ok else f"FAIL (bound: forum list >= {TARGET_RPS:,.0f} req/s, no errors, constant queries)")
    return 0 if ok else 1


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    log(f"done in {time.perf_counter() - started:.0f} s")
    sys.exit(code)
