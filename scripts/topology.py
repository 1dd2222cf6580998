"""docker-compose.yml's production topology, run on loopback with real processes (no Docker engine).

    python scripts/topology.py            # start everything, walk the journey, stop; exit 1 on a failure
    python scripts/topology.py --keep     # ... and keep it running until Ctrl-C

The compose file is the only description: its services, commands, variables (`${VAR:-default}`
interpolated as compose does), replicas, depends_on conditions and healthchecks are parsed from it.
What a container would be becomes a process on 127.0.0.1:

- every `lms-service` container runs its own command (`lms migrate`, `lms worker`, `lms ws`, `lms edge`)
  with its own variables, from this checkout's virtualenv, with LMS_DATA_DIR a directory of its own
  (the image's writable layer);
- `postgres` is a private cluster (initdb/pg_ctl in a temporary directory, its init scripts from the
  compose volumes applied as the image's entrypoint does), `redis` runs the service's own command,
  `minio` is a moto S3 server and `create-bucket` creates the bucket its `mc mb` names;
- ports are remapped: each replica listens on a free port, and every `service:port` in a variable or an
  argument (`postgres:5432`, `dns:///server:50051`, `server:50051`) becomes the address list of that
  service's replicas, as the compose network's DNS would resolve it; `0.0.0.0` becomes 127.0.0.1.

The auth service the compose file points at (LMS_JWT_JWKS_URL) is stood in for by a JWKS served here,
so the journey signs RS256 tokens as the real one would. tests/deploy/test_topology.py runs the same.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
LOOPBACK = "127.0.0.1"
APP_IMAGE = "lms-service"
# The ports the third-party images listen on (their documentation's defaults).
IMAGE_PORTS = {"postgres": [5432], "redis": [6379], "minio/minio": [9000]}
# The image's ENV (Dockerfile) besides LMS_DATA_DIR, which each container gets a directory for.
IMAGE_ENV = {"PYTHONUNBUFFERED": "1", "MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "262144"}
START_TIMEOUT = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


# Compose file -----------------------------------------------------------------------------------

_VAR = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def interpolate(value: str, environ: dict[str, str]) -> str:
    """Compose's variable substitution: $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, $$."""
    def one(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        op, arg = match.group(2), match.group(3) or ""
        value = environ.get(name)
        if op == ":-":
            return value if value else arg
        if op == "-":
            return value if value is not None else arg
        if op in (":?", "?") and not value and (op == ":?" or value is None):
            raise ValueError(f"compose: {name} is required: {arg}")
        return value or ""
    return _VAR.sub(one, value)


def _interpolated(node, environ):
    if isinstance(node, str):
        return interpolate(node, environ)
    if isinstance(node, list):
        return [_interpolated(item, environ) for item in node]
    if isinstance(node, dict):
        return {key: _interpolated(value, environ) for key, value in node.items()}
    return node


def load_compose(path: Path = COMPOSE, environ: dict[str, str] | None = None) -> dict:
    """The compose file with anchors and merge keys resolved and variables interpolated."""
    return _interpolated(yaml.safe_load(path.read_text()), environ or {})


def service_environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def replicas(service: dict) -> int:
    return int((service.get("deploy") or {}).get("replicas", 1))


def container_ports(service: dict) -> list[int]:
    """The ports a container of `service` listens on: its image's, `--port N` of its command, the
    container side of `ports:` and `expose:`."""
    image = service.get("image", "")
    ports = list(next((p for prefix, p in IMAGE_PORTS.items() if image.split(":")[0] == prefix), []))
    command = service.get("command") or []
    for flag, value in zip(command, command[1:]):
        if flag == "--port":
            ports.append(int(value))
    for item in service.get("ports") or []:
        ports.append(int(str(item).rsplit(":", 1)[-1].split("/")[0]))
    ports += [int(str(item).split("/")[0]) for item in service.get("expose") or []]
    return list(dict.fromkeys(ports))


def start_order(services: dict) -> list[str]:
    order, seen = [], set()

    def visit(name, path=()):
        if name in seen:
            return
        if name in path:
            raise ValueError(f"compose: depends_on cycle through {name}")
        for dependency in services[name].get("depends_on") or {}:
            visit(dependency, (*path, name))
        seen.add(name)
        order.append(name)

    for name in services:
        visit(name)
    return order


def _conditions(service: dict) -> dict[str, str]:
    depends = service.get("depends_on") or {}
    if isinstance(depends, list):
        return {name: "service_started" for name in depends}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in depends.items()}


