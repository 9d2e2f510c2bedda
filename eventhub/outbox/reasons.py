"""Why a message was not delivered, in the reader's language: EventHub's own reasons are stored
as codes (DeliveryReason) and worded here when a page shows them; the mail server's answer is
its own words and is shown as it said them, labelled as such (templates/outbox/_delivery.html).
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from ..mail import DeliveryReason

REASONS: dict[str, Callable[[], str]] = {
    DeliveryReason.NO_MAIL_SERVER: lambda: _("Not sent: no mail server is configured."),
    DeliveryReason.UNREACHABLE: lambda: _("The mail server could not be reached."),
    DeliveryReason.CONNECTION_LOST: lambda: _("The connection to the mail server was lost."),
    DeliveryReason.CONTENT_GONE: lambda: _(
        "Not sent: the message was no longer kept. Send it again."
    ),
    DeliveryReason.NO_LONGER_INVITED: lambda: _(
        "Not sent: this person is no longer invited to the session."
    ),
    DeliveryReason.EXPIRED: lambda: _("Not sent: it waited too long for the mail server."),
}


def delivery_reason(code: str | None) -> str:
    """EventHub's reason `code` in the reader's language ("" for none, or one it does not know)."""
    render = REASONS.get(code or "")
    return render() if render is not None else ""
