"""API keys as credentials (each key keeps a wrap of its account's private keys), and the
API's idempotency keys (keyed hashes, first answer sealed to the account).

Revision ID: 0023
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("salt", sa.LargeBinary(length=16), nullable=True))
        batch.add_column(sa.Column("wrapped", sa.LargeBinary(), nullable=True))
    op.create_table(
        "api_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("answer", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_api_requests_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_requests")),
        sa.UniqueConstraint("tag", name=op.f("uq_api_requests_tag")),
    )
    op.create_index(op.f("ix_api_requests_account_id"), "api_requests", ["account_id"])
    op.create_table(
        "api_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_api_messages_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_messages")),
        sa.UniqueConstraint("public_id", name=op.f("uq_api_messages_public_id")),
    )
    op.create_index(op.f("ix_api_messages_account_id"), "api_messages", ["account_id"])


def downgrade() -> None:
    op.drop_table("api_messages")
    op.drop_table("api_requests")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("wrapped")
        batch.drop_column("salt")
