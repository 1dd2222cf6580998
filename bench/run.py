"""Runs every benchmark: `python -m bench.run` (or `make bench`)."""
from __future__ import annotations

import sys

from bench import bulk_enroll, gradebook, upload_memory


def main() -> int:
    return max(upload_memory.main([]), bulk_enroll.main([]), gradebook.main([]))


if __name__ == "__main__":
    sys.exit(main())
