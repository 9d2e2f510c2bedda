"""The application factory wires every domain explicitly, and every app it builds gets all of it."""

from pathlib import Path

import eventhub
from eventhub import DOMAINS, create_app
from eventhub.extensions import socketio
from eventhub.rooms import hooks

SOURCE = Path(eventhub.__file__).parent


def _socket_events() -> set[str]:
    return set(socketio.server.handlers["/"])


def test_a_second_app_in_the_same_process_gets_every_socket_event(tmp_path):
    create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.sqlite'}")
    first = _socket_events()
    create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'b.sqlite'}")
    assert _socket_events() == first
    assert {"connect", "disconnect", "join", "send", "hide", "board_add", "qa_vote"} <= first


def test_every_domain_registers_itself():
    assert [d.__name__.rsplit(".", 1)[1] for d in DOMAINS] == [
        "accounts",
        "programme",
        "rooms",
        "board",
        "bilaterals",
        "qa",
        "reports",
        "calendar",
        "archive",
    ]
    assert all(callable(getattr(d, "register", None)) for d in DOMAINS)


def test_no_handler_is_registered_on_the_shared_server_at_import():
    # `@socketio.on` at import time reaches only the first app built in a process.
    offenders = [
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if "@socketio.on(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_a_room_page_without_a_provider_links_messages_to_nothing(app):
    app.extensions.pop("eventhub.rooms.message_links")
    with app.test_request_context():
        assert hooks.message_links([]) == {}
