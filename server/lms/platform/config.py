"""Every setting of the service, read once from `LMS_*` environment variables.

Defaults are the embedded mode: a SQLite file and local files under the data directory,
in-process rate limits and events, a development JWT secret generated on first start.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import os
import secrets
from functools import cached_property
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
DEV_SECRET_FILE = "dev-jwt-secret"


# What every role of a production deployment (several replicas: docs/operations.md) must be given: one
# variable of each group. The defaults are the embedded mode's (a SQLite file, local files, in-process
# limits, a secret in the data dir), which replicas cannot share. Checked against docker-compose.yml and
# deploy/kubernetes by tests/deploy.
PRODUCTION_REQUIRED = (
    ("LMS_DATABASE_URL",),
    ("LMS_STORAGE_URL",),
    ("LMS_REDIS_URL",),
    ("LMS_JWT_SECRET", "LMS_JWT_PUBLIC_KEY", "LMS_JWT_JWKS_URL"),
    ("LMS_SECRET_KEY",),
    ("LMS_PUBLIC_URL",),
)


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _int(name: str, default: int) -> int:
    raw = _env(name)
    return int(raw) if raw else default


def _networks(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """Addresses or CIDR blocks; a wrong one stops the service at start (not a 500 on every request)."""
    entries = _list(name, default)
    for entry in entries:
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            raise ValueError(f"{name}: {entry!r} is not an IP address or a CIDR block") from None
    return entries


def _float(name: str, default: float) -> float:
    raw = _env(name)
    return float(raw) if raw else default


def _list(name: str, default: tuple[str, ...] = (), separators: str = ",") -> tuple[str, ...]:
    """A JSON array, or items separated by `separators` (commas) or whitespace; unset: the default, set but
    blank: empty."""
    if name not in os.environ:
        return default
    raw = _env(name)
    if raw.startswith("["):
        import json

        return tuple(str(item).strip() for item in json.loads(raw) if str(item).strip())
    for separator in separators:
        raw = raw.replace(separator, " ")
    return tuple(raw.split())


def _rate(name: str, default: str) -> tuple[int, int]:
    """Parses "1000/h", "100/m", "5/s" or "1000/3600" into (requests, seconds)."""
    raw = _env(name, default)
    count, _, period = raw.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(period) or int(period)
    return int(count), seconds


@dataclasses.dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    storage_url: str
    s3_endpoint_url: str
    s3_region: str
    s3_url_ttl_seconds: int
    scorm_session_ttl_seconds: int
    scorm_max_extracted_mb: int
    redis_url: str
    redis_namespace: str
    idempotency_ttl_hours: int
    jwt_secret: str
    jwt_public_key: str
    jwt_jwks_url: str
    jwt_issuer: str
    jwt_audience: str
    jwt_leeway_seconds: int
    grpc_host: str
    grpc_port: int
    edge_port: int
    edge_admin_port: int
    ws_port: int
    workers: int
    public_url: str
    rate_user: tuple[int, int]
    rate_anon: tuple[int, int]
    rate_upload: tuple[int, int]
    log_level: str
    db_pool_size: int
    debug_query_count: bool = False  # LMS_DEBUG_QUERY_COUNT=1: report SQL statements per call (tests, benchmarks)
    # Live updates (lms.realtime); see the README's "Live updates" section.
    ws_workers: int = 1
    ws_grpc_target: str = ""
    ws_poll_interval: float = 0.0
    ws_ping_interval: float = 20.0
    ws_ping_timeout: float = 20.0
    ws_max_buffer_bytes: int = 1 << 20
    ws_max_rooms: int = 100
    ws_reauth_seconds: float = 300.0
    ws_max_connections: int = 20000
    ws_max_opening: int = 2000
    ws_reconnect_rate: int = 500
    ws_unix_sockets: bool = True
    outbox_retention_days: int = 7
    # Outbox consumers (lms.platform.consumers) in every gRPC worker: LMS_CONSUMERS=off turns them off.
    consumers_enabled: bool = True
    # Trust (lms.platform.trust; docs/security.md): peers whose forwarded client address and host are believed,
    # and the hosts the service answers for.
    trusted_proxies: tuple[str, ...] = ("127.0.0.0/8", "::1/128")
    allowed_hosts: tuple[str, ...] = (".localhost", "127.0.0.1", "[::1]")
    # The edge (lms.app.edge; docs/edge.md): capacity it is sized for, and CORS for browser clients.
    edge_max_connections: int = 20000
    edge_max_requests: int = 10000
    edge_processes: int = 1
    cors_allowed_origins: tuple[str, ...] = ()
    cors_allowed_origin_regexes: tuple[str, ...] = ()
    cors_allow_credentials: bool = False
    # AI chat tutor (lms.ai_chat; docs/ai_chat.md): an OpenAI-compatible model when LMS_AI_BASE_URL is set.
    ai_base_url: str = ""
    ai_api_key: str = ""
    ai_model: str = "gpt-4o-mini"
    ai_stream: bool = True
    ai_timeout: float = 30.0
    ai_max_retries: int = 2
    ai_rate: tuple[int, int] = (60, 3600)
    ai_max_message_length: int = 2000
    ai_stream_interval: float = 0.1
    # Payments (lms.payments): key of secrets at rest, Stripe's API base URL and request timeout.
    secret_key: str = ""
    stripe_api_base: str = "https://api.stripe.com"
    stripe_timeout: float = 20.0
    # Activity log (lms.activitylog; docs/activitylog.md): LMS_ACTIVITY_LOG=off stops recording; rows older
    # than the retention are pruned in batches.
    activity_log_enabled: bool = True
    activity_retention_days: int = 90
    # Observability (docs/observability.md): Prometheus metrics on this port of every worker (0: none), their
    # multiprocess files in LMS_METRICS_DIR.
    metrics_port: int = 0
    metrics_dir: str = ""
    # Graceful shutdown (lms.app.server; docs/operations.md): on SIGTERM a worker reports NOT_SERVING for
    # `drain` seconds (the edge's health checks take it out of rotation meanwhile), then stops accepting calls
    # and gives those in flight up to `grace` seconds.
    shutdown_drain_seconds: float = 3.0
    shutdown_grace_seconds: float = 10.0

    @classmethod
    def from_env(cls) -> "Settings":
        data_dir = Path(_env("LMS_DATA_DIR", ".lms")).resolve()
        edge_port = _int("LMS_EDGE_PORT", 9090)
        return cls(
            data_dir=data_dir,
            database_url=_env("LMS_DATABASE_URL", f"sqlite:///{data_dir / 'lms.sqlite3'}"),
            storage_url=_env("LMS_STORAGE_URL", f"file://{data_dir / 'files'}"),
            s3_endpoint_url=_env("LMS_S3_ENDPOINT_URL"),
            s3_region=_env("LMS_S3_REGION", "us-east-1"),
            s3_url_ttl_seconds=_int("LMS_S3_URL_TTL", 3600),
            scorm_session_ttl_seconds=_int("LMS_SCORM_SESSION_TTL", 1800),
            scorm_max_extracted_mb=_int("LMS_SCORM_MAX_EXTRACTED_MB", 500),
            redis_url=_env("LMS_REDIS_URL"),
            redis_namespace=_env("LMS_REDIS_NAMESPACE", "lms"),
            idempotency_ttl_hours=max(1, _int("LMS_IDEMPOTENCY_TTL_HOURS", 24)),
            jwt_secret=_env("LMS_JWT_SECRET"),
            jwt_public_key=_read_key(_env("LMS_JWT_PUBLIC_KEY")),
            jwt_jwks_url=_env("LMS_JWT_JWKS_URL"),
            jwt_issuer=_env("LMS_JWT_ISSUER"),
            jwt_audience=_env("LMS_JWT_AUDIENCE"),
            jwt_leeway_seconds=_int("LMS_JWT_LEEWAY", 30),
            grpc_host=_env("LMS_GRPC_HOST", "127.0.0.1"),
            grpc_port=_int("LMS_GRPC_PORT", 50051),
            edge_port=edge_port,
            edge_admin_port=_int("LMS_EDGE_ADMIN_PORT", 9901),
            ws_port=_int("LMS_WS_PORT", 50081),
            workers=_int("LMS_WORKERS", 1),
            public_url=_env("LMS_PUBLIC_URL", f"http://localhost:{edge_port}").rstrip("/"),
            rate_user=_rate("LMS_RATE_LIMIT_USER", "1000/h"),
            rate_anon=_rate("LMS_RATE_LIMIT_ANON", "100/h"),
            rate_upload=_rate("LMS_RATE_LIMIT_UPLOAD", "50/h"),
            log_level=_env("LMS_LOG_LEVEL", "INFO").upper(),
            db_pool_size=_int("LMS_DB_POOL_SIZE", 10),
            debug_query_count=_env("LMS_DEBUG_QUERY_COUNT") in ("1", "true", "yes", "on"),
            ws_workers=_int("LMS_WS_WORKERS", 1),
            ws_grpc_target=_env("LMS_WS_GRPC_TARGET"),
            ws_poll_interval=_float("LMS_WS_POLL_INTERVAL", 0.0),
            ws_ping_interval=_float("LMS_WS_PING_INTERVAL", 20.0),
            ws_ping_timeout=_float("LMS_WS_PING_TIMEOUT", 20.0),
            ws_max_buffer_bytes=_int("LMS_WS_MAX_BUFFER_BYTES", 1 << 20),
            ws_max_rooms=_int("LMS_WS_MAX_ROOMS", 100),
            ws_reauth_seconds=_float("LMS_WS_REAUTH_SECONDS", 300.0),
            ws_max_connections=_int("LMS_WS_MAX_CONNECTIONS", 20000),
            ws_max_opening=_int("LMS_WS_MAX_OPENING", 2000),
            ws_reconnect_rate=_int("LMS_WS_RECONNECT_RATE", 500),
            ws_unix_sockets=_env("LMS_WS_UNIX_SOCKETS", "1") not in ("0", "false", "no", "off", ""),
            outbox_retention_days=_int("LMS_OUTBOX_RETENTION_DAYS", 7),
            consumers_enabled=_env("LMS_CONSUMERS", "on").lower() not in ("0", "off", "false", "no"),
            trusted_proxies=_networks("LMS_TRUSTED_PROXIES", ("127.0.0.0/8", "::1/128")),
            allowed_hosts=_list("LMS_ALLOWED_HOSTS", (".localhost", "127.0.0.1", "[::1]")),
            edge_max_connections=_int("LMS_EDGE_MAX_CONNECTIONS", 20000),
            edge_max_requests=_int("LMS_EDGE_MAX_REQUESTS", 10000),
            edge_processes=_int("LMS_EDGE_PROCESSES", 1),
            cors_allowed_origins=_list("LMS_CORS_ALLOWED_ORIGINS"),
            cors_allowed_origin_regexes=_list("LMS_CORS_ALLOWED_ORIGIN_REGEXES", separators=""),
            cors_allow_credentials=_env("LMS_CORS_ALLOW_CREDENTIALS") in ("1", "true", "yes", "on", "True"),
            ai_base_url=_env("LMS_AI_BASE_URL").rstrip("/"),
            ai_api_key=_env("LMS_AI_API_KEY"),
            ai_model=_env("LMS_AI_MODEL", "gpt-4o-mini"),
            ai_stream=_env("LMS_AI_STREAM", "1") not in ("0", "false", "no", "off"),
            ai_timeout=_float("LMS_AI_TIMEOUT", 30.0),
            ai_max_retries=_int("LMS_AI_MAX_RETRIES", 2),
            ai_rate=_rate("LMS_AI_RATE_LIMIT", "60/h"),
            ai_max_message_length=_int("LMS_AI_MAX_MESSAGE_LENGTH", 2000),
            ai_stream_interval=_float("LMS_AI_STREAM_INTERVAL", 0.1),
            secret_key=_env("LMS_SECRET_KEY"),
            stripe_api_base=_env("LMS_STRIPE_API_BASE", "https://api.stripe.com").rstrip("/"),
            stripe_timeout=_float("LMS_STRIPE_TIMEOUT", 20.0),
            activity_log_enabled=_env("LMS_ACTIVITY_LOG", "on").lower() not in ("0", "off", "false", "no"),
            activity_retention_days=_int("LMS_ACTIVITY_RETENTION_DAYS", 90),
            metrics_port=_int("LMS_METRICS_PORT", 0),
            metrics_dir=_env("LMS_METRICS_DIR", str(data_dir / "metrics")),
            shutdown_drain_seconds=_float("LMS_SHUTDOWN_DRAIN_SECONDS", 3.0),
            shutdown_grace_seconds=_float("LMS_SHUTDOWN_GRACE_SECONDS", 10.0),
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def async_database_url(self) -> str:
        """The URL with the asyncio driver of its database (aiosqlite or psycopg)."""
        scheme, _, rest = self.database_url.partition("://")
        if scheme.startswith("sqlite"):
            return f"sqlite+aiosqlite://{rest}"
        if scheme.startswith("postgres"):
            return f"postgresql+psycopg://{rest}"
        raise ValueError(f"LMS_DATABASE_URL: unsupported database {scheme!r} (use sqlite or postgresql)")

    @cached_property
    def sync_database_url(self) -> str:
        """The URL with a blocking driver, for migrations and scripts."""
        scheme, _, rest = self.async_database_url.partition("://")
        return f"sqlite://{rest}" if scheme.startswith("sqlite") else f"postgresql+psycopg://{rest}"

    @property
    def outbox_poll_interval(self) -> float:
        """Seconds between outbox reads of a WebSocket server: how long a new event may wait to be
        numbered (producers notify nobody; lms.platform.events)."""
        return self.ws_poll_interval if self.ws_poll_interval > 0 else 0.05

    @property
    def grpc_target(self) -> str:
        """Where the WebSocket server calls the gRPC services (the supervisor passes every worker)."""
        return self.ws_grpc_target or f"127.0.0.1:{self.grpc_port}"

    def effective_jwt_secret(self) -> str:
        """The HS256 secret: configured, or the development secret stored in the data dir (if any)."""
        if self.jwt_secret:
            return self.jwt_secret
        if self.jwt_public_key or self.jwt_jwks_url:
            return ""
        path = self.data_dir / DEV_SECRET_FILE
        return path.read_text().strip() if path.exists() else ""

    def ensure_dev_secret(self) -> str:
        """Creates the development secret when no key is configured; returns the secret in use."""
        if self.jwt_secret or self.jwt_public_key or self.jwt_jwks_url:
            return self.jwt_secret
        path = self.data_dir / DEV_SECRET_FILE
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48) + "\n")
            path.chmod(0o600)
        return path.read_text().strip()


def _read_key(value: str) -> str:
    """Accepts a PEM text or a path to a PEM file."""
    if value and not value.startswith("-----") and Path(value).exists():
        return Path(value).read_text()
    return value.replace("\\n", "\n")


_settings: Settings | None = None


def get_settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = Settings.from_env()
    return _settings


def reset_settings() -> None:
    """Forgets the cached settings (for scripts that change the environment)."""
    global _settings
    _settings = None
