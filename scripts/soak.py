"""Soak: a mixed workload of every domain through Envoy, with WebSocket clients connected, for N minutes.

    .venv/bin/python scripts/soak.py --minutes 30 [--backend postgresql] [--record] [--tracemalloc]

Starts its own stack (`lms serve` on free ports, like the tests), seeds one tenant (admin, instructor,
students, a published course with a lesson, an assignment, a badge, a paid course, a coupon), then runs
`--clients` HTTP clients doing a weighted mix of reads and writes across the domains while `--ws-clients`
WebSocket clients sit in the course room. The data the reads return stays the size a real tenant's is: the
objects that show up in bare-array lists or in the course detail (categories, the course's modules and FAQs) and
the tenant's courses, groups and sessions are a working set of at most `WORKING_SET` each, the oldest deleted
through the API as new ones are made (`--growing` keeps them all instead, as the first version did: 30 minutes
made 5,800 categories and 4,300 modules of one course, which the unpaginated category list and the staff's
course detail return whole, so the workers' memory grew with the data). Paginated lists are read a page at a
time, like a client. At the end it checks, and exits non-zero unless all hold:

- zero 5xx (and no transport errors) in the whole run;
- no acknowledged write lost: every object the API answered 201 for is in the database, unless the API later
  answered 204 to its DELETE, and then it is not;
- worker and WebSocket server RSS flat: after the warm-up (the first fifth of the run), the median of the last
  three samples is within 10 % of the median of the first three (`--rss-tolerance`); the RSS of every process
  is printed every 30 s (and kept in `rss_timeline`), so one sees whether it levels off;
- outbox lag bounded: a chat message posted over JSON reaches every WebSocket client in the room within
  `--max-lag` seconds (p100), and the outbox's unsequenced backlog ends at zero.

The figures are printed as one JSON object; `--record` appends them to bench/RESULTS.md. The test suite runs
the same `soak()` for 2 minutes against its shared stack (tests/proof/test_soak.py).

`--tracemalloc` is for finding what grows: at the end of the warm-up the gRPC workers start `tracemalloc` (a
`sitecustomize` put on their PYTHONPATH, so the service carries no debug code; SIGUSR2), and at the end they
dump what was allocated since and is still alive; the largest sites are printed (`tracemalloc_growth`). Tracing
slows the workers and adds to their RSS, so the RSS check is not meaningful in such a run.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import concurrent.futures
import dataclasses
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

from tests.conftest import Tenant  # noqa: E402
from tests.helpers import assign_instructor, enroll, make_category, make_course, make_lesson, make_module  # noqa: E402
from tests.stack import Stack, make_stack  # noqa: E402

WARM_UP_SHARE = 0.2
WORKING_SET = 40  # objects of each bounded kind alive at once (a course's modules, a tenant's categories, ...)
PRINT_RSS_EVERY = 30.0  # seconds

# In the gRPC workers only: the first SIGUSR2 starts tracing (tracing the start-up and the migrations makes them
# minutes long), each one dumps a snapshot; so the last snapshot holds what was allocated since the first and
# is still alive.
TRACEMALLOC_SITECUSTOMIZE = """
import os
import sys
if os.environ.get("SOAK_TRACEMALLOC_DIR") and "lms.app.server" in getattr(sys, "orig_argv", ()):
    import signal
    import tracemalloc

    _taken = [0]

    def _dump(signum, frame):
        if not tracemalloc.is_tracing():
            tracemalloc.start(int(os.environ.get("SOAK_TRACEMALLOC_FRAMES", "8")))
        _taken[0] += 1
        snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
        path = os.path.join(os.environ["SOAK_TRACEMALLOC_DIR"], f"{os.getpid()}-{_taken[0]}.snap")
        snapshot.dump(path + ".part")
        os.rename(path + ".part", path)

    signal.signal(signal.SIGUSR2, _dump)
