"""Subscriptions become a list of names of their own (RFC 3501 §6.3.6), no longer a column of
the mailbox: what was subscribed stays subscribed.

Revision ID: 0016
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_subscriptions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_subscriptions_account_id_name")),
    )
    op.execute(
        "INSERT INTO subscriptions (account_id, name)"
        " SELECT account_id, name FROM mailboxes WHERE subscribed"
    )
    op.drop_column("mailboxes", "subscribed")


def downgrade() -> None:
    op.add_column(
        "mailboxes",
        sa.Column("subscribed", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.drop_table("subscriptions")
