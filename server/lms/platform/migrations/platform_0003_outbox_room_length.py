"""Outbox rooms long enough for every room name: `user_` plus a user id of up to 128 characters.

Revision ID: platform_0003
"""
import sqlalchemy as sa
from alembic import op

revision = "platform_0003"
down_revision = "platform_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_events") as batch:
        batch.alter_column("room", existing_type=sa.String(128), type_=sa.String(200), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_events") as batch:
        batch.alter_column("room", existing_type=sa.String(200), type_=sa.String(128), existing_nullable=False)
