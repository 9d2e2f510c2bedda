"""Plenary questions and answers: ask, upvote, moderate, answer (docs/realtime.md)."""


def register(app) -> None:
    from . import models, sockets, views  # noqa: F401  (models: the tables)

    app.register_blueprint(views.bp)
    sockets.events.register()
