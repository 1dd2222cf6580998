"""What the activity log costs the enroll route: the same run with the log off and on, on PostgreSQL through Envoy.

    python -m bench.activitylog              # off, on, on, off: 10 s each after a 2 s warm-up
    python -m bench.activitylog --quick      # 4 s each

Each round starts a fresh stack (`tests.stack.make_stack`, one worker, metrics off) with `LMS_ACTIVITY_LOG`
off or on, seeds bench.seed's catalogue (1,000 courses), and runs bench/wrk/enroll.lua with bench.compare's
wrk runner: an admin enrolls new users into random courses, so every request is an enrollment that the log
records (one `enrollment_created` row in the same transaction, plus the admin token's one `sign_in`).
The rounds alternate so drift on a shared machine hits both sides alike; the best round of each side is
compared. Bound: throughput with the log on at least 90 % of off. Exits 1 when it is missed. Needs
PostgreSQL and wrk.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

import psycopg  # noqa: E402

from bench import seed  # noqa: E402
from bench.compare import run_wrk  # noqa: E402
from tests.stack import PG_ADMIN_URL, make_stack  # noqa: E402

OVERHEAD_BOUND = 0.10


def run(args, mode: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        stack = make_stack("postgresql", Path(tmp), LMS_LOG_LEVEL="WARNING", LMS_DEBUG_QUERY_COUNT="0",
                           LMS_ACTIVITY_LOG=mode, LMS_METRICS_PORT="0", LMS_RATE_LIMIT_USER="1000000000/h")
        stack.start()
        try:
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{stack.pg_database}"
            seed._run(url, seed.CATALOGUE, [])
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
            token = stack.token("bench-admin", seed.TENANT, ["admin"])
            wrk = argparse.Namespace(threads=2, connections=args.connections, duration=args.duration,
                                     warmup=args.warmup)
            result = run_wrk(f"{stack.edge_url}/", "enroll.lua", token, wrk)
            rows = stack.sql("SELECT count(*) FROM activity_logs WHERE activity_type = 'enrollment_created'")[0][0]
            result["log_rows"] = rows
            return result
        finally:
            stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = min(args.duration, 4.0), min(args.warmup, 1.0)
    results: dict[str, list[dict]] = {"off": [], "on": []}
    for round_ in range(args.rounds):
        for mode in (("off", "on") if round_ % 2 == 0 else ("on", "off")):  # (an order effect hits both sides)
            result = run(args, mode)
            results[mode].append(result)
            print(f"enroll, activity log {mode:3}  {result['rps']:8.0f} req/s  p50 {result['p50_ms']:6.2f} ms  "
                  f"p99 {result['p99_ms']:6.2f} ms  bad {result['bad']}  log rows {result['log_rows']}", flush=True)
    best = {mode: max(r["rps"] for r in rs) for mode, rs in results.items()}
    overhead = 1 - best["on"] / best["off"]
    print(f"best: off {best['off']:.0f} req/s, on {best['on']:.0f} req/s: activity-log overhead "
          f"{overhead * 100:+.1f} % of throughput (bound {OVERHEAD_BOUND * 100:.0f} %)")
    ok = overhead < OVERHEAD_BOUND and all(r["bad"] == 0 for rs in results.values() for r in rs)
    ok &= all(r["log_rows"] > 0 for r in results["on"]) and all(r["log_rows"] == 0 for r in results["off"])
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
