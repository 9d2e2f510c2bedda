"""Time zones as people know them: a city and its country, in her language, current zones only.

The list is the tz database's zone.tab (one line per country and zone in use today, so no
`US/Pacific` or `Pacific/Truk`), named through Babel's CLDR data in the reader's language.
Searching matches the city, the country or the IANA name, ignoring case and accents.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

from .i18n import valid_zone

MAX_MATCHES = 8


@dataclass(frozen=True)
class ZoneOption:
    id: str  # the IANA name, what the profile stores
    city: str
    country: str

    @property
    def label(self) -> str:
        if not self.country or self.country == self.city:  # 'Fiji', not 'Fiji — Fiji'
            return self.city
        return f"{self.city} — {self.country}"


@cache
def _zone_tab() -> tuple[tuple[str, str], ...]:
    """(country code, zone) for every zone in use today, from the tzdata package."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _coordinates, zone, *_comment = line.split("\t")
            if valid_zone(zone):
                rows.append((code, zone))
    return tuple(rows)


def _fold(text: str) -> str:
    """Lower case without accents, so that 'sao paulo' finds 'São Paulo'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def zone_options(language: str) -> tuple[ZoneOption, ...]:
    """Every current zone, named in `language`, sorted by country then city; UTC at the end."""
    locale = Locale.parse(language)
    options = []
    for code, zone in _zone_tab():
        try:
            city = get_timezone_location(zone, locale=locale, return_city=True)
        except (LookupError, ValueError):
            city = zone.rsplit("/", 1)[-1].replace("_", " ")
        country = locale.territories.get(code, code)
        options.append(ZoneOption(zone, city, country))
    options.sort(key=lambda o: (_fold(o.country), _fold(o.city)))
    options.append(ZoneOption("UTC", locale.territories.get("001", "UTC"), "UTC"))
    return tuple(options)


@cache
def zone_list(language: str) -> dict:
    """The picker's data: every option, and the old names a device may still report
    ('Asia/Calcutta') mapped to the listed one ('Asia/Kolkata')."""
    options = zone_options(language)
    listed = {o.id for o in options}
    aliases = {
        old: new
        for old, new in get_global("zone_aliases").items()
        if new in listed and "/" in old and old not in listed
    }
    return {
        "zones": [{"id": o.id, "city": o.city, "country": o.country} for o in options],
        "aliases": aliases,
    }


@cache
def _by_id(language: str) -> dict[str, ZoneOption]:
    return {o.id: o for o in zone_options(language)}


def option_for(zone_id: str | None, language: str) -> ZoneOption | None:
    """The named option of a zone, also for a valid zone outside the list (an old profile)."""
    if not zone_id:
        return None
    option = _by_id(language).get(zone_id)
    if option is None and valid_zone(zone_id):
        option = ZoneOption(zone_id, zone_id, "")
    return option


def find_zones(query: str, language: str) -> list[ZoneOption]:
    """The zones whose label, city, country or IANA name match `query`: an exact match alone,
    else those that start with it, then those that contain it."""
    wanted = _fold(query.strip())
    if not wanted:
        return []
    exact, starts, contains = [], [], []
    for option in zone_options(language):
        names = [_fold(n) for n in (option.label, option.city, option.country, option.id)]
        if wanted in (names[0], names[3]):
            exact.append(option)
        elif any(n.startswith(wanted) for n in names):
            starts.append(option)
        elif any(wanted in n for n in names):
            contains.append(option)
    return exact or (starts + contains)


def resolve(text: str | None, language: str) -> tuple[str | None, list[ZoneOption]]:
    """What a person typed in the zone field, as (IANA name, candidates): the name when one zone
    fits (an IANA name, a label, or a search with one result), else None and the candidates."""
    if not text or not text.strip():
        return None, []
    text = text.strip()
    if valid_zone(text):  # an old name ('US/Pacific') is stored as today's ('America/Los_Angeles')
        return (get_global("zone_aliases").get(text, text) if "/" in text else text), []
    matches = find_zones(text, language)
    if len(matches) == 1:
        return matches[0].id, matches
    return None, matches[:MAX_MATCHES]
