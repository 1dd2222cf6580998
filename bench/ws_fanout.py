"""Fan-out benchmark: N WebSocket clients in one course room, through the edge, on a fresh stack.

    python -m bench.ws_fanout [--clients 1000] [--rounds 30] [--backend postgresql|sqlite] [--procs 2]

Starts `lms serve` (as the tests do) on free ports, creates a course with N enrolled students,
connects them all through Envoy (from --procs client processes) and subscribes them to the
course room. Then, round after round, one more client (the course's admin) sends a
`chat_message`; the figure is the time from that send to its `chat.message` event arriving at
each of the N clients: the gRPC call that stores it, the commit, the wake-up of the WebSocket
server, its fan-out, Envoy and the client. Clocks are CLOCK_MONOTONIC, shared by the processes.

Prints the connect rate and the fan-out latency p50/p90/p99/max over every (round, client) pair.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT)]
CONNECT_CONCURRENCY = 50


def _client_process(url: str, tokens: list[str], room: str, rounds: int, to_main, from_main) -> None:
    asyncio.run(_clients(url, tokens, room, rounds, to_main, from_main))


class _Receiver(asyncio.Protocol):
    """A minimal RFC 6455 client for the N receivers (the sender uses the `websockets` library).

    It does the handshake, answers pings and notes the arrival time of each `chat.message` frame,
    and little else, so that the figures measure the service rather than the load generator: the
    library's frame parser would cost more CPU than the server's fan-out on this machine."""

    def __init__(self, request: bytes, arrived):
        self.request = request
        self.arrived = arrived
        self.buffer = bytearray()
        self.open = False
        self.connected = asyncio.get_running_loop().create_future()
        self.transport = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if not self.open:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buffer.startswith(b"HTTP/1.1 101"):
                self.connected.set_exception(RuntimeError(bytes(buffer[:end]).decode(errors="replace")))
                return
            del buffer[:end + 4]
            self.open = True
        while len(buffer) >= 2:
            length, offset = buffer[1] & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length, offset = int.from_bytes(buffer[2:4], "big"), 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length, offset = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < offset + length:
                return
            opcode = buffer[0] & 0x0F
            payload = bytes(buffer[offset:offset + length])
            del buffer[:offset + length]
            if opcode == 0x9:  # ping: answer with a pong (client frames are masked; a zero key is valid)
                self.transport.write(bytes([0x8A, 0x80 | length]) + b"\0\0\0\0" + payload)
            elif opcode == 0x1:
                if not self.connected.done():
                    self.connected.set_result(json.loads(payload))
                elif b'"chat.message"' in payload:
                    self.arrived()


async def _clients(url, tokens, room, rounds, to_main, from_main) -> None:
    import base64
    import os
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    arrivals: list[list[float]] = [[] for _ in range(rounds)]
    counts = [0] * len(tokens)
    round_done = [asyncio.Event() for _ in range(rounds)]
    loop = asyncio.get_running_loop()

    def arrival(index: int):
        def arrived() -> None:
            n = counts[index]
            if n < rounds:
                arrivals[n].append(time.monotonic())
                counts[index] = n + 1
                if len(arrivals[n]) == len(tokens):
                    round_done[n].set()
        return arrived

    async def open_one(index: int, token: str):
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {parts.path}?token={token}&rooms={room} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                   f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                   f"Sec-WebSocket-Version: 13\r\n\r\n").encode()
        async with gate:
            _, receiver = await loop.create_connection(lambda: _Receiver(request, arrival(index)),
                                                       parts.hostname, parts.port)
            connected = await asyncio.wait_for(receiver.connected, 120)
            assert connected["type"] == "connected" and room in connected["rooms"], connected
            return receiver

    to_main.put(("up",))
    await loop.run_in_executor(None, from_main.get)  # "go": every process starts connecting at once
    started = time.monotonic()
    receivers = await asyncio.gather(*(open_one(i, t) for i, t in enumerate(tokens)))
    ready = time.monotonic()
    to_main.put(("ready", started, ready, len(receivers)))
    cpu = time.process_time()
    for n in range(rounds):
        await round_done[n].wait()
        to_main.put(("round", n, arrivals[n], time.process_time() - cpu))
    await loop.run_in_executor(None, from_main.get)  # "stop"
    for receiver in receivers:
        receiver.transport.close()


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument("--ws-workers", type=int, default=1, help="WebSocket server processes")
    parser.add_argument("--direct", action="store_true",
                        help="clients connect to the (first) WebSocket server itself instead of through Envoy")
    args = parser.parse_args(argv)

    from sqlalchemy import create_engine, text

    from tests.conftest import Tenant
    from tests.helpers import make_course
    from tests.stack import PG_ADMIN_URL, make_stack

    data_dir = Path(tempfile.mkdtemp(prefix="lms-bench-ws-"))
    stack = make_stack(args.backend, data_dir, LMS_WS_WORKERS=str(args.ws_workers), LMS_LOG_LEVEL="WARNING")
    print(f"starting lms serve ({args.backend}, {args.ws_workers} WebSocket process(es)) in {data_dir}", flush=True)
    stack.start()
    processes = []
    try:
        tenant = Tenant(stack)
        admin = tenant.admin()
        course = make_course(admin)
        room = f"course_{course['id']}"
        students = [f"bench-{n}" for n in range(args.clients)]
        db_url = stack.database_url if args.backend == "sqlite" else \
            PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{stack.pg_database}"
        engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO enrollments (tenant_id, course_id, user_id, enrolled_at, is_active) "
                                    "VALUES (:t, :c, :u, CURRENT_TIMESTAMP, :a)"),
                               [{"t": tenant.id, "c": course["id"], "u": u, "a": True} for u in students])
        engine.dispose()
        tokens = [stack.token(u, tenant.id) for u in students]

        context = multiprocessing.get_context("spawn")
        to_main = context.Queue()
        stops = []
        share = [tokens[i::args.procs] for i in range(args.procs)]
        for part in share:
            stop = context.Queue()
            stops.append(stop)
            url = stack.ws_direct_url(0) if args.direct else stack.ws_url
            process = context.Process(target=_client_process, args=(url, part, room, args.rounds, to_main, stop))
            process.start()
            processes.append(process)
        for _ in processes:
            assert to_main.get(timeout=120) == ("up",)
        for stop in stops:
            stop.put("go")
        readies = [to_main.get(timeout=600) for _ in processes]
        first, last = min(r[1] for r in readies), max(r[2] for r in readies)
        connected = sum(r[3] for r in readies)
        print(f"connected {connected} clients in {last - first:.2f} s: {connected / (last - first):.0f} connections/s "
              f"({'directly' if args.direct else 'through Envoy'}, subscribed with ?rooms=, "
              f"{CONNECT_CONCURRENCY} in flight per client process)", flush=True)

        latencies: list[float] = []
        per_round_max: list[float] = []
        acks: list[float] = []
        cpu_by_process: list[float] = []
        asyncio.run(_send_rounds(stack, admin.token, room, args.rounds, len(processes), to_main, latencies,
                                 per_round_max, acks, cpu_by_process))
        client_cpu = sum(cpu_by_process)
        for stop in stops:
            stop.put("stop")
        ms = [v * 1000 for v in latencies]
        print(f"fan-out of one chat_message to {connected} clients, {args.rounds} rounds "
              f"({len(ms)} deliveries): p50 {_percentile(ms, 50):.1f} ms, p90 {_percentile(ms, 90):.1f} ms, "
              f"p99 {_percentile(ms, 99):.1f} ms, max {max(ms):.1f} ms", flush=True)
        print(f"time until the last client had it, per round: median {statistics.median(per_round_max) * 1000:.1f} ms, "
              f"worst {max(per_round_max) * 1000:.1f} ms; the sender's ack (message stored over gRPC): "
              f"median {statistics.median(acks) * 1000:.1f} ms", flush=True)
        print(f"CPU used by the benchmark's own receivers: {client_cpu / args.rounds * 1000:.0f} ms per round "
              f"({len(processes)} processes; the machine has {multiprocessing.cpu_count()} cores)", flush=True)
    except BaseException:
        print(f"failed; the service's log is {data_dir / 'serve.log'}", file=sys.stderr)
        raise
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
        stack.stop()


async def _send_rounds(stack, token, room, rounds, procs, to_main, latencies, per_round_max, acks,
                       cpu_by_process) -> None:
    from websockets.asyncio.client import connect

    async with connect(f"{stack.ws_url}?token={token}", compression=None, close_timeout=0.2) as sender:
        await sender.recv()  # connected
        loop = asyncio.get_running_loop()
        for n in range(rounds):
            sent = time.monotonic()
            await sender.send(json.dumps({"type": "chat_message", "room": room, "message": f"round {n}"}))
            ack = json.loads(await sender.recv())
            acks.append(time.monotonic() - sent)
            assert ack["type"] == "ack", ack
            arrivals = []
            cpu_by_process.clear()
            for _ in range(procs):
                kind, number, times, cpu = await loop.run_in_executor(None, to_main.get, True, 120)
                assert kind == "round" and number == n, (kind, number)
                arrivals += times
                cpu_by_process.append(cpu)
            latencies.extend(t - sent for t in arrivals)
            per_round_max.append(max(arrivals) - sent)
            await asyncio.sleep(0.2)


if __name__ == "__main__":
    main()
