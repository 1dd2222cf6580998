"""The `lms` command: serve, migrate, token, worker, ws, edge (one container role each: docs/operations.md)."""
from __future__ import annotations

import argparse
import sys

from lms.platform import logs
from lms.platform.config import get_settings

WS_MODULE = "lms.realtime.server"  # the WebSocket server module


def cmd_serve(args) -> int:
    from lms import migrations
    from lms.app.supervisor import Supervisor, banner, install_signal_handlers

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    generated_secret = not (settings.jwt_secret or settings.jwt_public_key or settings.jwt_jwks_url)
    settings.ensure_dev_secret()
    if not args.no_migrate:
        migrations.upgrade(settings)
    supervisor = Supervisor(settings, workers=args.workers or settings.workers,
                            ws_module=None if args.no_ws else WS_MODULE, envoy_concurrency=args.edge_concurrency,
                            access_log=not args.no_access_log, ws_workers=args.ws_workers or settings.ws_workers)
    install_signal_handlers(supervisor)
    supervisor.start()
    if not supervisor.wait_ready():
        print("lms: the service did not become healthy; see the logs above", file=sys.stderr)
        supervisor.stop()
        return 1
    print(banner(settings, token_hint=generated_secret), flush=True)
    code = supervisor.run_forever()
    supervisor.stop()
    return code


def cmd_migrate(args) -> int:
    from lms import migrations

    settings = get_settings()
    if args.downgrade:
        migrations.downgrade(settings, args.downgrade)
    else:
        migrations.upgrade(settings, args.target)
    return 0


def cmd_token(args) -> int:
    from lms.platform.auth import ROLES, mint_token

    settings = get_settings()
    if settings.jwt_public_key or settings.jwt_jwks_url:
        print("lms token: tokens are verified with a public key here; only the auth service can mint them",
              file=sys.stderr)
        return 2
    secret = settings.effective_jwt_secret()
    if not secret:
        print("lms token: no HS256 secret: set LMS_JWT_SECRET or run `lms serve` once to create a "
              "development secret", file=sys.stderr)
        return 2
    roles = args.role or ["student"]
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        print(f"lms token: unknown role(s) {unknown}; use {', '.join(ROLES)}", file=sys.stderr)
        return 2
    first, _, last = (args.name or "").partition(" ")
    print(mint_token(secret, user_id=args.user, tenant_id=args.tenant, roles=roles, ttl_seconds=args.ttl,
                     issuer=settings.jwt_issuer, audience=settings.jwt_audience, email=args.email or "",
                     first_name=first, last_name=last))
    return 0


def cmd_worker(args) -> int:
    from lms.app import server

    server.main(["--port", str(args.port)] if args.port else [])
    return 0


def cmd_ws(args) -> int:
    from lms.realtime import server

    server.main(["--port", str(args.port)] if args.port else [])
    return 0


def _upstreams(values: list[str], default_port: int) -> tuple[tuple[str, int], ...]:
    """`host:port` items, repeated or comma-separated (`server:50051`, `10.0.0.5:50051,10.0.0.6:50051`)."""
    out = []
    for value in values:
        for item in filter(None, (part.strip() for part in value.split(","))):
            host, _, port = item.rpartition(":") if ":" in item else (item, "", str(default_port))
            out.append((host.strip("[]"), int(port)))
    return tuple(out)


