"""Runs every benchmark in bench/ (each module with a `main(argv)`), one after the other.

    python -m bench.run            # all of them
    python -m bench.ws_fanout      # one, with its own options (--help)
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    """Runs them all; the exit code is 1 if any benchmark reported a bound broken."""
    worst = 0
    for module in sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])):
        if module in ("run", "__init__"):
            continue
        bench = importlib.import_module(f"bench.{module}")
        if hasattr(bench, "main"):
            print(f"== bench.{module}", flush=True)
            worst = max(worst, bench.main([]) or 0)
    return worst


if __name__ == "__main__":
    sys.exit(main())
