"""The national trust-space whitelist: whitelisted domains and their operators' certificate DNs.

Revision ID: 0028
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "whitelist_entries",
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("dn_key", sa.String(length=1024), nullable=False),
        sa.Column("dn", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("domain", "dn_key", name=op.f("pk_whitelist_entries")),
    )
    op.create_index("ix_whitelist_entries_dn_key", "whitelist_entries", ["dn_key"])


def downgrade() -> None:
    op.drop_index("ix_whitelist_entries_dn_key", table_name="whitelist_entries")
    op.drop_table("whitelist_entries")
