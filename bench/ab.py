"""This checkout side by side with an earlier commit: where a per-request cost came from.

    python -m bench.ab --base 2336a0c [--cases list_p1,list_ps100,detail,enroll] [--rounds 4] [--seconds 5]
                       [--env SIDE:LMS_NAME=VALUE ...]

Machine noise moves a figure ±10 % from one run to the next, so two `bench.compare` runs an hour apart cannot
show a 5 % regression. This runs both codes at once instead: the base commit in a temporary git worktree and
this checkout, each as `bench.compare` runs ours (`lms serve --workers 1 --edge-concurrency 1
--no-access-log`) on its own database seeded by its own `bench.seed`. Then, per round and case, wrk `-t2 -c32`
for 1 + N s on one side then the other (which goes first alternates), with the CPU each side's gRPC worker,
Envoy and PostgreSQL backends spent per request (from /proc, warm-up included in both). Prints every round
and the medians.
`--env head:LMS_CONSUMERS=off` sets a variable on one side (`base` or `head`). The worktree, both stacks and
both databases are gone when it ends, however it ends.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]

from bench.compare import CASES, PG_ADMIN_URL, admin_execute, run_wrk, wait_idle  # noqa: E402
from bench.procs import backend_pids, cpu_seconds, tree_pids  # noqa: E402

# Runs in a fresh interpreter with the side's own tree first on sys.path, so that its bench.compare (runner,
# seed, settings) and its lms package are the ones that serve. Prints one JSON line, serves until stdin closes.
_SERVE = """
import argparse, json, shutil, sys
tree, database, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.path[:0] = [tree + "/server", tree]
import bench.compare as compare
compare.OUR_DB = database
ours = compare.Ours(argparse.Namespace(workers=1, edge_concurrency=1, service_env=extra))
ours.prepare(reuse=True)
server = ours.server()
server.start()
try:
    server.wait_http(f"http://127.0.0.1:{ours.edge_port}/api/health/", {}, ready_text="LMS is up")
    print(json.dumps({"edge_port": ours.edge_port, "token": ours.token, "pid": server.process.pid}), flush=True)
    sys.stdin.read()
finally:
    server.stop()
    shutil.rmtree(ours.data_dir, ignore_errors=True)
"""


class Side:
    def __init__(self, name: str, tree: Path, extra: list[str]):
        self.name, self.tree, self.database = name, tree, f"lms_bench_ab_{name}"
        self.process = subprocess.Popen([sys.executable, "-c", _SERVE, str(tree), self.database, *extra],
                                        cwd=tree, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        while not (line := self.process.stdout.readline()).startswith("{"):
            if not line:
                raise SystemExit(f"the {name} side did not start (its log: {tree}/bench/out/lms-serve.log)")
            print(f"  [{name}] {line.rstrip()}", flush=True)
        info = json.loads(line)
        self.edge_port, self.token, self.pid = info["edge_port"], info["token"], info["pid"]

    def processes(self) -> dict[str, list[int]]:
        groups: dict[str, list[int]] = {"worker": [], "envoy": [],
                                        "postgres": backend_pids(PG_ADMIN_URL, self.database)}
        for pid in tree_pids(self.pid):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"lms.app.server" in command:
                groups["worker"].append(pid)
            elif b"envoy" in command:
                groups["envoy"].append(pid)
        return groups

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()


CPU_GROUPS = ("worker", "envoy", "postgres")


def _cpu_text(result: dict) -> str:
    return ", ".join(f"{group} {result[group]:.0f} µs" for group in CPU_GROUPS)


def measure(side: Side, case: str, seconds: float) -> dict:
    path, script, _ = CASES[case]
    before = {pid: cpu_seconds([pid]) for pids in side.processes().values() for pid in pids}
    result = run_wrk(f"http://127.0.0.1:{side.edge_port}{path}", script, side.token,
                     argparse.Namespace(threads=2, connections=32, warmup=1.0, duration=seconds))
    served = result["rps"] * (seconds + 1.0)  # (the CPU counted covers wrk's 1 s warm-up too)
    # (taken again: a pool may have opened database connections meanwhile, whose CPU all counts; one closed
    # meanwhile, an overflow connection of the transactions' pool, takes its CPU with it: not counted)
    cpu = {name: sum(max(cpu_seconds([pid]) - before.get(pid, 0.0), 0.0) for pid in pids) / max(served, 1) * 1e6
           for name, pids in side.processes().items()}
    wait_idle(side.database)
    return {"rps": result["rps"], "bad": result["bad"], **cpu}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the earlier commit (any git revision)")
    parser.add_argument("--cases", default=",".join(CASES), help=f"some of {','.join(CASES)}")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--env", action="append", default=[], metavar="SIDE:LMS_NAME=VALUE")
    args = parser.parse_args(argv)
    cases = args.cases.split(",")
    worktree = Path(tempfile.mkdtemp(prefix="lms-ab-")) / "base"
    subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.base], cwd=ROOT, check=True,
                   capture_output=True)
    sides: list[Side] = []
    try:
        for name, tree in (("base", worktree), ("head", ROOT)):
            extra = [e.split(":", 1)[1] for e in args.env if e.split(":", 1)[0] == name]
            sides.append(Side(name, tree, extra))
        results = {case: {side.name: [] for side in sides} for case in cases}
        for number in range(args.rounds):
            for case in cases:
                for side in (sides if number % 2 == 0 else sides[::-1]):
                    results[case][side.name].append(measure(side, case, args.seconds))
                    time.sleep(0.5)
                print(f"round {number} {case:<11} " + "  ".join(
                    f"{name}: {rs[-1]['rps']:.0f} req/s, " + _cpu_text(rs[-1]) + f", bad {rs[-1]['bad']}"
                    for name, rs in results[case].items()), flush=True)
        print(f"medians of {args.rounds} rounds ({args.base} = base, this checkout = head):")
        for case, by_side in results.items():
            figures = {name: {key: statistics.median(r[key] for r in rs) for key in ("rps", *CPU_GROUPS)}
                       for name, rs in by_side.items()}
            change = figures["head"]["rps"] / figures["base"]["rps"] - 1
            print(f"  {case:<11} base {figures['base']['rps']:.0f} req/s, head {figures['head']['rps']:.0f} req/s "
                  f"({change * 100:+.0f} %); " + ", ".join(
                      f"{group} {figures['base'][group]:.0f} / {figures['head'][group]:.0f} µs" for group in CPU_GROUPS)
                  + " per request", flush=True)
        return 0
    finally:
        for side in sides:
            side.stop()
        for name in ("base", "head"):
            try:
                admin_execute(f"DROP DATABASE IF EXISTS lms_bench_ab_{name} WITH (FORCE)")
            except Exception as error:  # noqa: BLE001 - cleanup is best effort
                print(f"could not drop lms_bench_ab_{name}: {error}", file=sys.stderr)
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, capture_output=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)
        shutil.rmtree(worktree.parent, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
