"""Migrations run while the old workers still serve (docs/operations.md, expand/contract): an `upgrade()`
that drops, renames or tightens what old code uses must say so with `PHASE = "contract"`."""
import ast
import re
from pathlib import Path

SERVER = Path(__file__).resolve().parents[2] / "server" / "lms"
# Operations old code may not survive, as alembic calls and as SQL.
CONTRACT_CALLS = {"drop_column", "drop_table", "rename_table", "drop_constraint"}
CONTRACT_KEYWORDS = {"new_column_name", "type_"}  # alter_column(...) renaming or retyping a column
CONTRACT_SQL = re.compile(r"\b(DROP\s+(COLUMN|TABLE|DEFAULT)|RENAME\s+(TO|COLUMN)|SET\s+NOT\s+NULL)\b", re.I)


def contract_operations(source: str) -> list[str]:
    tree = ast.parse(source)
    upgrade = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "upgrade"), None)
    found = []
    for node in ast.walk(upgrade) if upgrade else ():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in CONTRACT_CALLS:
                found.append(name)
            elif name == "alter_column":
                keywords = {k.arg: k.value for k in node.keywords}
                found += [f"alter_column({k}=...)" for k in CONTRACT_KEYWORDS if k in keywords]
                nullable = keywords.get("nullable")
                if isinstance(nullable, ast.Constant) and nullable.value is False:
                    found.append("alter_column(nullable=False)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and CONTRACT_SQL.search(node.value):
            found.append(CONTRACT_SQL.search(node.value).group(0))
    return found


def declared_phase(source: str) -> str | None:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["PHASE"]:
            return node.value.value
    return None


def test_the_detector_sees_contract_operations_and_passes_expand_ones():
    expand = '''def upgrade():
    op.add_column("t", sa.Column("c", sa.Integer(), nullable=True))
    op.create_index("ix", "t", ["c"])
    op.drop_index("old_ix", table_name="t")
    op.execute("ALTER TABLE t ENABLE ROW LEVEL SECURITY")
'''
    assert contract_operations(expand) == []
    contract = '''def upgrade():
    op.drop_column("t", "c")
    with op.batch_alter_table("t") as batch:
        batch.alter_column("a", new_column_name="b")
        batch.alter_column("d", nullable=False)
    op.execute("ALTER TABLE t ALTER COLUMN id DROP DEFAULT")
'''
    assert sorted(contract_operations(contract)) == sorted(
        ["drop_column", "alter_column(new_column_name=...)", "alter_column(nullable=False)", "DROP DEFAULT"])


def test_every_migration_with_contract_operations_declares_its_phase():
    migrations = sorted(SERVER.glob("*/migrations/*.py"))
    assert len(migrations) > 20
    undeclared = {}
    for path in migrations:
        source = path.read_text()
        phase = declared_phase(source)
        assert phase in (None, "expand", "contract"), f"{path.name}: PHASE = {phase!r}"
        found = contract_operations(source)
        if found and phase != "contract":
            undeclared[str(path.relative_to(SERVER))] = found
    assert not undeclared, f"contract operations in migrations not declared PHASE = 'contract': {undeclared}"
