"""docker-compose.yml: its variables are settings the service reads, the required ones are set, and the
topology it describes works, run on loopback from the file's own definitions (scripts/topology.py)."""
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from lms.platform.config import PRODUCTION_REQUIRED, Settings
from scripts.topology import COMPOSE, Topology, load_compose, service_environment, start_order, walk

CONFIG = Path(__file__).resolve().parents[2] / "server" / "lms" / "platform" / "config.py"
APP_IMAGE = "lms-service"


def read_settings() -> set[str]:
    """Every LMS_* variable lms.platform.config reads."""
    return set(re.findall(r'"(LMS_[A-Z0-9_]+)"', CONFIG.read_text()))


def app_services(compose: dict) -> dict[str, dict]:
    return {name: s for name, s in compose["services"].items() if s.get("image") == APP_IMAGE}


def test_every_lms_variable_of_the_compose_file_is_a_setting_and_the_required_ones_are_set(monkeypatch):
    compose = load_compose(COMPOSE, {})  # interpolated as `docker compose up` does with nothing exported
    known = read_settings()
    services = app_services(compose)
    assert set(services) == {"migrate", "server", "ws", "edge"}
    for name, service in services.items():
        env = service_environment(service)
        unknown = [key for key in env if key.startswith("LMS_") and key not in known]
        assert not unknown, f"{name} sets variables no setting reads: {unknown}"
        if service["command"][:2] == ["lms", "edge"]:
            continue  # the edge reads only its own settings (ports, capacity, CORS)
        missing = [group for group in PRODUCTION_REQUIRED if not any(env.get(key) for key in group)]
        assert not missing, f"{name} lacks {missing}"
        # ... and they parse: the settings build from exactly this environment
        for key in [k for k in os.environ if k.startswith("LMS_")]:
            monkeypatch.delenv(key)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        settings = Settings.from_env()
        assert not settings.is_sqlite and settings.storage_url.startswith("s3://") and settings.redis_url


def test_every_role_is_an_lms_command_and_the_order_follows_depends_on():
    compose = load_compose(COMPOSE, {})
    commands = {name: s["command"][:2] for name, s in app_services(compose).items()}
    assert commands == {"migrate": ["lms", "migrate"], "server": ["lms", "worker"], "ws": ["lms", "ws"],
                        "edge": ["lms", "edge"]}
    order = start_order(compose["services"])
    assert order.index("migrate") < order.index("server") and order.index("postgres") < order.index("migrate")
    # the workers' stop grace period outlasts their drain and grace bounds (LMS_SHUTDOWN_*: 3 s + 10 s)
    assert int(compose["services"]["server"]["stop_grace_period"].rstrip("s")) > 13
    assert compose["services"]["server"]["deploy"]["replicas"] == 2 == compose["services"]["ws"]["deploy"]["replicas"]


@pytest.mark.slow
def test_the_compose_topology_runs_on_loopback_and_serves_a_journey(tmp_path):
    """PostgreSQL, Redis, S3 (moto), migrations, two gRPC workers, two WebSocket servers and the edge, as
    the compose file wires them; then a course with an upload into the bucket, an enrollment whose event
    and a chat message reach the staff on the other WebSocket server, and the anonymous rate limit
    counted once in Redis for both workers."""
    if os.environ.get("LMS_TEST_TOPOLOGY", "1") == "0":
        pytest.skip("LMS_TEST_TOPOLOGY=0 (python scripts/topology.py runs the same)")
    if not shutil.which("initdb") and not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("PostgreSQL server binaries (initdb) are not installed")
    topology = Topology(tmp_path)
    started = time.monotonic()
    topology.start()
    try:
        seen = walk(topology)
        assert seen["upload"].startswith("courses/") and seen["chat_event"] > seen["enrollment_event"]
    finally:
        topology.stop()
    assert all(c.process.poll() is not None for cs in topology.containers.values() for c in cs)
    assert time.monotonic() - started < 90