"""


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def service_processes(stack: Stack) -> dict[str, int]:
    """{"grpc:<port>" | "ws:<port>": pid} of the stack's worker and WebSocket server processes."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid != stack.process.pid:
                continue
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        text = [a.decode(errors="replace") for a in argv]
        port = text[text.index("--port") + 1] if "--port" in text else "?"
        if "lms.app.server" in text:
            found[f"grpc:{port}"] = int(entry.name)
        elif any("realtime" in a for a in text):
            found[f"ws:{port}"] = int(entry.name)
    return found


@dataclasses.dataclass
class Figures:
    requests: int = 0
    by_status: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    server_errors: list = dataclasses.field(default_factory=list)
    acknowledged: dict = dataclasses.field(default_factory=lambda: collections.defaultdict(set))
    deleted: dict = dataclasses.field(default_factory=lambda: collections.defaultdict(set))
    lags: list = dataclasses.field(default_factory=list)
    rss: dict = dataclasses.field(default_factory=lambda: collections.defaultdict(list))
    backlog: list = dataclasses.field(default_factory=list)
    ws_events: int = 0
    ws_clients: int = 0
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def record(self, response, table: str | None = None) -> dict | None:
        with self.lock:
            self.requests += 1
            self.by_status[response.status_code] += 1
            if response.status_code >= 500:
                self.server_errors.append(f"{response.request.method} {response.request.url.path} "
                                          f"{response.status_code} {response.text[:200]}")
        if table and response.status_code == 201:
            body = response.json()
            with self.lock:
                self.acknowledged[table].add(body["id"])
            return body
        return None

    def record_delete(self, response, table: str, object_id: int) -> None:
        """A DELETE of an acknowledged object: once answered 204, the object must be gone at the end."""
        self.record(response)
        if response.status_code == 204:
            with self.lock:
                self.acknowledged[table].discard(object_id)
                self.deleted[table].add(object_id)


class WorkingSet:
    """The objects of one kind the workload made, at most `cap` alive: `add` returns the ones to delete."""

    def __init__(self, cap: int | None):
        self.cap = cap
        self.alive: collections.deque = collections.deque()
        self.lock = threading.Lock()

    def add(self, item) -> list:
        if self.cap is None:
            return []
        with self.lock:
            self.alive.append(item)
            return [self.alive.popleft() for _ in range(len(self.alive) - self.cap)]


class World:
    """The soak's tenant and the objects its workload acts on."""

    def __init__(self, stack: Stack, students: int):
        self.tenant = Tenant(stack)
        self.tenant.id = f"soak-{uuid.uuid4().hex[:8]}"
        self.admin = self.tenant.admin(first_name="Soak")
        self.instructor = self.tenant.instructor()
        self.category = make_category(self.admin)
        self.course = make_course(self.admin, category_id=self.category["id"], title="Soak course")
        assign_instructor(self.admin, self.instructor, self.course["id"])
        module = make_module(self.admin, self.course["id"])
        self.lessons = [make_lesson(self.admin, self.course["id"], module["id"])["id"] for _ in range(3)]
        self.students = [self.tenant.student(first_name=f"S{i}") for i in range(students)]
        for student in self.students:
            enroll(student, self.course["id"])
        self.assignment = self.admin.post("/api/lms/assignments/", {
            "title": "Soak exercise", "description": "d", "course": self.course["id"]}).json()
        self.badge = self.admin.post("/api/lms/badges/", {"name": "Soak badge", "description": "d",
                                                          "criteria_type": "manual"}).json()
        self.paid = make_course(self.admin, category_id=self.category["id"], title="Soak paid", is_free=False,
                                price="10.00", currency="USD")
        self.room = f"course_{self.course['id']}"


