"""Signature requests: clear states and deadline, sealed body and document, one sealed key per
participant.

Revision ID: 0022
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signature_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("signer_states", sa.String(length=400), nullable=False),
        sa.Column("ordered", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature_requests")),
        sa.UniqueConstraint("public_id", name=op.f("uq_signature_requests_public_id")),
    )
    op.create_index(
        op.f("ix_signature_requests_state_expires_at"),
        "signature_requests",
        ["state", "expires_at"],
    )
    op.create_table(
        "signature_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("sealed_key", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["signature_requests.id"],
            name=op.f("fk_signature_keys_request_id_signature_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature_keys")),
    )
    op.create_index(op.f("ix_signature_keys_request_id"), "signature_keys", ["request_id"])


def downgrade() -> None:
    op.drop_table("signature_keys")
    op.drop_table("signature_requests")
