"""Copies a bucket (or a prefix of it) to a directory and back, for scripts/backup.sh and restore.sh.

    python scripts/bucket.py pull s3://lms-files[/prefix] DIR     # objects -> DIR/<key>
    python scripts/bucket.py push DIR s3://lms-files[/prefix]     # DIR/<key> -> objects

Only what differs (size, or a missing object/file) is copied, so a repeated backup into the same
directory is incremental. The endpoint and region are the service's: LMS_S3_ENDPOINT_URL, LMS_S3_REGION;
credentials as boto3 finds them. Content types are kept in DIR/.content-types.json.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import boto3

TYPES = ".content-types.json"


def _client():
    return boto3.client("s3", endpoint_url=os.environ.get("LMS_S3_ENDPOINT_URL") or None,
                        region_name=os.environ.get("LMS_S3_REGION") or "us-east-1")


def _split(url: str) -> tuple[str, str]:
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    return bucket, prefix.strip("/") + "/" if prefix.strip("/") else ""


def pull(url: str, directory: Path) -> int:
    client, (bucket, prefix) = _client(), _split(url)
    types_path = directory / TYPES
    types = json.loads(types_path.read_text()) if types_path.exists() else {}
    copied = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            key = item["Key"][len(prefix):]
            target = directory / key
            if target.exists() and target.stat().st_size == item["Size"] and key in types:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            response = client.get_object(Bucket=bucket, Key=item["Key"])
            with open(target, "wb") as out:
                for chunk in response["Body"].iter_chunks(1 << 20):
                    out.write(chunk)
            types[key] = response.get("ContentType", "application/octet-stream")
            copied += 1
    directory.mkdir(parents=True, exist_ok=True)
    types_path.write_text(json.dumps(types, sort_keys=True))
    return copied


def push(directory: Path, url: str) -> int:
    client, (bucket, prefix) = _client(), _split(url)
    types_path = directory / TYPES
    types = json.loads(types_path.read_text()) if types_path.exists() else {}
    existing = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        existing.update({item["Key"]: item["Size"] for item in page.get("Contents", [])})
    copied = 0
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and p != types_path):
        key = path.relative_to(directory).as_posix()
        if existing.get(prefix + key) == path.stat().st_size:
            continue
        client.upload_file(str(path), bucket, prefix + key,
                           ExtraArgs={"ContentType": types.get(key, "application/octet-stream")})
        copied += 1
    return copied


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("pull", "push"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "pull":
        count = pull(argv[1], Path(argv[2]))
    else:
        count = push(Path(argv[1]), argv[2])
    print(f"bucket.py: {argv[0]}: {count} objects copied")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