def operations(world: World, figures: Figures, working_set: int | None = WORKING_SET):
    """(weight, name, function(rng)) of the mixed workload: reads and writes of every domain. The kinds below
    keep at most `working_set` objects alive (None: all of them)."""
    course_id = world.course["id"]
    kept = collections.defaultdict(lambda: WorkingSet(working_set))

    def student(rng):
        return rng.choice(world.students)

    def created(table: str, response, actor, path: str) -> None:
        """Records a create; deletes (as `actor`, at `path` + id) what falls out of the table's working set."""
        body = figures.record(response, table)
        if body is not None:
            for old in kept[table].add(body["id"]):
                figures.record_delete(actor.delete(f"{path}{old}/"), table, old)

    def op_category(rng):
        created("categories", world.admin.post("/api/lms/categories/", {"name": f"Cat {uuid.uuid4().hex[:10]}"}),
                world.admin, "/api/lms/categories/")

    def op_course(rng):
        created("courses", world.admin.post("/api/lms/courses/", {
            "title": f"Course {uuid.uuid4().hex[:8]}", "description": "d", "category_id": world.category["id"],
            "status": "Published"}), world.admin, "/api/lms/courses/")

    def op_module(rng):
        created("modules", world.instructor.post(f"/api/lms/courses/{course_id}/modules/", {
            "title": f"M {uuid.uuid4().hex[:6]}", "description": "", "is_published": False}),
            world.instructor, f"/api/lms/courses/{course_id}/modules/")

    def op_faq(rng):
        created("faqs", world.admin.post(f"/api/lms/courses/{course_id}/faqs/", {
            "question": f"Q {uuid.uuid4().hex[:6]}?", "answer": "A"}),
            world.admin, f"/api/lms/courses/{course_id}/faqs/")

    def op_complete(rng):
        figures.record(student(rng).post("/api/lms/enrollments/lesson-completion/",
                                         {"lesson": rng.choice(world.lessons)}))

    def op_submit(rng):
        figures.record(student(rng).post("/api/lms/assignment-submissions/", {
            "assignment": world.assignment["id"], "response_text": "answer"}), "assignment_submissions")

    def op_group(rng):
        # Deleted by an admin (the owner is whichever student made it).
        created("groups", student(rng).post("/api/lms/groups/groups/", {
            "name": f"G {uuid.uuid4().hex[:8]}", "description": "d", "is_private": False, "max_members": 5}),
            world.admin, "/api/lms/groups/groups/")

    def op_schedule(rng):
        created("schedules", world.admin.post("/api/lms/schedule/schedules/", {
            "title": "S", "description": "d", "scheduled_date": "2031-01-01T10:00:00Z", "duration": 30,
            "location": "Virtual", "max_attendees": 10}), world.admin, "/api/lms/schedule/schedules/")

    def op_chat(rng):
        figures.record(student(rng).post(f"/api/lms/chat/rooms/{world.room}/messages/", {"message": "hi"}),
                       "chat_messages")

    def op_award(rng):
        figures.record(world.admin.post("/api/lms/user-badges/", {
            "badge": world.badge["id"], "user_id": student(rng).user_id, "reason": "soak"}))

    def op_cart(rng):
        actor = student(rng)
        added = actor.post("/api/lms/carts/cart/", {"course": world.paid["id"]})
        figures.record(added)
        if added.status_code == 201:
            item = added.json()["items"][0]["id"]
            figures.record(actor.delete(f"/api/lms/carts/cart/{item}/"))

    def op_ai_session(rng):
        figures.record(student(rng).post("/api/lms/ai_chat/chat-sessions/", {"title": "soak"}), "ai_chat_sessions")

    def op_impression(rng):
        figures.record(student(rng).post("/api/lms/adverts/api/adverts/impressions", {"adverts": []}))

    reads = [
        "/api/lms/courses/", f"/api/lms/courses/{course_id}/", f"/api/lms/courses/{course_id}/modules/",
        "/api/lms/categories/", "/api/lms/enrollments/my-courses/", "/api/lms/enrollments/for/user/",
        "/api/lms/user-points/leaderboard/", "/api/lms/groups/groups/", "/api/lms/schedule/schedules/upcoming/",
        "/api/lms/certificates/", "/api/lms/badges/", "/api/lms/learning-paths/", "/api/lms/carts/cart/",
        "/api/lms/assignments/", f"/api/lms/chat/rooms/{world.room}/messages/", "/api/lms/users/me/",
        "/api/lms/adverts/api/adverts", "/api/lms/payments/orders/", "/api/lms/ai_chat/chat-sessions/",
    ]

    paginated = {"/api/lms/courses/", "/api/lms/groups/groups/", "/api/lms/schedule/schedules/upcoming/",
                 f"/api/lms/chat/rooms/{world.room}/messages/", "/api/lms/payments/orders/",
                 "/api/lms/ai_chat/chat-sessions/"}

    def op_read(rng):
        actor = rng.choice([world.admin, world.instructor, student(rng)])
        path = rng.choice(reads)
        # A client reads the first page mostly, sometimes the next ones.
        params = {"page": rng.choice((1, 1, 1, 2, 3)), "page_size": 20} if path in paginated else None
        response = actor.get(path, params=params)
        figures.record(response)
        if response.status_code == 404 and params and params["page"] > 1:  # a page past the end: back to the first
            figures.record(actor.get(path, params={"page_size": 20}))

    return [(30, "read", op_read), (4, "category", op_category), (2, "course", op_course), (3, "module", op_module),
            (3, "faq", op_faq), (5, "complete", op_complete), (5, "submit", op_submit), (3, "group", op_group),
            (2, "schedule", op_schedule), (6, "chat", op_chat), (2, "award", op_award), (3, "cart", op_cart),
            (2, "ai_session", op_ai_session), (2, "impression", op_impression)]


