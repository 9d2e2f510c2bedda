"""Rooms: a working group's live discussion and a plenary's Q&A (pages and Socket.IO events).

Other domains add to a room page through `hooks` (the board: which items a message fed).
"""


def register(app) -> None:
    """The room pages and the room's socket events (discussion, facilitation, moderation)."""
    from ..programme.demo import add_demo_step
    from . import demo, models, moderation_sockets, poll_sockets, sockets, views  # noqa: F401

    app.register_blueprint(views.bp)
    add_demo_step(app, demo.discussion_under_way)
    sockets.events.register()
    moderation_sockets.events.register()
    poll_sockets.events.register()
