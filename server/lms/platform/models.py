"""The declarative base every domain's models derive from, and shared column types."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import ClassVar
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, DateTime, MetaData, Numeric, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
CENTS = Decimal("0.01")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


class UtcDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return as_utc(value)


class Money(TypeDecorator):
    """A Decimal with two places: NUMERIC(12,2) on PostgreSQL, integer cents on SQLite (never a float)."""

    impl = Numeric(12, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(12, 2, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)
        return int(value * 100) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)) / 100).quantize(CENTS)
        return Decimal(value).quantize(CENTS)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TenantScoped:
    """Mixin of every tenant-owned table: the shared session scoping filters and stamps `tenant_id`.

    `tenant_id` has an index of its own unless the table sets `__tenant_index__ = False` because one of its
    composite indexes starts with `tenant_id` (that one serves the same lookups; every index is paid for on
    each insert and on each update that cannot stay on the row's page).
    """

    __tenant_index__: ClassVar[bool] = True

    @declared_attr
    def tenant_id(cls) -> Mapped[str]:
        return mapped_column(String(64), nullable=False, index=cls.__tenant_index__)


class TenantOrShared:
    """Mixin of tables whose rows belong to a tenant or, with a NULL tenant, to every tenant."""

    @declared_attr
    def tenant_id(cls) -> Mapped[str | None]:
        return mapped_column(String(64), nullable=True, index=True)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow, nullable=False)
