"""Why a job failed, in the reader's language: EventHub's own reasons are stored on the row as a
code and its values (Job.error_code, Job.error_args) and worded here when a page shows them, as
the outbox does for deliveries (outbox/reasons.py); an exception's own text stays in Job.error,
shown only as technical detail, labelled as such.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from flask_babel import gettext as _


class JobReason(enum.StrEnum):
    UNEXPECTED = "unexpected"  # an exception EventHub did not expect (its text: Job.error)
    INTERRUPTED = "interrupted"  # the consumer stopped while it ran
    STUCK_REQUEUED = "stuck-requeued"  # {minutes}: its consumer died; queued again
    STUCK_FAILED = "stuck-failed"  # {minutes}: its consumer died; not safe to run again
    STUCK_TOO_OFTEN = "stuck-too-often"  # {times}: it took its consumer down each time
    EVENT_GONE = "event-gone"  # the event was deleted before the job ran
    NO_SUCH_VERSION = "no-such-version"  # {version}: the report version is not there


REASONS: dict[str, Callable[[dict], str]] = {
    JobReason.UNEXPECTED: lambda a: _("An unexpected error stopped it on the server."),
    JobReason.INTERRUPTED: lambda a: _("The server stopped while it was working on it."),
    JobReason.STUCK_REQUEUED: lambda a: _(
        "The server stopped in the middle of it (still unfinished %(minutes)s min after "
        "it started), so it was queued again.",
        minutes=a["minutes"],
    ),
    JobReason.STUCK_FAILED: lambda a: _(
        "The server stopped in the middle of it (still unfinished %(minutes)s min after "
        "it started). It was not started again, as it may have done part of its work.",
        minutes=a["minutes"],
    ),
    JobReason.STUCK_TOO_OFTEN: lambda a: _(
        "The server stopped in the middle of it each time it was tried (attempts: %(times)s). "
        "It was not started again.",
        times=a["times"],
    ),
    JobReason.EVENT_GONE: lambda a: _("The event no longer exists."),
    JobReason.NO_SUCH_VERSION: lambda a: _(
        "This report has no version %(version)s.", version=a["version"]
    ),
}


def job_reason(code: str | None, args: dict | None = None) -> str:
    """EventHub's reason `code` in the reader's language ("" for none, or one it does not know)."""
    render = REASONS.get(code or "")
    try:
        return render(args or {}) if render is not None else ""
    except KeyError:  # a row written by another version of EventHub, without a value we need
        return ""
