"""S3 mode: a real S3-compatible server process (moto) on loopback, and stacks that store files there."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import httpx
import pytest

from tests.conftest import BACKENDS, Tenant
from tests.stack import free_port, make_stack

S3_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


class S3Server:
    def __init__(self, url: str):
        self.url = url
        self.client = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                                   aws_access_key_id="testing", aws_secret_access_key="testing")

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def read(self, bucket: str, key: str) -> bytes:
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def multipart_uploads(self, bucket: str) -> list:
        return self.client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> S3Server:
    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "ab")
    binary = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen([str(binary), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log,
                               env={**os.environ, **S3_ENV}, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("moto_server did not start")
            time.sleep(0.1)
    yield S3Server(url)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session", params=BACKENDS)
def s3_stack(request, s3_server, tmp_path_factory):
    bucket = f"lms-{uuid.uuid4().hex[:12]}"
    s3_server.client.create_bucket(Bucket=bucket)
    running = make_stack(request.param, tmp_path_factory.mktemp(f"s3-stack-{request.param}"),
                         LMS_STORAGE_URL=f"s3://{bucket}", LMS_S3_ENDPOINT_URL=s3_server.url, **S3_ENV)
    running.bucket = bucket
    running.start()
    yield running
    running.stop()


@pytest.fixture
def s3_tenant(s3_stack) -> Tenant:
    return Tenant(s3_stack)
