"""Commit-ordered event ids: the outbox sequence row, ids assigned at commit, longer room names.

Revision ID: platform_0003
"""
import sqlalchemy as sa
from alembic import op

revision = "platform_0003"
down_revision = "platform_0002"
branch_labels = None
depends_on = None
# Old workers inserted events relying on the id column's default, which this removes: a release whose
# workers had all moved to commit-time ids had to come first (docs/operations.md, expand/contract).
PHASE = "contract"

EVENT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    sequence = op.create_table(
        "outbox_sequence",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last_id", EVENT_ID, nullable=False),
        sa.Column("pruned_id", EVENT_ID, nullable=False),
    )
    last = op.get_bind().execute(sa.text("SELECT COALESCE(MAX(id), 0) FROM outbox_events")).scalar_one()
    op.bulk_insert(sequence, [{"id": 1, "last_id": int(last), "pruned_id": 0}])
    if op.get_bind().dialect.name == "postgresql":
        # Ids now come from outbox_sequence at commit time, never from a column default.
        op.execute("ALTER TABLE outbox_events ALTER COLUMN id DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS outbox_events_id_seq")
    with op.batch_alter_table("outbox_events") as batch:
        batch.alter_column("room", existing_type=sa.String(128), type_=sa.String(200), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_events") as batch:
        batch.alter_column("room", existing_type=sa.String(200), type_=sa.String(128), existing_nullable=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE outbox_events_id_seq OWNED BY outbox_events.id")
        op.execute("SELECT setval('outbox_events_id_seq', COALESCE((SELECT MAX(id) FROM outbox_events), 0) + 1, false)")
        op.execute("ALTER TABLE outbox_events ALTER COLUMN id SET DEFAULT nextval('outbox_events_id_seq')")
    op.drop_table("outbox_sequence")
