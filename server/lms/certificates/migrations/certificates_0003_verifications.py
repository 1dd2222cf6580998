"""The public register of issued certificates: what verification shows, looked up by certificate id.

Verification is public and crosses tenants (an id is unique across them); it reads this table, which
holds only what a certificate shows anyway, instead of the tenant-owned `certificates` table (whose
row-level security no request may switch off). Existing certificates are copied in, so every id issued
before stays verifiable.

Revision ID: certificates_0003
"""
import sqlalchemy as sa
from alembic import op

revision = "certificates_0003"
down_revision = "certificates_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_verifications",
        sa.Column("certificate_id", sa.String(64), primary_key=True),
        sa.Column("certificate_pk", sa.Integer(), sa.ForeignKey(
            "certificates.id", ondelete="CASCADE", name="fk_certificate_verifications_certificate_pk_certificates"),
            nullable=False),
        sa.Column("learner_name", sa.String(310), nullable=False),
        sa.Column("course_title", sa.String(200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("certificate_pk", name="uq_certificate_verifications_certificate_pk"),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("SET LOCAL app.all_tenants = 'on'")  # the copy reads every tenant's certificates
    op.execute("INSERT INTO certificate_verifications (certificate_id, certificate_pk, learner_name, course_title, "
               "issued_at) SELECT certificate_id, id, learner_name, course_title, issued_at FROM certificates")
    if postgresql:
        op.execute("SET LOCAL app.all_tenants = 'off'")


def downgrade() -> None:
    op.drop_table("certificate_verifications")
