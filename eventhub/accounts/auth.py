"""Flask-Login wiring: who the request (page or socket) belongs to."""

from flask_babel import lazy_gettext as _l

from ..extensions import login_manager
from . import sessions
from .models import Person


def init_app(app) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(session_id: str) -> Person | None:
        # The session (or remember cookie) names a sign-in; it must still be open.
        return sessions.load(session_id)