# Containers as processes ------------------------------------------------------------------------

@dataclasses.dataclass
class Container:
    service: str
    index: int
    ports: dict[int, int]  # container port -> loopback port
    directory: Path
    process: subprocess.Popen | None = None
    stopper: list[str] | None = None  # a command that stops it (pg_ctl stop), instead of SIGTERM

    @property
    def name(self) -> str:
        return f"{self.service}-{self.index + 1}"

    @property
    def log_path(self) -> Path:
        return self.directory / "container.log"

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Topology:
    """The compose file's services started as processes on loopback (see the module's docstring)."""

    def __init__(self, workdir: Path, compose: Path = COMPOSE, environ: dict[str, str] | None = None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.compose_path = compose
        self.auth = JwksStandIn()
        self.edge_port = free_port()  # known first: LMS_PUBLIC_URL names it
        self.environ = {"LMS_JWT_JWKS_URL": self.auth.url, "LMS_PUBLIC_URL": f"http://{LOOPBACK}:{self.edge_port}",
                        **(environ or {})}
        self.compose = load_compose(compose, self.environ)
        self.services: dict = self.compose["services"]
        self.containers: dict[str, list[Container]] = {}
        self._pg_dirs: list[Path] = []
        self.timeline: list[tuple[str, float]] = []  # (service, seconds after start() when it was started)
        self.addresses: dict[str, dict[int, list[int]]] = {}
        for name, service in self.services.items():
            ports = container_ports(service)
            per_replica = []
            for i in range(replicas(service)):
                mapping = {p: (self.edge_port if name == "edge" and p == ports[0] else free_port()) for p in ports}
                directory = self.workdir / f"{name}-{i + 1}"
                directory.mkdir(exist_ok=True)
                per_replica.append(Container(name, i, mapping, directory))
            self.containers[name] = per_replica
            self.addresses[name] = {p: [c.ports[p] for c in per_replica] for p in ports}

    # Addresses ------------------------------------------------------------------------------

    def url(self, service: str, port: int, replica: int = 0, scheme: str = "http") -> str:
        return f"{scheme}://{LOOPBACK}:{self.containers[service][replica].ports[port]}"

    def remap(self, value: str, own: Container | None = None) -> str:
        """A variable or argument as this loopback network resolves it (see the module's docstring)."""
        if own is not None and value.strip().isdigit() and int(value) in own.ports:
            return str(own.ports[int(value)])

        def addresses(service, port) -> list[str] | None:
            ports = self.addresses.get(service, {}).get(int(port))
            return [f"{LOOPBACK}:{p}" for p in ports] if ports else None

        def dns(match: re.Match) -> str:
            found = addresses(match.group(1), match.group(2))
            return "ipv4:" + ",".join(found) if found else match.group(0)

        def host_port(match: re.Match) -> str:
            found = addresses(match.group(1), match.group(2))
            return ",".join(found) if found else match.group(0)

        value = re.sub(r"dns:///([A-Za-z0-9_.-]+):(\d+)", dns, value)
        value = re.sub(r"(?<![A-Za-z0-9_.@-])([A-Za-z][A-Za-z0-9_-]*):(\d+)", host_port, value)
        value = re.sub(r"(?<=@)([A-Za-z][A-Za-z0-9_-]*):(\d+)", host_port, value)  # user:pass@host:port
        return re.sub(r"(?<![\d.])0\.0\.0\.0(?![\d./])", LOOPBACK, value)  # all interfaces: loopback only

    def environment(self, container: Container) -> dict[str, str]:
        """What the container's process sees: no LMS_*/AWS_* of ours, the image's ENV, the service's."""
        base = {k: v for k, v in os.environ.items() if not k.startswith(("LMS_", "AWS_", "POSTGRES_"))}
        base.update(IMAGE_ENV)
        base["LMS_DATA_DIR"] = str(container.directory / "data")
        base["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{base.get('PATH', '')}"
        for key, value in service_environment(self.services[container.service]).items():
            base[key] = self.remap(value, container)
        return base

    # Life cycle -----------------------------------------------------------------------------

    def start(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        try:
            for name in start_order(self.services):
                for dependency, condition in _conditions(self.services[name]).items():
                    self._wait(dependency, condition, deadline)
                for container in self.containers[name]:
                    self._start(container)
                self.timeline.append((name, round(time.monotonic() - (deadline - timeout), 1)))
            for name in self.services:
                self._wait(name, "service_started", deadline)
            for name, service in self.services.items():
                if service.get("image") == APP_IMAGE and name != "migrate":
                    self._wait(name, "service_healthy", deadline)
        except BaseException:
            self.stop()
            raise

    def _start(self, container: Container) -> None:
        service = self.services[container.service]
        image = service.get("image", "").split(":")[0]
        if image == "postgres":
            self._start_postgres(container, service)
        elif image == "redis":
            port = container.ports[6379]
            self._spawn(container, [*service["command"], "--port", str(port), "--bind", LOOPBACK])
        elif image == "minio/minio":
            moto = Path(sys.executable).with_name("moto_server")
            self._spawn(container, [str(moto), "-H", LOOPBACK, "-p", str(container.ports[9000])])
        elif image == "minio/mc":
            self._create_bucket(container, service)
        elif image == APP_IMAGE:
            command = [self.remap(arg, container) for arg in service["command"]]
            assert command[0] == "lms", command
            lms = Path(sys.executable).with_name("lms")
            self._spawn(container, [str(lms), *command[1:]], env=self.environment(container))
        else:
            raise ValueError(f"no loopback stand-in for image {service.get('image')!r}")

    def _spawn(self, container: Container, argv: list[str], env: dict | None = None, **kw) -> None:
        log = open(container.log_path, "ab")
        container.process = subprocess.Popen(argv, env=env or {**os.environ}, stdout=log, stderr=log, cwd=ROOT,
                                             start_new_session=True, **kw)

    def _start_postgres(self, container: Container, service: dict) -> None:
        """A private cluster, initialised as the image does: POSTGRES_USER/PASSWORD, then the
        /docker-entrypoint-initdb.d scripts mounted from the compose file's volumes."""
        env = service_environment(service)
        user, password = env.get("POSTGRES_USER", "postgres"), env.get("POSTGRES_PASSWORD", "")
        # Outside the work dir: the server runs as the `postgres` account when we are root.
        home = Path(tempfile.mkdtemp(prefix="lms-topology-pg-"))
        self._pg_dirs.append(home)
        as_postgres = []
        if os.geteuid() == 0:
            shutil.chown(home, "postgres", "postgres")
            as_postgres = ["runuser", "-u", "postgres", "--"]
        (home / "pw").write_text(password + "\n")
        if as_postgres:
            shutil.chown(home / "pw", "postgres", "postgres")
        data = home / "data"
        subprocess.run([*as_postgres, _pg_bin("initdb"), "-D", str(data), "-U", user, f"--pwfile={home / 'pw'}",
                        "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"],
                       check=True, capture_output=True)
        port = container.ports[5432]
        options = f"-c listen_addresses={LOOPBACK} -c port={port} -c unix_socket_directories={home} -c fsync=off"
        subprocess.run([*as_postgres, _pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(home / "log"),
                        "-w", "start"], check=True, capture_output=True)
        container.stopper = [*as_postgres, _pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
        for volume in service.get("volumes") or []:
            source, _, target = str(volume).partition(":")
            if target.startswith("/docker-entrypoint-initdb.d/") and source.startswith("."):
                subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-h", str(home), "-p", str(port), "-U", user,
                                "-d", "postgres", "-f", str(ROOT / source)], check=True, capture_output=True)
        container.process = subprocess.Popen(["sleep", "infinity"])  # stands for the running container

    def _create_bucket(self, container: Container, service: dict) -> None:
        """`mc alias set NAME URL USER PASSWORD && mc mb [--ignore-existing] NAME/BUCKET`, with boto3."""
        import boto3

        script = " ".join(service.get("entrypoint") or service.get("command") or [])
        alias = re.search(r"mc alias set (\S+) (\S+) (\S+) (\S+)", script)
        bucket = re.search(r"mc mb (?:--ignore-existing )?(\S+)/(\S+)", script)
        name, url, key, secret = alias.groups()
        assert bucket.group(1) == name, script
        client = boto3.client("s3", endpoint_url=self.remap(url, container), aws_access_key_id=key,
                              aws_secret_access_key=secret, region_name="us-east-1")
        existing = [b["Name"] for b in client.list_buckets().get("Buckets", [])]
        if bucket.group(2) not in existing:
            client.create_bucket(Bucket=bucket.group(2))
        container.process = subprocess.Popen(["true"])
        container.process.wait()

    def _healthy(self, container: Container) -> bool:
        service = self.services[container.service]
        image = service.get("image", "").split(":")[0]
        command = service.get("command") or []
        if image == "postgres":
            check = service["healthcheck"]["test"][1:]  # ["CMD", "pg_isready", ...]: the same probe, pointed here
            home = self._pg_dirs[-1]
            return subprocess.run([check[0], "-h", str(home), "-p", str(container.ports[5432]), *check[1:]],
                                  capture_output=True).returncode == 0
        if image == "redis":
            check = service["healthcheck"]["test"][1:]
            probe = subprocess.run([check[0], "-h", LOOPBACK, "-p", str(container.ports[6379]), *check[1:]],
                                   capture_output=True, text=True)
            return probe.returncode == 0 and "PONG" in probe.stdout
        if image == "minio/minio":
            return _http_ok(f"http://{LOOPBACK}:{container.ports[9000]}/")
        if command[:2] == ["lms", "worker"]:
            return _grpc_serving(LOOPBACK, container.ports[int(command[command.index("--port") + 1])])
        if command[:2] == ["lms", "ws"]:
            return _http_ok(f"http://{LOOPBACK}:{container.ports[int(command[command.index('--port') + 1])]}/healthz")
        if command[:2] == ["lms", "edge"]:
            return _http_ok(f"http://{LOOPBACK}:{self.edge_port}/api/health/")
        return container.process is not None and container.process.poll() is None

    def _wait(self, name: str, condition: str, deadline: float) -> None:
        for container in self.containers[name]:
            while True:
                process = container.process
                if process is None:
                    raise RuntimeError(f"{container.name} was never started")
                code = process.poll()
                if code is not None and (code != 0 or condition == "service_healthy"):
                    raise RuntimeError(f"{container.name} exited with {code}:\n{container.log_text()[-3000:]}")
                if code == 0 or (condition == "service_started" and code is None):
                    break  # (a one-shot container that has finished well has also started)
                if condition == "service_healthy" and self._healthy(container):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{container.name} not {condition} in time:\n{container.log_text()[-3000:]}")
                time.sleep(0.1)

    def stop(self) -> None:
        """Stops the containers in reverse start order, as `docker compose down` does (SIGTERM first)."""
        for name in reversed(start_order(self.services)):
            running = [c for c in self.containers[name] if c.process is not None and c.process.poll() is None]
            for container in running:
                if container.stopper:
                    subprocess.run(container.stopper, capture_output=True)
                    container.process.kill()
                else:
                    os.killpg(container.process.pid, signal.SIGTERM)
            grace = float(str(self.services[name].get("stop_grace_period", "10s")).rstrip("s"))
            for container in running:
                try:
                    container.process.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    os.killpg(container.process.pid, signal.SIGKILL)
                    container.process.wait()
        self.auth.close()
        for home in self._pg_dirs:
            shutil.rmtree(home, ignore_errors=True)
        self._pg_dirs.clear()


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise RuntimeError(f"{name} not found (PostgreSQL server binaries)")


def _http_ok(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _grpc_serving(host: str, port: int) -> bool:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    with grpc.insecure_channel(f"{host}:{port}") as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
        except grpc.RpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


class JwksStandIn:
    """The auth service's JWKS endpoint, with a fresh RSA key; `token()` signs as the auth service would."""

    def __init__(self):
        from cryptography.hazmat.primitives.asymmetric import rsa
        from jwt.algorithms import RSAAlgorithm

        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": "topology", "use": "sig", "alg": "RS256"})
        body = json.dumps({"keys": [jwk]}).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.url = f"http://{LOOPBACK}:{self.server.server_address[1]}/.well-known/jwks.json"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, user: str, tenant: str, roles: list[str]) -> str:
        import jwt

        now = int(time.time())
        claims = {"sub": user, "tenant_id": tenant, "roles": roles, "iat": now, "exp": now + 3600}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "topology"})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# The journey --------------------------------------------------------------------------------------

