"""What domains built on the programme add to an event's navigation, without the programme
importing them.

Imports go one way (DESIGN.md), yet the event's navigation links to pages of later domains
(bilateral meetings, with how many requests wait for her). A domain adds its links in its
`register(app)` with `provide_event_links`; `event_links` gives the page every provider's links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app


@dataclass(frozen=True)
class EventLink:
    label: str
    url: str
    # The names of the pages (`current` in _event_nav.html) on which this link is the current one.
    current: tuple[str, ...] = ()
    # A count shown beside the label (e.g. requests waiting), with its spoken form.
    count: int = 0
    count_label: str = ""


# (event, the person viewing) -> her links for this event
EventLinks = Callable[[object, object], list[EventLink]]

_KEY = "eventhub.programme.event_links"


def provide_event_links(app: Flask, provider: EventLinks) -> None:
    """Add, for this app, links that another domain shows in every event's navigation."""
    app.extensions.setdefault(_KEY, []).append(provider)


def event_links(event, person) -> list[EventLink]:
    """Every provider's links for `event` as `person` sees them."""
    return [
        link
        for provider in current_app.extensions.get(_KEY, ())
        for link in provider(event, person)
    ]
