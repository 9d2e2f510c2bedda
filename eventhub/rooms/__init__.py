"""Rooms: a working group's live discussion and a plenary's Q&A (pages and Socket.IO events).

Other domains add to a room page through `hooks` (the board: which items a message fed).
"""


def register(app) -> None:
    """The room pages and the room's socket events (discussion, facilitation, moderation)."""
    from . import models, moderation_sockets, sockets, views  # noqa: F401

    app.register_blueprint(views.bp)
    sockets.events.register()
    moderation_sockets.events.register()
