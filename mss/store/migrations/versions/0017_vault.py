"""Vault: a keyed content tag per document, unique per owner, so identical content saved twice
is one document.

Revision ID: 0017
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vault_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_tag", sa.LargeBinary(length=32), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_vault_documents_account_id_content_tag"),
            ["account_id", "content_tag"],
            unique=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("vault_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vault_documents_account_id_content_tag"))
        batch_op.drop_column("content_tag")
