"""Builds the per-process Runtime from settings."""
from __future__ import annotations

from lms.platform import metrics, querycount, tracing
from lms.platform.auth import TokenVerifier
from lms.platform.config import Settings
from lms.platform.context import Runtime
from lms.platform.db import create_engine, create_read_pool, create_sessionmaker
from lms.platform.ratelimit import InProcessLimiter, RateLimits, RedisLimiter
from lms.platform.storage import create_storage
from lms.users.public import remember_caller


def build_runtime(settings: Settings) -> Runtime:
    engine = create_engine(settings)
    read_pool = create_read_pool(settings)
    if settings.debug_query_count:
        querycount.install(engine)  # (the read path's statements are counted by Call.read)
    metrics.instrument_pool(engine, "transactions")
    metrics.instrument_read_pool(read_pool, "reads")
    tracing.instrument_engines(engine)
    limiter = RedisLimiter(settings.redis_url, settings.redis_namespace) if settings.redis_url else InProcessLimiter()
    return Runtime(
        settings=settings,
        engine=engine,
        read_pool=read_pool,
        sessions=create_sessionmaker(engine),
        verifier=TokenVerifier(settings),
        rate_limits=RateLimits(limiter, user=settings.rate_user, anon=settings.rate_anon,
                               upload=settings.rate_upload),
        storage=create_storage(settings),
        session_hooks=[remember_caller],
    )


async def close_runtime(runtime: Runtime) -> None:
    closer = getattr(runtime.rate_limits.backend, "close", None)
    if closer is not None:
        await closer()
    await runtime.engine.dispose()
    if runtime.read_pool is not None:
        await runtime.read_pool.dispose()
