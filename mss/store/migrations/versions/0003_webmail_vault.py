"""Webmail sessions (web_sessions), TOTP second factors (web_totp), the document vault
(vault_documents, vault_contents), and an index on messages for the webmail's date-sorted lists.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:10:59.752054
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vault_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("sealed_key", sa.LargeBinary(), nullable=False),
        sa.Column("meta", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_vault_documents_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_documents")),
        sa.UniqueConstraint("object_id", name=op.f("uq_vault_documents_object_id")),
    )
    with op.batch_alter_table("vault_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vault_documents_account_id_created_at"),
            ["account_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lookup", sa.LargeBinary(length=32), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("sealed_keys", sa.LargeBinary(), nullable=False),
        sa.Column("sealed_label", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("last_seen_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_web_sessions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("lookup", name=op.f("uq_web_sessions_lookup")),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_web_sessions_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_web_sessions_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "web_totp",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("sealed_secret", sa.LargeBinary(), nullable=False),
        sa.Column("last_step", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_web_totp_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_web_totp")),
    )
    op.create_table(
        "vault_contents",
        sa.Column("object_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["vault_documents.object_id"],
            name=op.f("fk_vault_contents_object_id_vault_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("object_id", name=op.f("pk_vault_contents")),
    )
    op.create_index(
        op.f("ix_messages_mailbox_id_internal_date_uid"),
        "messages",
        ["mailbox_id", "internal_date", "uid"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_messages_mailbox_id_internal_date_uid"), table_name="messages")
    op.drop_table("vault_contents")
    op.drop_table("web_totp")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_expires_at"))
        batch_op.drop_index(batch_op.f("ix_web_sessions_account_id"))

    op.drop_table("web_sessions")
    with op.batch_alter_table("vault_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vault_documents_account_id_created_at"))

    op.drop_table("vault_documents")
