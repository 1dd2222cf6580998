"""Direct gRPC load on the service's workers (no Envoy): C concurrent unary calls for D seconds.

    python -m bench.grpc_load --targets 127.0.0.1:50051,127.0.0.1:50052 --token JWT --case list_p1

The same calls as the HTTP cases (list page 1 of 10, list of 100, detail of course 42, enroll a new
user in a random course of 1..1000), made by a Python grpc.aio client as the DRF peer's grpc_ref client
does: one channel per worker, the concurrent calls spread over them, a warm-up, then a timed phase.
Prints one JSON line: calls, calls/s, client-side p50/p99 (ms) and the number of failed calls.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server")]

import grpc  # noqa: E402

from lms.courses.v1 import courses_pb2, courses_pb2_grpc  # noqa: E402
from lms.enrollments.v1 import enrollments_pb2, enrollments_pb2_grpc  # noqa: E402

CASES = ("list_p1", "list_ps100", "detail", "enroll")


def make_call(case: str, channel: grpc.aio.Channel, metadata, courses: int, detail_id: int):
    if case == "enroll":
        stub = enrollments_pb2_grpc.EnrollmentServiceStub(channel)
        nonce = uuid.uuid4().hex[:8]
        counter = iter(range(1 << 62))

        def enroll():
            request = enrollments_pb2.EnrollRequest(course_id=random.randint(1, courses),
                                                    user_id=f"grpc-{nonce}-{next(counter)}")
            return stub.Enroll(request, metadata=metadata)
        return enroll
    stub = courses_pb2_grpc.CourseServiceStub(channel)
    if case == "detail":
        request = courses_pb2.GetCourseRequest(course_id=detail_id)
        return lambda: stub.GetCourse(request, metadata=metadata)
    request = courses_pb2.ListCoursesRequest(page=1, page_size=10 if case == "list_p1" else 100)
    return lambda: stub.ListCourses(request, metadata=metadata)


async def phase(calls, concurrency: int, seconds: float) -> tuple[int, int, float, list[float]]:
    latencies: list[float] = []
    failures = 0
    stop_at = time.perf_counter() + seconds

    async def worker(index: int) -> int:
        nonlocal failures
        call = calls[index % len(calls)]
        done = 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                await call()
            except grpc.aio.AioRpcError:
                failures += 1
                continue
            latencies.append(time.perf_counter() - started)
            done += 1
        return done

    started = time.perf_counter()
    counts = await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return sum(counts), failures, time.perf_counter() - started, sorted(latencies)


async def run(args) -> dict:
    metadata = (("authorization", f"Bearer {args.token}"),)
    channels = [grpc.aio.insecure_channel(target) for target in args.targets.split(",")]
    try:
        calls = [make_call(args.case, channel, metadata, args.courses, args.detail_id) for channel in channels]
        for call in calls:
            await call()
        if args.warmup > 0:
            await phase(calls, args.concurrency, args.warmup)
        n, failures, wall, latencies = await phase(calls, args.concurrency, args.duration)
    finally:
        for channel in channels:
            await channel.close()

    def percentile(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")

    return {"case": args.case, "calls": n, "failures": failures, "seconds": round(wall, 2),
            "calls_per_s": round(n / wall, 1), "p50_ms": round(percentile(0.50), 2),
            "p99_ms": round(percentile(0.99), 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", required=True, help="comma-separated host:port of the gRPC workers")
    parser.add_argument("--token", required=True)
    parser.add_argument("--case", choices=CASES, required=True)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--detail-id", type=int, default=42)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(run(args))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