async def websocket_clients(stack: Stack, world: World, figures: Figures, stop: threading.Event,
                            count: int) -> None:
    """`count` students in the course room; a probe posts a marked chat message every 2 s and times how long it
    takes to reach every client (the outbox lag as users see it)."""
    from tests.realtime.client import open_client, ws_url

    clients = [await open_client(ws_url(stack.ws_url, world.students[i % len(world.students)].token,
                                        rooms=world.room)) for i in range(count)]
    figures.ws_clients = len(clients)
    seen: dict[str, list[float]] = collections.defaultdict(list)

    async def reader(client):
        while not stop.is_set():
            try:
                frame = await client.recv(timeout=1)
            except (asyncio.TimeoutError, TimeoutError):
                continue
            figures.ws_events += 1
            text = ((frame.get("data") or {}).get("message") or "") if frame.get("type") == "chat.message" else ""
            if text.startswith("probe-"):
                seen[text].append(time.monotonic())

    readers = [asyncio.create_task(reader(c)) for c in clients]
    prober = world.students[0]
    while not stop.is_set():
        marker = f"probe-{uuid.uuid4().hex[:8]}"
        sent = time.monotonic()
        response = await asyncio.to_thread(prober.post, f"/api/lms/chat/rooms/{world.room}/messages/",
                                           {"message": marker})
        figures.record(response, "chat_messages")
        deadline = sent + 30
        while len(seen[marker]) < len(clients) and time.monotonic() < deadline and not stop.is_set():
            await asyncio.sleep(0.02)
        if len(seen[marker]) == len(clients):
            figures.lags.append(max(seen[marker]) - sent)
        elif not stop.is_set():
            figures.lags.append(float("inf"))
        await asyncio.sleep(2)
    for task in readers:
        task.cancel()
    await asyncio.gather(*(client.close() for client in clients))  # (one by one: 0.2 s each)


def _present(stack: Stack, world: World, table: str, ids: set) -> set:
    present = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        marks = ",".join(str(int(i)) for i in ordered[start:start + 500])
        present |= {r[0] for r in stack.sql(f"SELECT id FROM {table} WHERE tenant_id = :t AND id IN ({marks})",
                                            t=world.tenant.id)}
    return present