def cmd_edge(args) -> int:
    """Renders the Envoy config for the given upstreams (the edge's settings: ports, capacity, CORS) and
    replaces this process with Envoy, so the container's signals reach it directly."""
    import os

    from lms.app import edge
    from lms.app.supervisor import envoy_binary

    settings = get_settings()
    grpc = _upstreams(args.grpc, settings.grpc_port)
    ws = _upstreams(args.ws, settings.ws_port)
    if not grpc or not ws:
        print("lms edge: name the gRPC workers (--grpc host:port) and WebSocket servers (--ws host:port)",
              file=sys.stderr)
        return 2
    layout = edge.EdgeLayout(
        listen_address=args.listen, listen_port=settings.edge_port, admin_port=settings.edge_admin_port,
        grpc_upstreams=grpc, ws_upstreams=ws, descriptor_path=str(edge.DESCRIPTOR_PATH),
        lua_path=str(edge.LUA_PATH), discovery="STRICT_DNS" if args.dns else "STATIC",
        access_log=not args.no_access_log,
        capacity=edge.Capacity(websockets=settings.edge_max_connections, grpc_requests=settings.edge_max_requests),
        cors=edge.Cors(settings.cors_allowed_origins, settings.cors_allowed_origin_regexes,
                       settings.cors_allow_credentials))
    path = settings.data_dir / "envoy.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(edge.render(layout, edge.api_surface()))
    argv = [envoy_binary(), "-c", str(path), "--concurrency", str(args.concurrency), "--log-level", "warn",
            "--disable-hot-restart"]
    if args.print_config:
        print(path.read_text())
        return 0
    sys.stdout.flush()
    os.execv(argv[0], argv)
    return 1  # not reached


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="lms", description="LMS service")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="migrate, then run gRPC workers, the WebSocket server and Envoy")
    serve.add_argument("--workers", type=int, default=0, help="gRPC worker processes (default LMS_WORKERS or 1)")
    serve.add_argument("--ws-workers", type=int, default=0,
                       help="WebSocket server processes (default LMS_WS_WORKERS or 1)")
    serve.add_argument("--edge-concurrency", type=int, default=2, help="Envoy worker threads")
    serve.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")
    serve.add_argument("--no-ws", action="store_true", help="do not start the WebSocket server")
    serve.add_argument("--no-access-log", action="store_true", help="no per-request log lines from the edge")
    serve.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("target", nargs="?", default="heads")
    migrate.add_argument("--downgrade", metavar="TARGET", help="downgrade to TARGET instead")
    migrate.set_defaults(func=cmd_migrate)

    token = sub.add_parser("token", help="mint a development token (needs an HS256 secret)")
    token.add_argument("--user", required=True, help="user id (the `sub` claim)")
    token.add_argument("--tenant", required=True, help="tenant id")
    token.add_argument("--role", action="append", help="student, instructor or admin (repeatable)")
    token.add_argument("--name", help='"First Last"')
    token.add_argument("--email")
    token.add_argument("--ttl", type=int, default=8 * 3600, help="lifetime in seconds")
    token.set_defaults(func=cmd_token)

    worker = sub.add_parser("worker", help="run one gRPC server process")
    worker.add_argument("--port", type=int, default=0)
    worker.set_defaults(func=cmd_worker)

    ws = sub.add_parser("ws", help="run one WebSocket server process")
    ws.add_argument("--port", type=int, default=0)
    ws.set_defaults(func=cmd_ws)

    edge_cmd = sub.add_parser("edge", help="render the Envoy config for the given upstreams and run Envoy")
    edge_cmd.add_argument("--grpc", action="append", default=[], metavar="HOST:PORT[,HOST:PORT]",
                          help="gRPC workers (repeatable, or comma-separated)")
    edge_cmd.add_argument("--ws", action="append", default=[], metavar="HOST:PORT[,HOST:PORT]",
                          help="WebSocket servers (repeatable, or comma-separated)")
    edge_cmd.add_argument("--dns", action="store_true",
                          help="resolve the names continually, each to every address (compose, Kubernetes)")
    edge_cmd.add_argument("--listen", default="0.0.0.0", help="address of the edge's listener")
    edge_cmd.add_argument("--concurrency", type=int, default=2, help="Envoy worker threads")
    edge_cmd.add_argument("--no-access-log", action="store_true", help="no per-request log lines")
    edge_cmd.add_argument("--print-config", action="store_true", help="write and print the config, do not run")
    edge_cmd.set_defaults(func=cmd_edge)

    args = parser.parse_args(argv)
    logs.configure(get_settings().log_level)
    sys.exit(args.func(args))


if __name__ == "__main__":
    main()
