"""Groups, their members and invitations.

Revision ID: groups_0001
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "groups_0001"
down_revision = None
branch_labels = ("groups",)
depends_on = ("courses_0001",)


def upgrade() -> None:
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_private", sa.Boolean(), nullable=False),
        sa.Column("max_members", sa.Integer(), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey(
            "courses.id", ondelete="CASCADE", name="fk_groups_course_id_courses"), nullable=True),
        sa.Column("owner_id", sa.String(128), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_groups_tenant_created", "groups", ["tenant_id", "created_at", "id"])
    op.create_index("ix_groups_course_id", "groups", ["course_id"])
    rls.enable("groups")
    op.create_table(
        "group_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey(
            "groups.id", ondelete="CASCADE", name="fk_group_members_group_id_groups"), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("group_id", "user_id", name="uq_group_members_group_id_user_id"),
    )
    op.create_index("ix_group_members_tenant_user", "group_members", ["tenant_id", "user_id"])
    rls.enable("group_members")
    op.create_table(
        "group_invitations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey(
            "groups.id", ondelete="CASCADE", name="fk_group_invitations_group_id_groups"), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("invited_by", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_group_invitations_group_user", "group_invitations", ["group_id", "user_id"])
    op.create_index("ix_group_invitations_tenant_user", "group_invitations", ["tenant_id", "user_id", "status"])
    rls.enable("group_invitations")


def downgrade() -> None:
    op.drop_table("group_invitations")
    op.drop_table("group_members")
    op.drop_table("groups")
