"""Drop the message index that duplicated the unique (room_id, seq) constraint

The unique constraint's own index serves history and catch-up; the second one only cost a
page write on every message.

Revision ID: c8dd56b8cb5a
Revises: e090c9ec3626
Create Date: 2026-11-23 16:15:47.146265

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c8dd56b8cb5a"
down_revision = "e090c9ec3626"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_message_room_seq", table_name="message")


def downgrade():
    op.create_index("ix_message_room_seq", "message", ["room_id", "seq"], unique=False)
