"""The long schemathesis run: the suite's fuzz tests (tests/system/test_fuzz.py) with many more examples.

    python -m bench.fuzz                                   # 50 examples per operation, both databases
    python -m bench.fuzz --examples 200 --random           # new random examples on every run
    python -m bench.fuzz --backends sqlite --stateful 100  # one database, 100 stateful scenarios

The suite runs 2 derandomized examples per operation and identity (admin, student, anonymous) and 8 stateful
scenarios, to stay within its time budget; this command runs the same tests (same stack, same checks: no 5xx,
every response as the OpenAPI document says) with the numbers given here. Prints pytest's summary and the
time taken; exits with pytest's status.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=50, help="examples per operation and identity")
    parser.add_argument("--stateful", type=int, default=50, help="scenarios of the stateful run")
    parser.add_argument("--random", action="store_true", help="new random examples instead of derandomized ones")
    parser.add_argument("--backends", default="sqlite,postgresql", help="databases, comma-separated")
    args = parser.parse_args(argv)
    env = {**os.environ, "LMS_FUZZ_EXAMPLES": str(args.examples), "LMS_FUZZ_STATEFUL_EXAMPLES": str(args.stateful),
           "LMS_FUZZ_RANDOM": "1" if args.random else "", "LMS_TEST_BACKENDS": args.backends}
    started = time.monotonic()
    status = subprocess.call([sys.executable, "-m", "pytest", "tests/system/test_fuzz.py", "-q",
                              "-p", "no:cacheprovider"], cwd=ROOT, env=env)
    print(f"bench.fuzz: {args.examples} examples per operation, {args.stateful} stateful scenarios, "
          f"{'random' if args.random else 'derandomized'}, {args.backends}: {time.monotonic() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