def lost_writes(stack: Stack, world: World, figures: Figures) -> dict[str, int]:
    """{table: count} of acknowledged creates missing from the database, and (`<table> deleted`) of
    acknowledged deletes whose object is still there."""
    lost = {}
    for table, ids in figures.acknowledged.items():
        missing = ids - _present(stack, world, table, ids)
        if missing:
            lost[table] = len(missing)
    for table, ids in figures.deleted.items():
        still = _present(stack, world, table, ids)
        if still:
            lost[f"{table} deleted"] = len(still)
    return lost


def _median(values: list[int]) -> int:
    return sorted(values)[len(values) // 2]


def rss_growth(samples: list[tuple[float, int]], warm: float) -> dict | None:
    """RSS after the warm-up: the median of the first three samples against the median of the last three (one
    sample taken while a large answer was being built says little)."""
    after = [kib for at, kib in samples if at >= warm and kib > 0]
    if len(after) < 2:
        return None
    window = min(3, len(after) // 2)
    first, last = _median(after[:window]), _median(after[-window:])
    return {"first_kib": first, "last_kib": last, "max_kib": max(after), "growth": round(last / first - 1, 4)}


def tracemalloc_environment(directory: Path) -> dict[str, str]:
    """The environment that makes the service's Python processes trace allocations (see the docstring)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sitecustomize.py").write_text(TRACEMALLOC_SITECUSTOMIZE)
    return {"SOAK_TRACEMALLOC_DIR": str(directory), "PYTHONPATH": f"{directory}{os.pathsep}{ROOT / 'server'}"}


def take_snapshots(processes: dict[str, int], directory: Path, timeout: float = 120) -> dict[str, Path]:
    """Asks each gRPC worker for a tracemalloc snapshot; {name: snapshot file}."""
    import signal

    before = {p.name for p in directory.glob("*.snap")}
    wanted = {name: pid for name, pid in processes.items() if name.startswith("grpc:")}
    for pid in wanted.values():
        os.kill(pid, signal.SIGUSR2)
    found: dict[str, Path] = {}
    deadline = time.monotonic() + timeout
    while len(found) < len(wanted) and time.monotonic() < deadline:
        for name, pid in wanted.items():
            new = sorted(p for p in directory.glob(f"{pid}-*.snap") if p.name not in before)
            if new:
                found[name] = new[-1]
        time.sleep(0.5)
    return found


def snapshot_growth(first: Path, last: Path, top: int = 15) -> list[str]:
    """The allocation sites that grew most between two snapshots (by line, then the largest by traceback)."""
    import tracemalloc

    old, new = tracemalloc.Snapshot.load(str(first)), tracemalloc.Snapshot.load(str(last))
    lines = [f"total traced: {sum(s.size for s in old.statistics('filename')) / 2**20:.1f} -> "
             f"{sum(s.size for s in new.statistics('filename')) / 2**20:.1f} MiB"]
    lines += [str(stat) for stat in new.compare_to(old, "lineno")[:top]]
    for stat in new.compare_to(old, "traceback")[:3]:
        lines.append(f"{stat.size_diff / 1024:+.1f} KiB in {stat.count_diff:+d} blocks, allocated at:")
        lines += [f"    {frame}" for frame in stat.traceback.format()[-12:]]
    return lines


def soak(stack: Stack, seconds: float, clients: int = 6, ws_clients: int = 20, students: int = 12,
         rss_tolerance: float = 0.10, max_lag: float = 5.0, sample_every: float = 2.0,
         warm_up_share: float = WARM_UP_SHARE, working_set: int | None = WORKING_SET,
         progress: bool = False, tracemalloc_dir: Path | None = None) -> dict:
    """Runs the workload against a running stack; returns the figures and `ok`."""
    world = World(stack, students)
    figures = Figures()
    ops = operations(world, figures, working_set)
    weights = [w for w, _, _ in ops]
    stop = threading.Event()
    processes = service_processes(stack)
    started = time.monotonic()
    warm = started + seconds * warm_up_share
    timeline: dict[str, list] = collections.defaultdict(list)
    snapshots: dict[str, list[Path]] = collections.defaultdict(list)

    def client_loop(seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            _, _, op = rng.choices(ops, weights)[0]
            try:
                op(rng)
            except Exception as exc:  # noqa: BLE001 - a transport error is a failure of the run, not of the script
                with figures.lock:
                    figures.server_errors.append(f"client error {type(exc).__name__}: {exc}")

    def sampler() -> None:
        next_print = started
        while not stop.is_set():
            now = time.monotonic()
            for name, pid in processes.items():
                try:
                    figures.rss[name].append((now, rss_kib(pid)))
                except OSError:
                    figures.rss[name].append((now, -1))
            figures.backlog.append(stack.sql("SELECT count(*) FROM outbox_events WHERE id IS NULL")[0][0])
            if now >= next_print:
                next_print += PRINT_RSS_EVERY
                at = round(now - started)
                for name, samples in figures.rss.items():
                    timeline[name].append((at, round(samples[-1][1] / 1024, 1)))
                if progress:
                    print(f"[{at:5d} s] requests {figures.requests}, RSS MiB: "
                          + ", ".join(f"{n} {s[-1][1] / 1024:.1f}" for n, s in sorted(figures.rss.items())),
                          file=sys.stderr, flush=True)
            if tracemalloc_dir is not None and not snapshots and now >= warm:
                for name, path in take_snapshots(processes, tracemalloc_dir).items():
                    snapshots[name].append(path)
            stop.wait(sample_every)

    ws_thread = threading.Thread(target=lambda: asyncio.run(websocket_clients(stack, world, figures, stop,
                                                                              ws_clients)), daemon=True)
    ws_thread.start()
    with concurrent.futures.ThreadPoolExecutor(clients + 1) as pool:
        pool.submit(sampler)
        for n in range(clients):
            pool.submit(client_loop, n)
        time.sleep(seconds)
        if tracemalloc_dir is not None:  # the last snapshot under load
            for name, path in take_snapshots(processes, tracemalloc_dir).items():
                snapshots[name].append(path)
        stop.set()
    ws_thread.join(timeout=30)
    elapsed = time.monotonic() - started
    time.sleep(1.0)  # the last events reach the sequencer
    rss = {name: growth for name, samples in figures.rss.items()
           if (growth := rss_growth(samples, warm)) is not None}
    finite = sorted(x for x in figures.lags if x != float("inf"))
    lost = lost_writes(stack, world, figures)
    backlog_end = stack.sql("SELECT count(*) FROM outbox_events WHERE id IS NULL")[0][0]
    result = {
        "backend": stack.backend, "seconds": round(elapsed, 1), "requests": figures.requests,
        "requests_per_s": round(figures.requests / elapsed, 1),
        "statuses": dict(sorted(figures.by_status.items())), "server_errors": figures.server_errors[:20],
        "acknowledged_writes": {t: len(ids) for t, ids in sorted(figures.acknowledged.items())},
        "acknowledged_deletes": {t: len(ids) for t, ids in sorted(figures.deleted.items())},
        "working_set": working_set,
        "lost_writes": lost, "rss": rss, "rss_timeline": dict(timeline),
        "ws_clients": figures.ws_clients, "ws_events": figures.ws_events,
        "lag_probes": len(figures.lags), "lag_max_s": round(finite[-1], 3) if finite else None,
        "lag_p50_s": round(finite[len(finite) // 2], 3) if finite else None,
        "lag_undelivered": sum(1 for x in figures.lags if x == float("inf")),
        "outbox_backlog_max": max(figures.backlog or [0]), "outbox_backlog_end": backlog_end,
    }
    if tracemalloc_dir is not None:
        result["tracemalloc_growth"] = {name: snapshot_growth(paths[0], paths[-1])
                                        for name, paths in snapshots.items() if len(paths) >= 2}
    problems = []
    if figures.server_errors:
        problems.append(f"{len(figures.server_errors)} 5xx or transport errors")
    if lost:
        problems.append(f"acknowledged writes lost: {lost}")
    for name, figure in rss.items():
        if abs(figure["growth"]) > rss_tolerance:
            problems.append(f"{name} RSS changed {figure['growth']:+.1%} after warm-up")
    if result["lag_undelivered"] or (finite and finite[-1] > max_lag) or not finite:
        problems.append(f"outbox lag: max {result['lag_max_s']} s, undelivered {result['lag_undelivered']}")
    if backlog_end:
        problems.append(f"{backlog_end} outbox events never sequenced")
    result["problems"] = problems
    result["ok"] = not problems
    return result


def record(result: dict, command: str) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    rss = ", ".join(f"{n} {f['first_kib'] // 1024}→{f['last_kib'] // 1024} MiB ({f['growth']:+.1%})"
                    for n, f in sorted(result["rss"].items()))
    lines = [
        f"\n## `{command}` — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} (commit `{commit}`)\n",
        "Mixed workload of every domain through Envoy with WebSocket clients in the course room "
        "(scripts/soak.py); the machine was shared with other helpers, so throughput is noisy.\n",
        "| backend | duration | requests (req/s) | 5xx | acknowledged writes | lost | RSS after warm-up | "
        "WS clients / events | chat lag p50 / max | outbox backlog max / end | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {result['backend']} | {result['seconds']} s | {result['requests']} ({result['requests_per_s']}) | "
        f"{sum(v for k, v in result['statuses'].items() if int(k) >= 500)} | "
        f"{sum(result['acknowledged_writes'].values())} | {sum(result['lost_writes'].values())} | {rss} | "
        f"{result['ws_clients']} / {result['ws_events']} | {result['lag_p50_s']} / {result['lag_max_s']} s | "
        f"{result['outbox_backlog_max']} / {result['outbox_backlog_end']} | "
        f"{'pass' if result['ok'] else 'FAIL: ' + '; '.join(result['problems'])} |",
    ]
    with open(ROOT / "bench" / "RESULTS.md", "a") as out:
        out.write("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--ws-clients", type=int, default=50)
    parser.add_argument("--rss-tolerance", type=float, default=0.10)
    parser.add_argument("--max-lag", type=float, default=5.0)
    parser.add_argument("--growing", action="store_true",
                        help="keep every object made (the data grows all run long) instead of a working set")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="snapshot the gRPC workers' allocations after the warm-up and at the end; "
                             "print the growth")
    parser.add_argument("--record", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="lms-soak-"))
    trace_dir = data_dir / "tracemalloc" if args.tracemalloc else None
    stack = make_stack(args.backend, data_dir, LMS_WORKERS=str(args.workers), LMS_DEBUG_QUERY_COUNT="0",
                       **(tracemalloc_environment(trace_dir) if trace_dir else {}))
    stack.start()
    try:
        result = soak(stack, args.minutes * 60, clients=args.clients, ws_clients=args.ws_clients,
                      rss_tolerance=args.rss_tolerance, max_lag=args.max_lag,
                      sample_every=max(2.0, args.minutes * 60 / 300),
                      working_set=None if args.growing else WORKING_SET, progress=True, tracemalloc_dir=trace_dir)
    finally:
        stack.stop()
    print(json.dumps(result, indent=2))
    if args.record:
        argv = " ".join(a for a in sys.argv[1:] if a != "--record")
        record(result, f"python scripts/soak.py {argv}".strip())
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
