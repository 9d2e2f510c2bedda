"""Deliveries: EventHub's own reason for a message not delivered kept as a code, read in each
reader's language

Until now EventHub's own reasons were written into `answer` in English, beside the mail
server's answers. Those that read exactly as EventHub wrote them become a `reason` code (and
the technical detail of an unreachable server stays in `answer`); every other answer is the
server's own and stays as it is.

Revision ID: dc537a4504a6
Revises: 3b4971a1f75e
Create Date: 2026-11-28 02:32:52.643251

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "dc537a4504a6"
down_revision = "3b4971a1f75e"
branch_labels = None
depends_on = None

TABLES = ("outgoing_mail", "invite_delivery")

# EventHub's answers, as it wrote them: (reason, what stays in `answer`).
EXACT = {
    "no mail server is configured": ("no-mail-server", None),
    "not sent: the message's text is gone": ("content-gone", None),
    "not sent: no longer invited": ("no-longer-invited", None),
    # Written when a refused message had no answer to keep: the state says it failed.
    "not sent": (None, None),
}
UNREACHABLE = "cannot reach "  # + "host:port: the error"

# And back, for a downgrade.
TEXTS = {
    "no-mail-server": "no mail server is configured",
    "content-gone": "not sent: the message's text is gone",
    "no-longer-invited": "not sent: no longer invited",
    "expired": "not sent",
}


def _table(name: str) -> sa.Table:
    return sa.table(
        name,
        sa.column("id", sa.Integer),
        sa.column("answer", sa.Text),
        sa.column("reason", sa.String),
    )


def upgrade():
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column("reason", sa.String(length=40), nullable=True))

    bind = op.get_bind()
    for name in TABLES:
        table = _table(name)
        for answer, (reason, kept) in EXACT.items():
            bind.execute(
                table.update().where(table.c.answer == answer).values(reason=reason, answer=kept)
            )
        rows = bind.execute(
            sa.select(table.c.id, table.c.answer).where(table.c.answer.startswith(UNREACHABLE))
        ).all()
        for row_id, answer in rows:
            bind.execute(
                table.update()
                .where(table.c.id == row_id)
                .values(reason="unreachable", answer=answer[len(UNREACHABLE) :])
            )


def downgrade():
    bind = op.get_bind()
    for name in TABLES:
        table = _table(name)
        for reason, text in TEXTS.items():
            bind.execute(table.update().where(table.c.reason == reason).values(answer=text))
        rows = bind.execute(
            sa.select(table.c.id, table.c.answer).where(table.c.reason == "unreachable")
        ).all()
        for row_id, answer in rows:
            bind.execute(
                table.update()
                .where(table.c.id == row_id)
                .values(answer=f"{UNREACHABLE}{answer or ''}")
            )

    for name in reversed(TABLES):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column("reason")
