"""Board: a working group's insights and recommendations, from draft to agreed."""


def register(app) -> None:
    """The board pages and actions, its socket events, its commands, and its links in rooms."""
    from ..rooms.hooks import provide_message_links
    from . import actions, cli, models, sockets, views  # noqa: F401

    # actions.py adds the POST routes to views.bp: both are imported before it is registered.
    app.register_blueprint(views.bp)
    sockets.events.register()
    app.cli.add_command(cli.export_board_command)
    app.cli.add_command(cli.import_board_command)
    provide_message_links(app, _items_fed_by)


def _items_fed_by(messages) -> dict[int, list[tuple[int, str]]]:
    """For room pages: the board items each message fed, as (item id, reference)."""
    from .models import items_for_messages

    return items_for_messages(m.id for m in messages)
