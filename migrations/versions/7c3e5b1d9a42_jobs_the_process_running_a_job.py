"""Jobs: the process running a job ("host:pid:start"), so that the stuck-job sweep leaves alone a
job whose process still runs (slow, or starved of CPU beside a busy web process)

Revision ID: 7c3e5b1d9a42
Revises: 5f1c2a9d7e30
Create Date: 2026-11-28 06:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c3e5b1d9a42"
down_revision = "5f1c2a9d7e30"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("runner", sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("runner")
