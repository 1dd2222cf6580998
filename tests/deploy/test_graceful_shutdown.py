"""SIGTERM to a gRPC worker (`lms worker`): its health turns NOT_SERVING first while it still answers
calls (the drain, so the edge's health checks take it out of rotation), then it stops and exits 0."""
import subprocess
import sys
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from lms.system.v1 import system_pb2, system_pb2_grpc
from tests.conftest import BACKENDS
from tests.stack import ROOT, free_port

DRAIN = 3.0


def _status(channel) -> int | None:
    try:
        return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1).status
    except grpc.RpcError:
        return None


# The drain does not depend on the database: once is enough.
@pytest.mark.parametrize("stack", BACKENDS[:1], indirect=True)
def test_sigterm_reports_not_serving_while_still_answering_then_exits(stack):
    port = free_port()
    log = open(stack.data_dir / f"worker-{port}.log", "ab")
    env = {**stack.env, "LMS_SHUTDOWN_DRAIN_SECONDS": str(DRAIN), "LMS_SHUTDOWN_GRACE_SECONDS": "5"}
    process = subprocess.Popen([sys.executable, "-m", "lms.cli", "worker", "--port", str(port)], env=env, cwd=ROOT,
                               stdout=log, stderr=log)
    try:
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        deadline = time.monotonic() + 30
        while _status(channel) != health_pb2.HealthCheckResponse.SERVING:
            assert time.monotonic() < deadline and process.poll() is None, "lms worker did not start"
            time.sleep(0.1)
        process.terminate()
        terminated = time.monotonic()
        while _status(channel) != health_pb2.HealthCheckResponse.NOT_SERVING:
            assert time.monotonic() - terminated < DRAIN, "health did not turn NOT_SERVING"
            time.sleep(0.02)
        # draining: out of rotation, yet a call that still arrives is answered
        health = system_pb2_grpc.SystemServiceStub(channel).GetHealth(system_pb2.GetHealthRequest(), timeout=2)
        assert health.status == "healthy" and time.monotonic() - terminated < DRAIN
        assert process.wait(timeout=DRAIN + 10) == 0
        assert time.monotonic() - terminated >= DRAIN  # it stayed for the whole drain
        channel.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
