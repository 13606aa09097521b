"""The IMAP \\Recent claims (RFC 3501 §2.3.2) move from one server process into the database, so
that a message is recent in one session only, whichever process serves it. Mailboxes that exist
already start with every message taken: nothing turns recent by upgrading.

Revision ID: 0027
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recent_claims",
        sa.Column("mailbox_id", sa.Integer(), nullable=False),
        sa.Column("claimed_uid", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mailbox_id"],
            ["mailboxes.id"],
            name=op.f("fk_recent_claims_mailbox_id_mailboxes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("mailbox_id", name=op.f("pk_recent_claims")),
    )
    op.execute(
        "INSERT INTO recent_claims (mailbox_id, claimed_uid) SELECT id, uidnext - 1 FROM mailboxes"
    )


def downgrade() -> None:
    op.drop_table("recent_claims")
