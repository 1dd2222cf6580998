"""The passages' lexemes as rows (PostgreSQL searches them by equality, which row-level security lets an index serve).

PostgreSQL: an AFTER trigger on `ai_chat_passages` writes one `ai_chat_passage_terms` row per distinct lexeme of
the passage's `tsv` (the BEFORE trigger of ai_chat_0001 has just computed it) and rewrites them when `tsv` changes;
deleting a passage deletes its rows (foreign key). Existing passages are backfilled. SQLite: the table only.

Revision ID: ai_chat_0002
"""
import sqlalchemy as sa
from alembic import op

from lms.migrations import rls

revision = "ai_chat_0002"
down_revision = "ai_chat_0001"
branch_labels = None
depends_on = None

_TERMS_OF = "SELECT {tenant}, lexeme, {id} FROM unnest(tsvector_to_array({tsv})) AS lexeme"


def upgrade() -> None:
    op.create_table(
        "ai_chat_passage_terms",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("passage_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["passage_id"], ["ai_chat_passages.id"], ondelete="CASCADE",
                                name="fk_ai_chat_passage_terms_passage_id_ai_chat_passages"),
        sa.PrimaryKeyConstraint("tenant_id", "term", "passage_id", name="pk_ai_chat_passage_terms"),
    )
    op.create_index("ix_ai_chat_passage_terms_passage_id", "ai_chat_passage_terms", ["passage_id"])
    rls.enable("ai_chat_passage_terms")
    # The GIN index of `tsv` served no search under row-level security (see lms.ai_chat.models.PassageTerm).
    op.drop_index("ix_ai_chat_passages_tsv", table_name="ai_chat_passages")
    if op.get_bind().dialect.name != "postgresql":
        return
    terms_of_new = _TERMS_OF.format(tenant="NEW.tenant_id", id="NEW.id", tsv="NEW.tsv")
    op.execute(f"""
CREATE FUNCTION lms_ai_chat_passage_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM ai_chat_passage_terms WHERE passage_id = OLD.id;
  END IF;
  INSERT INTO ai_chat_passage_terms (tenant_id, term, passage_id) {terms_of_new};
  RETURN NULL;
END $$""")
    # (Not `UPDATE OF tsv`: a column set by a BEFORE trigger does not count as updated.)
    op.execute("CREATE TRIGGER lms_ai_chat_passage_terms_insert AFTER INSERT ON ai_chat_passages "
               "FOR EACH ROW EXECUTE FUNCTION lms_ai_chat_passage_terms()")
    op.execute("CREATE TRIGGER lms_ai_chat_passage_terms_update AFTER UPDATE ON ai_chat_passages FOR EACH ROW "
               "WHEN (OLD.tsv IS DISTINCT FROM NEW.tsv OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id) "
               "EXECUTE FUNCTION lms_ai_chat_passage_terms()")
    op.execute("SET LOCAL app.all_tenants = 'on'")  # the backfill reads and writes every tenant's rows
    op.execute("INSERT INTO ai_chat_passage_terms (tenant_id, term, passage_id) SELECT p.tenant_id, lexeme, p.id "
               "FROM ai_chat_passages AS p, unnest(tsvector_to_array(p.tsv)) AS lexeme")
    op.execute("SET LOCAL app.all_tenants = 'off'")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS lms_ai_chat_passage_terms_insert ON ai_chat_passages")
        op.execute("DROP TRIGGER IF EXISTS lms_ai_chat_passage_terms_update ON ai_chat_passages")
        op.execute("DROP FUNCTION IF EXISTS lms_ai_chat_passage_terms()")
    rls.disable("ai_chat_passage_terms")
    op.drop_table("ai_chat_passage_terms")
    op.create_index("ix_ai_chat_passages_tsv", "ai_chat_passages", ["tsv"], postgresql_using="gin")
