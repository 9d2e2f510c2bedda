"""Jobs: EventHub's own reason for a failure kept as a code and its values, read in each
reader's language

Until now `error` held EventHub's reasons in English ("Stuck: still running 30 min...") beside
exceptions' texts. Those it wrote itself become an `error_code` and `error_args`; an exception's
text stays in `error` as the technical detail, with the code "unexpected".

Revision ID: 5f1c2a9d7e30
Revises: dc537a4504a6
Create Date: 2026-11-28 06:10:00.000000

"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5f1c2a9d7e30"
down_revision = "dc537a4504a6"
branch_labels = None
depends_on = None

STUCK = re.compile(r"Stuck: still running (\d+) min after it started")
TIMES = re.compile(r"it already stopped a consumer (\d+) times")
NO_VERSION = re.compile(r"GiveUp: event \d+ has no report version (\d+)")


def _reason(error: str) -> tuple[str, dict | None, str | None]:
    """(code, values, what stays in `error`) for an error as EventHub wrote it until now."""
    if stuck := STUCK.match(error):
        if "so it was queued again" in error:
            return "stuck-requeued", {"minutes": int(stuck[1])}, None
        if times := TIMES.search(error):
            return "stuck-too-often", {"times": int(times[1])}, None
        return "stuck-failed", {"minutes": int(stuck[1])}, None
    if error == "RuntimeError: interrupted: the job consumer stopped":
        return "interrupted", None, None
    if re.fullmatch(r"GiveUp: event \d+ no longer exists", error):
        return "event-gone", None, error
    if version := NO_VERSION.fullmatch(error):
        return "no-such-version", {"version": int(version[1])}, error
    return "unexpected", None, error


JOB = sa.table(
    "job",
    sa.column("id", sa.Integer),
    sa.column("error", sa.Text),
    sa.column("error_code", sa.String),
    sa.column("error_args", sa.JSON),
)


def upgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_code", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("error_args", sa.JSON(), nullable=True))

    bind = op.get_bind()
    rows = bind.execute(sa.select(JOB.c.id, JOB.c.error).where(JOB.c.error.is_not(None)))
    for job_id, error in rows.all():
        code, values, detail = _reason(error)
        bind.execute(
            JOB.update()
            .where(JOB.c.id == job_id)
            .values(error_code=code, error_args=values, error=detail)
        )


def downgrade():
    # EventHub's reasons go back as their codes (in English, where there was no other text).
    bind = op.get_bind()
    bind.execute(
        JOB.update()
        .where(JOB.c.error.is_(None), JOB.c.error_code.is_not(None))
        .values(error=JOB.c.error_code)
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("error_args")
        batch_op.drop_column("error_code")
