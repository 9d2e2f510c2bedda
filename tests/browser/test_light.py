"""Light on a weak link, read from the browser's own network log (Chrome DevTools Protocol).

A first visit to the programme page transfers under 60 KB; a repeat visit under 15 KB and asks
the server for no static file at all (they are fingerprinted and cached as immutable).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.fresh_database]


@dataclass
class Transfer:
    url: str
    bytes: int = 0
    from_cache: bool = False
    answered: bool = False  # a response came from the network
    cache_control: str = ""


@dataclass
class NetworkLog:
    """What the page asked for and what crossed the wire, per request."""

    transfers: dict[str, Transfer] = field(default_factory=dict)

    def listen(self, page) -> NetworkLog:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.responseReceived", self._received)
        cdp.on("Network.loadingFinished", self._finished)
        return self

    def _sent(self, event):
        self.transfers.setdefault(event["requestId"], Transfer(event["request"]["url"]))

    def _cached(self, event):
        if event["requestId"] in self.transfers:
            self.transfers[event["requestId"]].from_cache = True

    def _received(self, event):
        transfer = self.transfers.get(event["requestId"])
        if transfer is None:
            return
        response = event["response"]
        cached = response.get("fromDiskCache") or response.get("fromMemoryCache")
        transfer.from_cache = transfer.from_cache or bool(cached)
        transfer.answered = not transfer.from_cache
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        transfer.cache_control = headers.get("cache-control", "")

    def _finished(self, event):
        if event["requestId"] in self.transfers:
            self.transfers[event["requestId"]].bytes = int(event["encodedDataLength"])

    def take(self) -> list[Transfer]:
        taken = list(self.transfers.values())
        self.transfers.clear()
        return taken


@pytest.fixture
def member(make_event, make_person, add_member):
    event = make_event()
    person = make_person("maria@example.org", name="Maria Rossi", timezone="Asia/Manila")
    add_member(person, event, "participant")
    return person


def test_programme_is_light_first_and_needs_no_static_file_again(browser, server, member):
    live = server()
    page = browser(timezone_id="Asia/Manila")
    sign_in(page, live.url, member.email)
    log = NetworkLog().listen(page)  # the cache is emptied: the programme is a cold first load
    programme = f"{live.url}/e/test-event/programme"

    page.goto(programme)
    page.wait_for_load_state("networkidle")
    first = log.take()
    statics = [t for t in first if "/static/" in t.url]
    assert statics, "the page loads its stylesheet and scripts"
    for transfer in statics:
        assert transfer.answered and "immutable" in transfer.cache_control, transfer
    total = sum(t.bytes for t in first)
    assert total < 60_000, f"first load of the programme: {total} bytes"

    page.goto(programme)
    page.wait_for_load_state("networkidle")
    repeat = log.take()
    fetched = [t.url for t in repeat if "/static/" in t.url and (t.answered or t.bytes)]
    assert fetched == [], f"a repeat visit asked again for {fetched}: {repeat}"
    total = sum(t.bytes for t in repeat)
    assert total < 15_000, f"repeat visit of the programme: {total} bytes"


def test_favicon_is_there(browser, server, member):
    live = server()
    page = browser()
    response = page.goto(f"{live.url}/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
