"""Seeds the benchmark's data shape into a migrated LMS database on PostgreSQL, server-side.

The same shape as the DRF peer's `manage.py seed` (../shared/peers/drf/lms/management/commands/seed.py):
10 categories and 1,000 Published courses in tenant `tenant1`; per course 5 modules x 5 lessons,
3 resources, 3 FAQs, 2 instructors (course_instructors rows plus their directory_users profiles) and
its certificate settings; 200,000 enrollments spread pseudo-randomly over the courses (setseed). Every
statement is INSERT ... SELECT over generate_series, so seeding takes seconds, and the counters the
service maintains (`course_counters.total_enrollments`, `courses.faq_count`; the triggers keep
`course_totals`) are set from the rows inserted.

It runs as the PostgreSQL superuser (row-level security does not apply to it); the service then
connects as the database's non-superuser owner, so the policies hold for every request.
"""
from __future__ import annotations

import time

import psycopg

TENANT = "tenant1"
COURSES = 1000
INSTRUCTORS = 50  # distinct instructor users, two per course (as the peer)

CATALOGUE = [
    "TRUNCATE outbox_events, lesson_completions, certificates, learning_path_courses, learning_paths, "
    "enrollments, faqs, resources, lessons, modules, certificate_settings, course_instructors, courses, "
    "categories, directory_users, course_counters, course_totals RESTART IDENTITY CASCADE",
    f"""INSERT INTO categories (tenant_id, name, slug, description, created_at)
        SELECT '{TENANT}', 'Category ' || i, 'category-' || i, '', timestamptz '2024-01-01 00:00:00+00'
        FROM generate_series(1, 10) i""",
    f"""INSERT INTO courses (tenant_id, title, description, short_description, slug, code, level, status,
            is_free, price, currency, thumbnail, category_id, learning_outcomes, prerequisites,
            faq_count, created_at, updated_at)
        SELECT '{TENANT}', 'Course ' || i,
               'Description of course ' || i || '. Learn the fundamentals and practise with real examples.',
               'Short description ' || i, 'course-' || i, 'C' || lpad(i::text, 5, '0'),
               (ARRAY['Beginner','Intermediate','Advanced'])[(i % 3) + 1], 'Published', (i % 5 = 0),
               CASE WHEN i % 5 = 0 THEN 0 ELSE 19.99 + (i % 7) * 10 END, 'USD',
               'courses/{TENANT}/course-' || i || '/thumbnails/thumb.jpg',
               (i % 10) + 1,
               '["Outcome one", "Outcome two", "Outcome three"]'::jsonb, '["Basic computer literacy"]'::jsonb, 0,
               timestamptz '2024-01-01 00:00:00+00' + i * interval '1 hour',
               timestamptz '2024-02-01 00:00:00+00' + i * interval '1 hour'
        FROM generate_series(1, {COURSES}) i""",
    f"""INSERT INTO certificate_settings (tenant_id, course_id, is_active, template, custom_text, show_date,
            show_course_name, show_completion_hours, min_score, require_all_modules)
        SELECT '{TENANT}', c, true, 'default', '', true, true, true, 0, true FROM generate_series(1, {COURSES}) c""",
    f"""INSERT INTO directory_users (tenant_id, user_id, email, first_name, last_name, avatar_url, phone, roles,
            updated_at)
        SELECT '{TENANT}', 'instructor' || u, 'instructor' || u || '@example.com', 'First' || u, 'Last' || u,
               'https://storage.example.com/avatars/i' || u || '.jpg', '+1234567890', 'instructor',
               timestamptz '2024-01-01 00:00:00+00'
        FROM generate_series(0, {INSTRUCTORS - 1}) u""",
    f"""INSERT INTO course_instructors (tenant_id, course_id, user_id, created_at)
        SELECT '{TENANT}', c, 'instructor' || ((c * 2 + k) % {INSTRUCTORS}), timestamptz '2024-01-01 00:00:00+00'
        FROM generate_series(1, {COURSES}) c, generate_series(1, 2) k ORDER BY c, k""",
    f"""INSERT INTO modules (tenant_id, course_id, title, description, "order", is_published, created_at, updated_at)
        SELECT '{TENANT}', c, 'Module ' || m || ' of course ' || c, 'Module description ' || m, m, true,
               timestamptz '2024-01-01 00:00:00+00', timestamptz '2024-01-01 00:00:00+00'
        FROM generate_series(1, {COURSES}) c, generate_series(1, 5) m ORDER BY c, m""",
    f"""INSERT INTO lessons (tenant_id, module_id, title, description, lesson_type, duration, content_url,
            content_file, content_text, "order", is_published, created_at, updated_at)
        SELECT '{TENANT}', md.id, 'Lesson ' || l || ' of module ' || md.id, 'Lesson description',
               (ARRAY['text','video','quiz'])[(l % 3) + 1], 5 + l * 3, '', '', 'Lesson body text ' || l, l, true,
               timestamptz '2024-01-01 00:00:00+00', timestamptz '2024-01-01 00:00:00+00'
        FROM modules md, generate_series(1, 5) l ORDER BY md.id, l""",
    f"""INSERT INTO resources (tenant_id, course_id, title, resource_type, url, file, "order", created_at,
            updated_at)
        SELECT '{TENANT}', c, 'Resource ' || r, 'file', '',
               'courses/{TENANT}/course-' || c || '/resources/r' || r || '.pdf', r,
               timestamptz '2024-01-01 00:00:00+00', timestamptz '2024-01-01 00:00:00+00'
        FROM generate_series(1, {COURSES}) c, generate_series(1, 3) r ORDER BY c, r""",
    f"""INSERT INTO faqs (tenant_id, course_id, question, answer, "order", created_at, updated_at)
        SELECT '{TENANT}', c, 'Question ' || q || '?', 'Answer ' || q, q,
               timestamptz '2024-01-01 00:00:00+00', timestamptz '2024-01-01 00:00:00+00'
        FROM generate_series(1, {COURSES}) c, generate_series(1, 3) q ORDER BY c, q""",
    "UPDATE courses SET faq_count = f.n FROM (SELECT course_id, count(*) AS n FROM faqs GROUP BY course_id) f "
    "WHERE f.course_id = courses.id",
]


