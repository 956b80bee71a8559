"""load runs and rejected rows

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "load_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("source_name", sa.String(512), nullable=False, index=True),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(32)),
        sa.Column("encoding", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("strict", sa.Boolean, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("rows_loaded", sa.Integer, nullable=False),
        sa.Column("rows_rejected", sa.Integer, nullable=False),
        sa.Column("triples", sa.Integer, nullable=False),
        sa.Column("graph_version", sa.Text),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "rejected_rows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("load_runs.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("row_number", sa.Integer),
        sa.Column("column", sa.String(256)),
        sa.Column("value", sa.Text),
        sa.Column("reason", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rejected_rows")
    op.drop_table("load_runs")
