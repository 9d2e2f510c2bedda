"""Configuration classes; every setting can be overridden by an EVENTHUB_* environment variable."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET = "dev-secret-not-for-production"


def _env(name: str, default=None):
    return os.environ.get(f"EVENTHUB_{name}", default)


def is_true(value: str) -> bool:
    """How every on/off setting reads (scripts/run.py reads them the same way)."""
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return is_true(value)


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return default if value is None else int(value)


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = _env("SECRET_KEY", DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = _env(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'eventhub.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Flask-SocketIO: "gevent" (default) or "eventlet" (deprecated upstream); only wsgi.py
    # touches the server library.
    ASYNC_MODE = _env("ASYNC_MODE", "gevent")
    # Redis URL for Flask-SocketIO's message queue when several workers run.
    SOCKETIO_MESSAGE_QUEUE = _env("SOCKETIO_MESSAGE_QUEUE")
    # Origins allowed to open a socket; None means the app's own origin only.
    SOCKETIO_CORS_ORIGINS = _env("SOCKETIO_CORS_ORIGINS")
    # Largest Socket.IO frame the server accepts (bytes).
    SOCKETIO_MAX_BUFFER = _env_int("SOCKETIO_MAX_BUFFER", 64 * 1024)
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    # Sign-in attempts per account (strict: stops guessing one password) and per client
    # address (generous: a venue's delegates share one address behind its NAT).
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "10 per minute")
    LOGIN_ADDRESS_RATE_LIMIT = _env("LOGIN_ADDRESS_RATE_LIMIT", "300 per minute;3000 per hour")
    # How many reverse proxies (nginx...) stand in front and set X-Forwarded-For/-Proto/-Host.
    # 0: none, forwarded headers are ignored (a client could forge them).
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    INVITATION_RATE_LIMIT = _env("INVITATION_RATE_LIMIT", "60 per hour")
    # Live rooms, per person and room (see docs/realtime.md).
    ROOM_MESSAGE_RATE = _env("ROOM_MESSAGE_RATE", "10 per 10 seconds")
    ROOM_REPORT_RATE = _env("ROOM_REPORT_RATE", "5 per minute")
    ROOM_ACTION_RATE = _env("ROOM_ACTION_RATE", "30 per minute")
    ROOM_HISTORY_RATE = _env("ROOM_HISTORY_RATE", "60 per minute")
    # Board changes over Socket.IO, per person and board (see docs/board-format.md).
    BOARD_CHANGE_RATE = _env("BOARD_CHANGE_RATE", "10 per 10 seconds")
    # Plenary questions, per person: asking, upvoting, and a moderator's actions.
    QA_ASK_RATE = _env("QA_ASK_RATE", "5 per minute")
    QA_VOTE_RATE = _env("QA_VOTE_RATE", "60 per minute")
    QA_ACTION_RATE = _env("QA_ACTION_RATE", "60 per minute")
    # Vote counts go out to everyone at most this often (seconds); 0 sends each at once.
    QA_VOTE_FLUSH_SECONDS = float(_env("QA_VOTE_FLUSH_SECONDS", "0.25"))
    # With several workers: how often each looks for removed people's sockets (rooms/removals.py).
    ROOM_REMOVAL_SWEEP_SECONDS = float(_env("ROOM_REMOVAL_SWEEP_SECONDS", "2"))
    # Bilateral meeting requests one person may send per hour (bilaterals/service.py).
    BILATERAL_REQUESTS_PER_HOUR = _env_int("BILATERAL_REQUESTS_PER_HOUR", 10)
    # SQLite: a server process copies the write-ahead log back into the database from a thread
    # of its own this often (seconds), never on the live loop (wsgi.py); 0 leaves it to SQLite,
    # which does it inside a commit, stalling every socket while it writes and syncs.
    SQLITE_CHECKPOINT_SECONDS = float(_env("SQLITE_CHECKPOINT_SECONDS", "1"))
    # The most connections (sockets and requests) one web process holds at once.
    MAX_CONNECTIONS = _env_int("MAX_CONNECTIONS", 10_000)
    # With several workers: a dead worker's sockets leave every room's people within this time.
    PRESENCE_TTL_SECONDS = float(_env("PRESENCE_TTL_SECONDS", "15"))
    # Who is in a room goes out to everyone in it at most this often (seconds), the whole list
    # as it is when sent: 200 members reconnecting at once cost a few broadcasts, not 200 of
    # up to 200 names to up to 200 sockets (rooms/presence.py). 0 sends one per change.
    PRESENCE_FLUSH_SECONDS = float(_env("PRESENCE_FLUSH_SECONDS", "0.5"))
    # werkzeug's password hashing method; tests use a cheap one.
    PASSWORD_HASH_METHOD = "scrypt"
    INVITATION_MAX_AGE = _env_int("INVITATION_MAX_AGE", 14 * 24 * 3600)
    # How long before a session starts its video-call link is shown to members (minutes).
    JOIN_LINK_LEAD_MINUTES = _env_int("JOIN_LINK_LEAD_MINUTES", 30)
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("en", "fr", "ar", "es", "ru")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Keep me signed in" lasts this long on a device (each sign-in is listed on her profile).
    REMEMBER_COOKIE_DURATION = timedelta(days=_env_int("REMEMBER_DAYS", 30))
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    WTF_CSRF_TIME_LIMIT = (
        None  # tied to the session instead: a long meeting day must not expire forms
    )
    # Public base URL, used in e-mails and calendar feeds outside a request.
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
    # Outgoing mail (invitations, calendar invites). Unset host: nothing is sent, downloads offered.
    MAIL_SERVER = _env("MAIL_SERVER")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "eventhub@localhost")
    # Every message (invitations, calendar invites, notifications, reminders) is sent by a job:
    # how many go out over one SMTP connection, and how long to wait before each new try of
    # those the server refused for now (seconds; then they are failed). The INVITE_* names
    # of the first release are still read.
    MAIL_BATCH_SIZE = _env_int("MAIL_BATCH_SIZE", _env_int("INVITE_BATCH_SIZE", 50))
    MAIL_RETRY_DELAYS = tuple(
        float(s)
        for s in _env("MAIL_RETRY_DELAYS", _env("INVITE_RETRY_DELAYS", "60,300,1800")).split(",")
        if s.strip()
    )
    # Background jobs (eventhub/jobs): where they wait. Unset: instance/jobs.sqlite (SqliteHuey);
    # redis://... for consumers on several machines.
    JOBS_URL = _env("JOBS_URL")
    # The queue's name (its key prefix in Redis): installations sharing one Redis differ here.
    JOBS_NAME = _env("JOBS_NAME", "eventhub")
    # Jobs run at once, in the process that commits them (tests only).
    JOBS_IMMEDIATE = _env_bool("JOBS_IMMEDIATE", False)
    # Each consumer (`flask worker`): how many jobs at once, in processes or threads.
    JOBS_WORKERS = _env_int("JOBS_WORKERS", 1)
    JOBS_WORKER_TYPE = _env("JOBS_WORKER_TYPE", "process")
    # How much a consumer defers to the web process for the CPU (added to its nice value; 0 to
    # 19). A report build is batch work: on a machine that also serves rooms, the live loop
    # must win every contest for a core (docs/performance.md, liveness).
    JOBS_NICE = _env_int("JOBS_NICE", 10)
    # Linux: consumers run under SCHED_IDLE, on CPU time nothing else wants. A nice value alone
    # does not reach across sessions (autogroups), as `make run` starts them, and the room's
    # p99 rose x2.1 while a PDF built beside it; under SCHED_IDLE x1.46 (docs/performance.md).
    # Off on a machine whose web processes keep every core busy, or the jobs would wait.
    JOBS_IDLE_PRIORITY = _env_bool("JOBS_IDLE_PRIORITY", True)
    # CPUs (a Linux CPU list: "1", "0-3"; unset or "any": wherever the scheduler likes) for the
    # web process (read by wsgi.py) and for consumers and their workers. A consumer on the
    # web process's own CPU, under SCHED_IDLE, builds only in the time the web process leaves
    # there, and the room's p99 stayed at its idle figure while a PDF built (eventhub/cpus.py).
    # `make run` does that when both are unset (scripts/run.py).
    WEB_CPUS = _env("WEB_CPUS")
    JOBS_CPUS = _env("JOBS_CPUS")
    # Rows of finished jobs are removed after this many days.
    JOBS_KEEP_DAYS = _env_int("JOBS_KEEP_DAYS", 30)
    # Sent and failed mail is kept this many days, then only as a delivery record; mail still
    # waiting then is failed, never sent (eventhub/outbox/retention.py).
    OUTBOX_KEEP_DAYS = _env_int("OUTBOX_KEEP_DAYS", 30)
    # A job still "running" this long after it started lost its consumer (killed, crashed): a
    # sweep every 5 minutes fails it, or queues it again when it is safe to run twice (report
    # builds). Longer than the longest job (a 5 x 200-item PDF: about 2 minutes here). Not a
    # job whose process still runs on the sweeping consumer's machine (jobs/runner.py).
    JOBS_STUCK_MINUTES = _env_int("JOBS_STUCK_MINUTES", 30)
    # Built report files, stored by content (a directory every web process and consumer
    # reaches: a shared file system when there are several machines). Unset: instance/.
    REPORT_FILES_DIR = _env("REPORT_FILES_DIR")
    # Publishing a version queues the build of every format and language at once.
    REPORT_PREBUILD = _env_bool("REPORT_PREBUILD", True)
    DEBUG = False
    TESTING = False
    # One line per request in the server's log (method, path, status, size, time).
    REQUEST_LOG = _env_bool("REQUEST_LOG", True)


class DevelopmentConfig(Config):
    DEBUG = _env_bool("DEBUG", False)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    REQUEST_LOG = False
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast: tests sign many people in
    # The test client needs no async server; real-server tests set the mode they exercise.
    ASYNC_MODE = "threading"
    # A job runs at its commit, in a thread of its own; tests/jobs runs real consumers.
    JOBS_IMMEDIATE = True
    # 16 files per publication cost seconds of PDF each: tests that need it turn it on.
    REPORT_PREBUILD = False
    QA_VOTE_FLUSH_SECONDS = 0.0  # deterministic: each count broadcast with its vote
    PRESENCE_FLUSH_SECONDS = 0.0  # deterministic: each change broadcast with its event


class ProductionConfig(Config):
    PRODUCTION = True
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    # Strict-Transport-Security on every response (EventHub is served over HTTPS in production).
    HSTS_ENABLED = _env_bool("HSTS", True)


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    """The configuration class named by `name` or EVENTHUB_CONFIG (default: development)."""
    name = name or _env("CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"EVENTHUB_CONFIG={name!r}: expected one of {sorted(CONFIGS)}") from None
