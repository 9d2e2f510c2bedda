"""EventHub: international meetings that end in agreed recommendations."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from config import DEV_SECRET, config_for

from . import security
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

    from . import i18n, web

    # Domain modules first: their `@socketio.on` handlers must be known before
    # socketio.init_app() builds the server, so that every app (tests build many) gets them.
    modules = _domain_modules()
    db.init_app(app)
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

    from .markup import init_app as init_markup

    init_markup(app)
    _register_domains(app, modules)
    return app


DOMAINS = ("accounts", "programme", "rooms", "board", "reports", "calendar", "api")


def _domain_modules() -> list:
    """Each domain's modules that register something: models, `*views`, `*sockets`, `*cli`."""
    import pkgutil
    from importlib import import_module

    modules = []
    for domain in DOMAINS:
        package = import_module(f"{__name__}.{domain}")
        for name in sorted(m.name for m in pkgutil.iter_modules(package.__path__)):
            if name == "models" or name.endswith(("views", "sockets", "cli")):
                modules.append(import_module(f"{package.__name__}.{name}"))
    return modules


def _register_domains(app: Flask, modules: list) -> None:
    """Blueprints from `blueprints` lists, CLI commands from `commands` lists."""
    from .accounts import auth

    auth.init_app(app)
    for module in modules:
        for blueprint in getattr(module, "blueprints", ()):
            app.register_blueprint(blueprint)
        for command in getattr(module, "commands", ()):
            app.cli.add_command(command)


def _cors_origins(app: Flask):
    origins = app.config["SOCKETIO_CORS_ORIGINS"]
    if not origins:
        return None  # python-engineio: same origin as the request's Host only
    return [o.strip() for o in origins.split(",") if o.strip()]
