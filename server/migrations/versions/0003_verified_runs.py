"""Verified runs: the server starts a run (seed, status) and records what its replay computed.

Runs stored before this revision were reported by clients and stay `finished`.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="finished")
        )
        batch_op.add_column(sa.Column("seed", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("revive", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("height", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("steps", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("claimed_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claimed_coins", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("detail", sa.Text(), nullable=False, server_default=""))
        batch_op.create_index("ix_runs_player_status", ["player_id", "status"], unique=False)
    op.execute("UPDATE runs SET finished_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index("ix_runs_player_status")
        for column in (
            "detail", "claimed_coins", "claimed_score", "steps", "height", "finished_at",
            "revive", "seed", "status",
        ):  # fmt: skip
            batch_op.drop_column(column)
