"""Event ids given by a sequencer after commit: rows get an insertion identity (`seq`), `id` starts NULL.

The table is rebuilt (a new primary key on both databases; SQLite cannot change one in place) and the
stored events keep their ids. It loses the index on `tenant_id` alone: (tenant_id, room, id) serves those
lookups, and each event row is written twice (inserted, then numbered).

Revision ID: platform_0004
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from lms.migrations import rls

revision = "platform_0004"
down_revision = "platform_0003"
branch_labels = None
depends_on = None

EVENT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COLUMNS = "tenant_id, type, room, data, created_at"


def _columns() -> list[sa.Column]:
    return [
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("room", sa.String(200), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _every_tenant(on: bool) -> None:
    # Row-level security binds the migrating role too: copying the table must see every tenant's events.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"SET LOCAL app.all_tenants = '{'on' if on else 'off'}'")


def _replace(new_table: str) -> None:
    rls.disable("outbox_events")
    op.drop_table("outbox_events")
    op.rename_table(new_table, "outbox_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE outbox_events RENAME CONSTRAINT pk_outbox_events_new TO pk_outbox_events")
        op.execute("ALTER SEQUENCE IF EXISTS outbox_events_new_seq_seq RENAME TO outbox_events_seq_seq")
    op.create_index("ix_outbox_events_tenant_room_id", "outbox_events", ["tenant_id", "room", "id"])
    rls.enable("outbox_events")


def upgrade() -> None:
    _every_tenant(True)
    op.create_table(
        "outbox_events_new",
        sa.Column("seq", EVENT_ID, primary_key=True, autoincrement=True),
        sa.Column("id", EVENT_ID, nullable=True),
        *_columns(),
        sa.PrimaryKeyConstraint("seq", name="pk_outbox_events_new"),
        sa.UniqueConstraint("id", name="uq_outbox_events_id"),
    )
    op.execute(f"INSERT INTO outbox_events_new (id, {COLUMNS}) SELECT id, {COLUMNS} FROM outbox_events ORDER BY id")
    # platform_0003 read MAX(id) under row-level security (0 on PostgreSQL): the sequencer must continue
    # after every stored id, or it would hand out ids that exist.
    op.execute("UPDATE outbox_sequence SET last_id = (SELECT COALESCE(MAX(id), 0) FROM outbox_events_new) "
               "WHERE last_id < (SELECT COALESCE(MAX(id), 0) FROM outbox_events_new)")
    _replace("outbox_events_new")
    op.create_index("ix_outbox_events_pending", "outbox_events", ["seq"],
                    postgresql_where=sa.text("id IS NULL"), sqlite_where=sa.text("id IS NULL"))
    _every_tenant(False)


def downgrade() -> None:
    # Events not numbered yet get the next ids, as the sequencer would have given them.
    _every_tenant(True)
    bind = op.get_bind()
    last = bind.execute(sa.text("SELECT last_id FROM outbox_sequence WHERE id = 1")).scalar_one()
    pending = bind.execute(sa.text("SELECT seq FROM outbox_events WHERE id IS NULL ORDER BY seq")).scalars().all()
    for position, seq in enumerate(pending, start=1):
        bind.execute(sa.text("UPDATE outbox_events SET id = :id WHERE seq = :seq"), {"id": last + position, "seq": seq})
    bind.execute(sa.text("UPDATE outbox_sequence SET last_id = :last WHERE id = 1"), {"last": last + len(pending)})
    op.create_table(
        "outbox_events_new",
        sa.Column("id", EVENT_ID, autoincrement=False),
        *_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_events_new"),
    )
    op.execute(f"INSERT INTO outbox_events_new (id, {COLUMNS}) SELECT id, {COLUMNS} FROM outbox_events")
    _replace("outbox_events_new")
    op.create_index("ix_outbox_events_tenant_id", "outbox_events", ["tenant_id"])
    _every_tenant(False)
