"""Memory of a streamed upload: a 100 MB video, and a 50 MB SCORM package, through Envoy must each raise the
gRPC worker's peak RSS by less than 30 MB, with local storage and with S3 (a moto server process on loopback).

    python -m bench.upload_memory                  # the video with both storage modes, the SCORM package (local)
    python -m bench.upload_memory --local          # the video, one storage mode
    python -m bench.upload_memory --s3
    python -m bench.upload_memory --scorm          # the SCORM package only (local; with --s3: S3)

It starts the real stack (`lms serve`: Envoy + one gRPC worker, SQLite), creates a course, warms the
worker up with two smaller uploads of the same kind, then sends the file as multipart/form-data with curl
(which streams it from disk) and compares the worker's VmHWM (peak resident set) before and after, also
sampling VmRSS while the upload runs. The video goes to the course's files (`POST .../files/`); the SCORM
package (a 1.2 manifest, one SCO page and 49 MiB of incompressible media in 7 MiB files, stored) to
`POST .../scorm/upload/`, which streams it to storage, copies it to a temporary file, checks it and
extracts every file to storage. It prints the figures and exits 1 if a bound is broken.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

import httpx  # noqa: E402

from bench.procs import status_kib  # noqa: E402
from tests.stack import free_port, make_stack  # noqa: E402

MiB = 1024 * 1024
VIDEO_BYTES = 100 * MiB
SCORM_MEDIA_BYTES = 49 * MiB  # the package's media (the ZIP is at most 50 MiB)
BOUND_MB = 30.0


@dataclasses.dataclass(frozen=True)
class Kind:
    name: str
    field: str
    content_type: str
    path: str  # the course's upload route, after /api/lms/courses/{id}/


VIDEO = Kind("video", "file", "video/mp4", "files/")
SCORM = Kind("SCORM package", "package", "application/zip", "scorm/upload/")


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


def write_scorm(path: Path, media_bytes: int) -> None:
    """A SCORM 1.2 package: manifest, one SCO page, `media_bytes` of random media in 7 MiB files (stored: media
    does not compress), written file by file so the benchmark itself stays small."""
    count = max(1, -(-media_bytes // (7 * MiB)))
    media = [f"media/clip{n}.mp4" for n in range(count)]
    files = "".join(f'<file href="{name}"/>' for name in ["index.html", *media])
    manifest = (
        '<?xml version="1.0"?><manifest identifier="bench" version="1" '
        'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">'
        '<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>'
        '<organizations default="org"><organization identifier="org"><title>Bench</title>'
        '<item identifier="item" identifierref="res"><title>Clip</title></item></organization></organizations>'
        f'<resources><resource identifier="res" type="webcontent" adlcp:scormtype="sco" href="index.html">{files}'
        '</resource></resources></manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("imsmanifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("index.html", "<!DOCTYPE html><title>Clip</title><video src='media/clip0.mp4'></video>")
        remaining = media_bytes
        for name in media:
            size = min(7 * MiB, remaining)
            remaining -= size
            with archive.open(name, "w", force_zip64=False) as target:
                for _ in range(size // MiB):
                    target.write(os.urandom(MiB))
                target.write(os.urandom(size % MiB))


def curl_upload(url: str, token: str, path: Path, kind: Kind = VIDEO) -> tuple[int, float]:
    started = time.perf_counter()
    result = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                             f"Authorization: Bearer {token}", "-F", f"{kind.field}=@{path};type={kind.content_type}",
                             url], capture_output=True, text=True, timeout=600)
    return int(result.stdout.strip() or 0), time.perf_counter() - started


def measure(mode: str, work: Path, video: Path, extra_env: dict, kind: Kind = VIDEO,
            warmup: Path | None = None) -> bool:
    stack = make_stack("sqlite", work / f"stack-{mode}", LMS_WORKERS="1", LMS_LOG_LEVEL="WARNING", **extra_env)
    stack.start()
    try:
        token = stack.token("bench-admin", f"bench-{uuid.uuid4().hex[:6]}", ["admin"])
        api = httpx.Client(base_url=stack.edge_url, headers={"Authorization": f"Bearer {token}"}, timeout=120)
        category = api.post("/api/lms/categories/", json={"name": "Bench"}).json()
        course = api.post("/api/lms/courses/", json={"title": "Bench course", "description": "",
                                                      "category_id": category["id"]}).json()
        url = f"{stack.edge_url}/api/lms/courses/{course['id']}/{kind.path}"
        pid = worker_pid(stack.grpc_port)

        small = warmup
        if small is None:
            small = work / "warmup.mp4"
            write_video(small, 12 * MiB)  # warm-up: imports, thread pool, S3 client, first multipart part
        for _ in range(2):
            code, _ = curl_upload(url, token, small, kind)
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
        code, seconds = curl_upload(url, token, video, kind)
        done.set()
        sampler.join()
        hwm_after = status_kib(pid, "VmHWM")
        size = video.stat().st_size / MiB
        assert code == 201, f"the {size:.0f} MiB upload failed with HTTP {code}"

        peak_delta = (hwm_after - hwm_before) / 1024
        rss_delta = (max(samples, default=rss_before) - rss_before) / 1024
        ok = peak_delta < BOUND_MB and rss_delta < BOUND_MB
        print(f"[{mode}] {size:.1f} MiB {kind.name} upload through Envoy: HTTP {code} in {seconds:.2f} s "
              f"({size / seconds:.0f} MiB/s)")
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
    parser.add_argument("--scorm", action="store_true", help="the SCORM package only (local storage unless --s3)")
    args = parser.parse_args(argv)
    modes = [m for m, wanted in (("local", args.local), ("s3", args.s3)) if wanted] or (
        ["local"] if args.scorm else ["local", "s3"])
    runs = [(mode, SCORM if args.scorm else VIDEO) for mode in modes]
    if not (args.scorm or args.local or args.s3):
        runs.append(("local", SCORM))
    results = []
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        work = Path(tmp)
        files: dict[str, tuple[Path, Path | None]] = {}
        if any(kind is VIDEO for _, kind in runs):
            files[VIDEO.name] = (work / "lecture.mp4", None)
            write_video(files[VIDEO.name][0], VIDEO_BYTES)
        if any(kind is SCORM for _, kind in runs):
            files[SCORM.name] = (work / "course.zip", work / "warmup.zip")
            write_scorm(files[SCORM.name][0], SCORM_MEDIA_BYTES)
            write_scorm(files[SCORM.name][1], 12 * MiB)
        for mode, kind in runs:
            upload, warmup = files[kind.name]
            if mode == "local":
                results.append(measure(mode, work, upload, {}, kind, warmup))
                continue
            import boto3

            moto, url = start_moto(work)
            try:
                bucket = f"bench-{uuid.uuid4().hex[:8]}"
                boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="bench",
                             aws_secret_access_key="bench").create_bucket(Bucket=bucket)
                results.append(measure(mode, work, upload, {
                    "LMS_STORAGE_URL": f"s3://{bucket}", "LMS_S3_ENDPOINT_URL": url,
                    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}, kind, warmup))
            finally:
                moto.terminate()
                moto.wait(timeout=10)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