def _png() -> bytes:
    header = struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0) + b"\x00" * 4
    return (b"\x89PNG\r\n\x1a\n" + header).ljust(4096, b"\x00")


def walk(topology: Topology) -> dict:
    """A user journey across the topology; raises AssertionError at the first step that fails.
    Returns what it saw, step by step."""
    return asyncio.run(_walk(topology))


async def _walk(topology: Topology) -> dict:
    import boto3
    import httpx
    from websockets.asyncio.client import connect

    seen: dict = {}
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    admin = topology.auth.token("admin-1", tenant, ["admin"])
    student = topology.auth.token("student-1", tenant, ["student"])
    edge = f"http://{LOOPBACK}:{topology.edge_port}"
    async with httpx.AsyncClient(base_url=edge, timeout=30) as http:
        def as_(token):
            return {"authorization": f"Bearer {token}"}

        # 1. A course, and its thumbnail uploaded through the edge into the S3 bucket.
        category = await http.post("/api/lms/categories/", json={"name": "Topology"}, headers=as_(admin))
        assert category.status_code == 201, category.text
        body = {"title": "Loopback", "description": "d", "category_id": category.json()["id"], "status": "Published"}
        course = await http.post("/api/lms/courses/", json=body, headers=as_(admin))
        assert course.status_code == 201, course.text
        course_id = course.json()["id"]
        upload = await http.post(f"/api/lms/courses/{course_id}/thumbnail/", headers=as_(admin),
                                 files={"thumbnail": ("cover.png", _png(), "image/png")})
        assert upload.status_code in (200, 201), upload.text
        minio = topology.services["minio"]["environment"]
        s3 = boto3.client("s3", endpoint_url=topology.url("minio", 9000), region_name="us-east-1",
                          aws_access_key_id=minio["MINIO_ROOT_USER"],
                          aws_secret_access_key=minio["MINIO_ROOT_PASSWORD"])
        bucket = service_environment(topology.services["server"])["LMS_STORAGE_URL"].removeprefix("s3://")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=f"courses/{tenant}/").get("Contents", [])]
        assert len(keys) == 1 and s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read() == _png(), keys
        thumbnail = httpx.get(upload.json()["thumbnail_url"], timeout=10)  # presigned, straight from the store
        assert thumbnail.status_code == 200 and thumbnail.content == _png()
        seen["upload"] = keys[0]

        # 2. Enrollment through the edge; its event reaches the staff on the *other* WebSocket server.
        ws_port = int(topology.services["ws"]["command"][-1])
        ws = [f"ws://{LOOPBACK}:{c.ports[ws_port]}/ws/lms/" for c in topology.containers["ws"]]
        assert len(ws) >= 2, "the compose file runs two WebSocket servers"
        async with connect(f"{ws[0]}?token={student}", close_timeout=0.2) as learner, \
                connect(f"{ws[1]}?token={admin}&rooms=course_staff_{course_id},course_{course_id}",
                        close_timeout=0.2) as staff:
            assert json.loads(await learner.recv())["type"] == "connected"
            connected = json.loads(await staff.recv())
            assert connected["type"] == "connected" and not connected["refused"], connected
            enroll = await http.post(f"/api/lms/enrollments/course/{course_id}/enroll/", json={}, headers=as_(student))
            assert enroll.status_code == 201, enroll.text
            staff_event = await _next_event(staff, "enrollment.created")
            learner_event = await _next_event(learner, "enrollment.created")
            # (one outbox row per room: the same data under two ids)
            assert staff_event["data"] == learner_event["data"], (staff_event, learner_event)
            assert (staff_event["room"], learner_event["room"]) == (f"course_staff_{course_id}", "user_student-1")
            seen["enrollment_event"] = staff_event["id"]
            # 3. A chat message sent on the first WebSocket server (stored by a gRPC worker it reaches
            # through LMS_WS_GRPC_TARGET) arrives live on the second.
            await learner.send(json.dumps({"type": "subscribe", "room": f"course_{course_id}"}))
            assert (await _next_frame(learner, "subscribed"))["room"] == f"course_{course_id}"
            await learner.send(json.dumps({"type": "chat_message", "room": f"course_{course_id}",
                                           "message": "hello from server 1", "ref": 1}))
            ack = await _next_frame(learner, "ack")
            message = await _next_event(staff, "chat.message")
            assert message["data"]["message"] == "hello from server 1" and message["data"]["id"] == ack["data"]["id"]
            seen["chat_event"] = message["id"]

        # 4. The anonymous budget (LMS_RATE_LIMIT_ANON, 100/h by default) is one count in Redis for
        # both workers, however the edge balances the requests over them (once it routes to both: a worker
        # that came up after the edge may still be ejected or waiting for its first health check).
        _wait_until_every_worker_is_healthy(topology)
        statuses = []
        for _ in range(101):
            response = await http.get("/api/lms/courses/", headers={"x-tenant-id": tenant})
            statuses.append(response.status_code)
        assert statuses == [200] * 100 + [429], statuses
        # (how the edge spread them is reported, not asserted: least-request balancing may send nearly all
        # of them to one worker while the other holds long-lived streams)
        served = _requests_per_worker(topology)
        assert len(served) == 2, served
        import redis

        client = redis.Redis.from_url(topology.remap(service_environment(topology.services["server"])["LMS_REDIS_URL"]))
        namespace = "lms"
        assert client.keys(f"{namespace}:rl:*"), "no rate-limit counters in Redis"
        client.close()
        seen["rate_limit"] = {"statuses": f"{statuses.count(200)} x 200, then 429", "per_worker": served}
    return seen