def enrollment_statements(count: int) -> list[str]:
    """Replaces every enrollment by `count` seeded ones and sets the counters from them."""
    return [
        "TRUNCATE outbox_events, lesson_completions, certificates, enrollments RESTART IDENTITY CASCADE",
        "SELECT setseed(0.42)",
        f"""INSERT INTO enrollments (tenant_id, course_id, user_id, enrolled_at, started_at, completed_at, is_active)
            SELECT '{TENANT}', 1 + floor(random() * {COURSES})::int, 'seed-user-' || i,
                   timestamptz '2024-03-01 00:00:00+00' + (i % 100000) * interval '1 minute', NULL,
                   CASE WHEN i % 4 = 0 THEN timestamptz '2024-06-01 00:00:00+00' END, true
            FROM generate_series(1, {count}) i""",
        "UPDATE course_counters SET total_enrollments = 0",
        "UPDATE course_counters SET total_enrollments = e.n FROM (SELECT course_id, count(*) AS n FROM enrollments "
        "WHERE is_active GROUP BY course_id) e WHERE e.course_id = course_counters.course_id",
    ]


def _run(admin_url: str, statements: list[str], vacuum: list[str]) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        with conn.transaction():
            for statement in statements:
                conn.execute(statement)
        for table in vacuum:
            conn.execute(f"VACUUM ANALYZE {table}")


def seed(admin_url: str, enrollments: int) -> float:
    """The whole data set (after `lms migrate`); returns the seconds it took."""
    started = time.perf_counter()
    _run(admin_url, CATALOGUE + enrollment_statements(enrollments)[1:], [])
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def reseed_enrollments(admin_url: str, enrollments: int) -> float:
    """Only the enrollments (and the counters), for the scaling check."""
    started = time.perf_counter()
    _run(admin_url, enrollment_statements(enrollments),
         ["enrollments", "course_counters", "course_totals", "outbox_events", "lesson_completions", "certificates"])
    return time.perf_counter() - started


def remove_benchmark_enrollments(admin_url: str, prefixes: tuple[str, ...] = ("wrk-",)) -> int:
    """Deletes the enrollments a load run created (user ids starting with one of `prefixes`) and their
    events, and puts the counters back, so every run starts from the seeded rows."""
    users = " OR ".join("user_id LIKE %s" for _ in prefixes)
    patterns = [prefix + "%" for prefix in prefixes]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        with conn.transaction():
            removed = conn.execute(
                f"WITH gone AS (DELETE FROM enrollments WHERE {users} RETURNING course_id) "
                "SELECT course_id, count(*) FROM gone GROUP BY course_id", patterns).fetchall()
            for course_id, n in removed:
                conn.execute("UPDATE course_counters SET total_enrollments = total_enrollments - %s "
                             "WHERE course_id = %s", (n, course_id))
            events = " OR ".join("(data->>'user_id') LIKE %s" for _ in prefixes)
            conn.execute(f"DELETE FROM outbox_events WHERE {events}", patterns)
        for table in ("enrollments", "course_counters", "course_totals", "outbox_events"):
            conn.execute(f"VACUUM ANALYZE {table}")
    return sum(n for _, n in removed)


def counters_consistent(admin_url: str) -> bool:
    """Every course's counters equal the rows they count, and the tenant totals equal the courses'."""
    with psycopg.connect(admin_url) as conn:
        bad = conn.execute(
            "SELECT count(*) FROM courses c JOIN course_counters n ON n.course_id = c.id WHERE n.total_enrollments <> "
            "(SELECT count(*) FROM enrollments e WHERE e.course_id = c.id AND e.is_active) "
            "OR faq_count <> (SELECT count(*) FROM faqs f WHERE f.course_id = c.id)").fetchone()[0]
        bad += conn.execute("SELECT count(*) FROM courses c WHERE NOT EXISTS "
                            "(SELECT FROM course_counters n WHERE n.course_id = c.id)").fetchone()[0]
        totals = conn.execute(
            "SELECT (SELECT (sum(courses)::bigint, sum(published)::bigint, sum(enrollments)::bigint) "
            "        FROM course_totals "
            "        WHERE tenant_id = %(t)s) = "
            "       (SELECT (count(*), count(*) FILTER (WHERE status = 'Published'), sum(total_enrollments)::bigint) "
            "        FROM courses JOIN course_counters ON course_id = id WHERE courses.tenant_id = %(t)s)",
            {"t": TENANT}).fetchone()[0]
    return bad == 0 and bool(totals)
