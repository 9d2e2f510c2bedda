"""What domains built on the rooms add to a room page, without the rooms importing them.

Imports go one way (DESIGN.md: rooms before board), yet the room page shows under each
message the board items it fed. The board provides that in its `register(app)` with
`provide_message_links`; without a provider (an app without the board) messages show none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask, current_app

from .models import Message

# message id -> [(item id, reference such as "R3")], for the messages given
MessageLinks = Callable[[Iterable[Message]], dict[int, list[tuple[int, str]]]]

_KEY = "eventhub.rooms.message_links"


def provide_message_links(app: Flask, provider: MessageLinks) -> None:
    """Say, for this app, which items of another domain each room message fed."""
    app.extensions[_KEY] = provider


def message_links(messages: Iterable[Message]) -> dict[int, list[tuple[int, str]]]:
    """What the provider says about these messages; nothing when no domain provides it."""
    provider = current_app.extensions.get(_KEY)
    return provider(messages) if provider is not None else {}
