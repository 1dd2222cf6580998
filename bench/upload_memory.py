"""Memory of a streamed upload: a 100 MB video through Envoy must raise the gRPC worker's peak RSS by
less than 30 MB, with local storage and with S3 (a moto server process on loopback).

    python -m bench.upload_memory            # both storage modes
    python -m bench.upload_memory --local    # one of them
    python -m bench.upload_memory --s3

It starts the real stack (`lms serve`: Envoy + one gRPC worker, SQLite), creates a course, warms the
worker up with a small upload, then sends a 100 MiB MP4 as multipart/form-data with curl (which streams
it from disk) and compares the worker's VmHWM (peak resident set) before and after, also sampling VmRSS
while the upload runs. It prints the figures and exits 1 if a bound is broken.
"""
from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

import httpx  # noqa: E402

from tests.stack import free_port, make_stack  # noqa: E402

MiB = 1024 * 1024
VIDEO_BYTES = 100 * MiB
BOUND_MB = 30.0


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def worker_pid(grpc_port: int) -> int:
    wanted = ["lms.app.server", "--port", str(grpc_port)]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if all(part in argv for part in wanted):
            return int(entry.name)
    raise LookupError("gRPC worker process not found")


def write_video(path: Path, size: int) -> None:
    """An MP4 (ftyp + mdat) of `size` bytes, written in pieces so the benchmark itself stays small."""
    with open(path, "wb") as handle:
        handle.write(struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isomiso2")
        handle.write(struct.pack(">I", size - 24) + b"mdat")
        remaining = size - 32
        block = os.urandom(MiB)
        while remaining > 0:
            handle.write(block[:min(MiB, remaining)])
            remaining -= MiB


def curl_upload(url: str, token: str, path: Path) -> tuple[int, float]:
    started = time.perf_counter()
    result = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                             f"Authorization: Bearer {token}", "-F", f"file=@{path};type=video/mp4", url],
                            capture_output=True, text=True, timeout=600)
    return int(result.stdout.strip() or 0), time.perf_counter() - started


def measure(mode: str, work: Path, video: Path, extra_env: dict) -> bool:
    stack = make_stack("sqlite", work / f"stack-{mode}", LMS_WORKERS="1", LMS_LOG_LEVEL="WARNING", **extra_env)
    stack.start()
    try:
        token = stack.token("bench-admin", f"bench-{uuid.uuid4().hex[:6]}", ["admin"])
        api = httpx.Client(base_url=stack.edge_url, headers={"Authorization": f"Bearer {token}"}, timeout=120)
        category = api.post("/api/lms/categories/", json={"name": "Bench"}).json()
        course = api.post("/api/lms/courses/", json={"title": "Bench course", "description": "",
                                                      "category_id": category["id"]}).json()
        url = f"{stack.edge_url}/api/lms/courses/{course['id']}/files/"
        pid = worker_pid(stack.grpc_port)

        small = work / "warmup.mp4"
        write_video(small, 12 * MiB)  # warm-up: imports, thread pool, S3 client, first multipart part
        for _ in range(2):
            code, _ = curl_upload(url, token, small)
            assert code == 201, f"warm-up upload failed with {code}"

        hwm_before = status_kib(pid, "VmHWM")
        rss_before = status_kib(pid, "VmRSS")
        samples: list[int] = []
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                samples.append(status_kib(pid, "VmRSS"))
                time.sleep(0.01)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code, seconds = curl_upload(url, token, video)
        done.set()
        sampler.join()
        hwm_after = status_kib(pid, "VmHWM")
        assert code == 201, f"the 100 MiB upload failed with HTTP {code}"

        peak_delta = (hwm_after - hwm_before) / 1024
        rss_delta = (max(samples, default=rss_before) - rss_before) / 1024
        ok = peak_delta < BOUND_MB and rss_delta < BOUND_MB
        print(f"[{mode}] 100 MiB MP4 upload through Envoy: HTTP {code} in {seconds:.2f} s "
              f"({VIDEO_BYTES / MiB / seconds:.0f} MiB/s)")
        print(f"[{mode}] gRPC worker peak RSS (VmHWM): {hwm_before / 1024:.1f} MB -> {hwm_after / 1024:.1f} MB, "
              f"delta {peak_delta:+.1f} MB (bound {BOUND_MB:.0f} MB): {'OK' if ok else 'OVER'}")
        print(f"[{mode}] sampled VmRSS during the upload: max {rss_delta:+.1f} MB over {rss_before / 1024:.1f} MB "
              f"({len(samples)} samples)")
        return ok
    finally:
        stack.stop()


def start_moto(work: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}
    process = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p",
                                str(port)], stdout=open(work / "moto.log", "ab"), stderr=subprocess.STDOUT, env=env,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(url, timeout=1)
            return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto_server did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--local", action="store_true", help="local storage only")
    parser.add_argument("--s3", action="store_true", help="S3 (moto) only")
    args = parser.parse_args(argv)
    modes = [m for m, wanted in (("local", args.local), ("s3", args.s3)) if wanted] or ["local", "s3"]
    results = []
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        work = Path(tmp)
        video = work / "lecture.mp4"
        write_video(video, VIDEO_BYTES)
        for mode in modes:
            if mode == "local":
                results.append(measure(mode, work, video, {}))
                continue
            import boto3

            moto, url = start_moto(work)
            try:
                bucket = f"bench-{uuid.uuid4().hex[:8]}"
                boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="bench",
                             aws_secret_access_key="bench").create_bucket(Bucket=bucket)
                results.append(measure(mode, work, video, {
                    "LMS_STORAGE_URL": f"s3://{bucket}", "LMS_S3_ENDPOINT_URL": url,
                    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}))
            finally:
                moto.terminate()
                moto.wait(timeout=10)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
