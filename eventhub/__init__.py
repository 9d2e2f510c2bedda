"""EventHub: international meetings that end in agreed recommendations.

`create_app()` binds the extensions, then asks each domain listed in `DOMAINS` to register
itself. Nothing is found by file name: what a domain adds to the app is what its
`register(app)` says. To add a domain (say `jobs`):

1. Create the package `eventhub/jobs/` with the modules it needs (models.py, service.py,
   views.py, sockets.py, cli.py; docs/architecture.md says what goes where).
2. In `eventhub/jobs/__init__.py` write `register(app)`; import the domain's modules inside
   it (not at the package's top, so importing `eventhub.jobs` stays cheap and cycle-free) and
   register what they define:

       def register(app) -> None:
           from . import cli, models, sockets, views  # noqa: F401  (models: its tables)

           app.register_blueprint(views.bp)      # blueprints (their template filters too)
           sockets.events.register()             # socket handlers: `events = SocketEvents()`
           app.cli.add_command(cli.jobs_command) # CLI commands

   Import `models` even if nothing else uses it, so that Alembic and `db.create_all()` know
   the tables. Socket handlers are decorated `@events.on("name")` with a module's own
   `events = realtime.SocketEvents()`, never `@socketio.on`, which would reach only the
   first app built in a process. Connect and disconnect have one handler each, in realtime:
   a domain adds `realtime.on_connect`/`on_disconnect` hooks.
3. Add the package to `DOMAINS` below, after the domains it imports (imports go one way).

A domain adds to another domain's page only through a hook the other one documents (the board
shows its items on room pages with `rooms.hooks.provide_message_links`), never through a
template global the page checks for.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from config import DEV_SECRET, config_for

from . import (
    accounts,
    archive,
    bilaterals,
    board,
    calendar,
    programme,
    qa,
    reports,
    rooms,
    security,
)
from .extensions import babel, csrf, db, limiter, login_manager, migrate, socketio
from .realtime import SocketSessionInterface

PROJECT_DIR = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the application: configuration, extensions, blueprints, socket handlers, CLI."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder=str(PROJECT_DIR / "static"),
        instance_path=str(PROJECT_DIR / "instance"),
    )
    app.config.from_object(config_for(config_name))
    app.config.update(overrides)
    security.check_secret_key(app, DEV_SECRET)
    Path(app.instance_path).mkdir(exist_ok=True)
    logging.basicConfig(level=logging.INFO if not app.debug else logging.DEBUG)

    from . import health, i18n, jobs, markup, outbox, realtime, web

    db.init_app(app)
    # Before the domains: they enqueue jobs, and their register(app) imports their tasks.
    jobs.init_app(app)
    outbox.init_app(app)  # mail from every domain goes out through it, as jobs
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    login_manager.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        cors_allowed_origins=_cors_origins(app),
        max_http_buffer_size=app.config["SOCKETIO_MAX_BUFFER"],
        manage_session=False,  # the socket uses the page's login session as it is
    )
    app.session_interface = SocketSessionInterface()
    security.trust_proxies(app)
    security.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    markup.init_app(app)
    health.register(app)
    # After socketio.init_app(): handlers go on the server it built for this app.
    realtime.register(app)
    for domain in DOMAINS:
        domain.register(app)

    from . import assets

    assets.init_app(app)  # fingerprinted, cached, compressed static files
    assets.init_request_log(app)  # outermost: one line per request, static files included
    return app


# Every domain, in the order they may import each other (DESIGN.md); each has `register(app)`.
DOMAINS = (accounts, programme, rooms, board, bilaterals, qa, reports, calendar, archive)


def _cors_origins(app: Flask):
    origins = app.config["SOCKETIO_CORS_ORIGINS"]
    if not origins:
        return None  # python-engineio: same origin as the request's Host only
    return [o.strip() for o in origins.split(",") if o.strip()]
