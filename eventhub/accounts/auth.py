"""Flask-Login wiring: who the request (page or socket) belongs to."""

from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager
from .models import Person


def init_app(app) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(person_id: str) -> Person | None:
        try:
            person = db.session.get(Person, int(person_id))
        except (TypeError, ValueError):
            return None
        return person if person and person.active else None