async def _next_frame(ws, kind: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic())))
        if frame["type"] == kind:
            return frame


async def _next_event(ws, event_type: str) -> dict:
    frame = await _next_frame(ws, event_type)
    assert set(frame) == {"type", "room", "id", "data", "created_at"}, frame
    return frame


def _edge_clusters(topology: Topology) -> list[str]:
    import urllib.request

    admin = int(service_environment(topology.services["edge"])["LMS_EDGE_ADMIN_PORT"])
    with urllib.request.urlopen(f"{topology.url('edge', admin)}/clusters", timeout=5) as response:
        return response.read().decode().splitlines()


def _wait_until_every_worker_is_healthy(topology: Topology, timeout: float = 30.0) -> None:
    """Until Envoy routes to every gRPC worker: each is `healthy`, none failed a check or is ejected."""
    deadline = time.monotonic() + timeout
    while True:
        flags = {line.split("::")[1]: line.rsplit("::", 1)[1] for line in _edge_clusters(topology)
                 if line.startswith("lms_grpc::") and line.split("::")[2] == "health_flags"}
        if len(flags) >= 2 and all(flag == "healthy" for flag in flags.values()):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the edge does not route to every worker: {flags}")
        time.sleep(0.2)


def _requests_per_worker(topology: Topology) -> dict[str, int]:
    """Requests the edge sent to each gRPC worker (Envoy's /clusters), health checks excluded."""
    import urllib.request

    admin = int(service_environment(topology.services["edge"])["LMS_EDGE_ADMIN_PORT"])
    with urllib.request.urlopen(f"{topology.url('edge', admin)}/clusters", timeout=5) as response:
        lines = response.read().decode().splitlines()
    return {line.split("::")[1]: int(line.rsplit("::", 1)[1]) for line in lines
            if line.startswith("lms_grpc::") and line.split("::")[2] == "rq_total"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", help="where the containers' directories and logs go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the topology running after the journey")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="lms-topology-"))
    topology = Topology(workdir)
    started = time.monotonic()
    topology.start()
    print(f"topology up in {time.monotonic() - started:.1f} s: edge {topology.url('edge', 9090)}, logs in {workdir}",
          flush=True)
    print("started at (s):", ", ".join(f"{name} {at}" for name, at in topology.timeline), flush=True)
    passed = False
    try:
        seen = walk(topology)
        passed = True
        print("journey passed:", json.dumps(seen, indent=2), flush=True)
        if args.keep:
            print("running; Ctrl-C stops it", flush=True)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
        return 0
    except AssertionError:
        import traceback

        traceback.print_exc()
        print(f"journey failed; logs in {workdir}", file=sys.stderr)
        return 1
    finally:
        topology.stop()
        print(f"stopped after {time.monotonic() - started:.1f} s", flush=True)
        if passed and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)  # (a failed run's logs stay)


if __name__ == "__main__":
    sys.exit(main())
