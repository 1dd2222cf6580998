"""Runs every benchmark: `python -m bench.run` (or `make bench`)."""
from __future__ import annotations

import sys

from bench import upload_memory


def main() -> int:
    return max(upload_memory.main([]), 0)


if __name__ == "__main__":
    sys.exit(main())
