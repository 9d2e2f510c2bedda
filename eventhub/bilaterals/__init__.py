"""Bilateral meetings: windows in the programme, requests between participants, bookings."""


def register(app) -> None:
    """The bilateral pages (asking, answering, her settings, the organisers' table schedule),
    and the periodic job that expires requests nobody answered in time."""
    from ..programme.hooks import provide_event_links
    from . import jobs, models, organiser_views, preferences_views, views  # noqa: F401

    app.register_blueprint(views.bp)
    provide_event_links(app, views.event_links)
