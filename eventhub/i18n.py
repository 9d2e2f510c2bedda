"""Language and time-zone choice for the viewer, and locale-aware formatting of instants."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    format_time,
    get_datetime_format,
    get_timezone_name,
)
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

RTL_LANGUAGES = frozenset({"ar"})
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "es": "Español",
    "ru": "Русский",
}
TZ_COOKIE = "eventhub_tz"


def valid_zone(name: str | None) -> ZoneInfo | None:
    """ZoneInfo for an IANA name, or None when it is not one."""
    if not name or len(name) > 64 or name not in _zone_names():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


_ZONES: frozenset[str] | None = None


def _zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def zone_choices() -> list[str]:
    return sorted(z for z in _zone_names() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


def select_locale() -> str:
    """Her profile's language, else her explicit choice, else Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command line, background work: force_locale() where it matters
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def terminal_language() -> str:
    """For the command line: the terminal's language (LC_ALL, LC_MESSAGES or LANG) if we speak it."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            language = value.split(".")[0].split("_")[0].lower()
            if language in current_app.config["LANGUAGES"]:
                return language
            break
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def viewer_zone(event=None) -> ZoneInfo:
    """Her profile's zone, else the one her browser told us, else the event's, else UTC."""
    if not has_request_context():
        return event.zone if event is not None else ZoneInfo("UTC")
    if current_user and current_user.is_authenticated:
        zone = valid_zone(current_user.timezone)
        if zone:
            return zone
    zone = valid_zone(request.cookies.get(TZ_COOKIE)) if request else None
    if zone:
        return zone
    if event is not None:
        return event.zone
    return ZoneInfo("UTC")


def zone_source(event=None) -> str:
    """Where viewer_zone() took the zone from: 'profile', 'browser', 'event' or 'utc'."""
    if current_user and current_user.is_authenticated and valid_zone(current_user.timezone):
        return "profile"
    if valid_zone(request.cookies.get(TZ_COOKIE)):
        return "browser"
    return "event" if event is not None else "utc"


def text_direction() -> str:
    return "rtl" if str(get_locale()).split("_")[0] in RTL_LANGUAGES else "ltr"


def _locale(locale: Locale | str | None = None) -> Locale:
    if locale is not None:
        return locale if isinstance(locale, Locale) else Locale.parse(locale.replace("-", "_"))
    return get_locale() or Locale("en")


# --- The one formatting layer for dates and times --------------------------------------------
# Every page, e-mail and report formats through these, so that nothing shows a numeric short
# date (2/6/24 reads as 6 February or 2 June) or a time with seconds. Each takes an optional
# `locale` for work outside a request (reports, e-mails in the recipient's language).


def fmt_range(starts: datetime, ends: datetime, zone: ZoneInfo) -> str:
    """From start to end in the locale's medium date and short time, without seconds, the end's
    date only when it is another day: 'Oct 26, 2020, 10:00 AM – 12:00 PM' (no zone name).
    `zone` is where the times are read; they are shown as they are there."""
    locale = _locale()
    local_start, local_end = starts.astimezone(zone), ends.astimezone(zone)
    pattern = locale.datetime_formats["medium"]
    pattern = str(getattr(pattern, "pattern", pattern))

    def day_and_time(moment: datetime) -> str:
        # The medium date by its skeleton: Arabic's medium pattern is numeric, this is not.
        day = format_skeleton("yMMMd", moment, locale=locale)
        return pattern.replace("{1}", day).replace(
            "{0}", format_time(moment, "short", locale=locale)
        )

    end = (
        format_time(local_end, "short", locale=locale)
        if local_end.date() == local_start.date()
        else day_and_time(local_end)
    )
    between = locale.interval_formats.get(None) or "{0} – {1}"
    return between.replace("{0}", day_and_time(local_start)).replace("{1}", end)


def _join(day: str, time: str, locale: Locale) -> str:
    """A date and a time put together the way the locale does it ('Fri 27 Nov 2026, 20:00')."""
    pattern = get_datetime_format("medium", locale=locale)
    return pattern.replace("'", "").replace("{1}", day).replace("{0}", time)


def _local(instant: datetime, zone: ZoneInfo | None) -> datetime:
    return instant.astimezone(zone) if zone is not None and instant.tzinfo else instant


def fmt_time(instant: datetime, zone: ZoneInfo | None, locale=None) -> str:
    """The clock time, without seconds: '20:00', '8:00 PM'."""
    return format_time(_local(instant, zone), format="short", locale=_locale(locale))


def fmt_date(
    day: date | datetime, locale=None, zone: ZoneInfo | None = None, long: bool = False
) -> str:
    """The medium date, without the weekday: '27 Nov 2026' ('27 November 2026' when long)."""
    if isinstance(day, datetime):
        day = _local(day, zone).date()
    return format_date(day, format="long" if long else "medium", locale=_locale(locale))


def fmt_weekday(day: date | datetime, zone: ZoneInfo | None = None, locale=None, year=True) -> str:
    """The medium date with its weekday, where the day matters: 'Fri, 27 Nov 2026'."""
    if isinstance(day, datetime):
        day = _local(day, zone).date()
    return format_skeleton("yMMMEd" if year else "MMMEd", day, locale=_locale(locale))


def fmt_day(day: date | datetime, zone: ZoneInfo | None = None, locale=None) -> str:
    """A day as a heading, in full: 'Friday 27 November 2026'."""
    if isinstance(day, datetime):
        day = _local(day, zone).date()
    return format_date(day, format="full", locale=_locale(locale))


def fmt_datetime(
    instant: datetime, zone: ZoneInfo | None, width: str = "medium", locale=None
) -> str:
    """An instant with its weekday and date, never numeric, never with seconds:
    'Fri, 27 Nov 2026, 20:00'; width 'full' spells the date out ('Friday 27 November 2026, 20:00')."""
    loc = _locale(locale)
    local = _local(instant, zone)
    day = fmt_day(local.date(), locale=loc) if width == "full" else fmt_weekday(local, locale=loc)
    return _join(day, fmt_time(local, None, loc), loc)


def fmt_date_range(start: date, end: date, locale=None, long: bool = False) -> str:
    """Two days as one range, each part once: '27–29 Nov 2026', '30 Nov – 2 Dec 2026'."""
    loc = _locale(locale)
    if start == end:
        return fmt_date(start, loc, long=long)
    return format_interval(start, end, skeleton="yMMMMd" if long else "yMMMd", locale=loc)


def fmt_time_range(start: datetime, end: datetime, zone: ZoneInfo | None, locale=None) -> str:
    """'20:00–22:00'; the end's date only when it is another day: '23:00 – Sat, 28 Nov, 01:00'."""
    loc = _locale(locale)
    a, b = _local(start, zone), _local(end, zone)
    if a.date() == b.date():
        return f"{fmt_time(a, None, loc)}–{fmt_time(b, None, loc)}"
    return f"{fmt_time(a, None, loc)} – {_join(fmt_weekday(b, locale=loc, year=False), fmt_time(b, None, loc), loc)}"


def fmt_end(start: datetime, end: datetime, zone: ZoneInfo | None, locale=None) -> str:
    """The end of a range after its start: the time alone, with its date when it is another day."""
    loc = _locale(locale)
    if _local(start, zone).date() == _local(end, zone).date():
        return fmt_time(end, zone, loc)
    return _join(fmt_weekday(end, zone, loc, year=False), fmt_time(end, zone, loc), loc)


def fmt_when(start: datetime, end: datetime, zone: ZoneInfo | None, locale=None) -> str:
    """A session's day and times in one line: 'Fri, 27 Nov 2026, 20:00–22:00'."""
    loc = _locale(locale)
    return _join(fmt_weekday(start, zone, loc), fmt_time_range(start, end, zone, loc), loc)


def other_clock(
    start: datetime, end: datetime | None, zone: ZoneInfo, other: ZoneInfo, locale=None
) -> str | None:
    """The same moment on another clock (the event's), or None when both clocks agree. Its date
    comes with it when that is another day than on `zone`'s clock: a Manila viewer of a Vienna
    evening session reads 'Fri, 27 Nov, 19:00–21:00' beside her Saturday morning."""
    if same_wall_clock(zone, other, start):
        return None
    loc = _locale(locale)
    times = (
        fmt_time_range(start, end, other, loc) if end is not None else fmt_time(start, other, loc)
    )
    if _local(start, zone).date() != _local(start, other).date():
        return _join(fmt_weekday(start, other, loc, year=False), times, loc)
    return times


def fmt_wall(local: datetime, locale=None) -> str:
    """A wall-clock time as someone typed it (no zone attached): 'Sun, 29 Mar 2026, 02:30'."""
    loc = _locale(locale)
    naive = local.replace(tzinfo=None)
    return _join(
        fmt_weekday(naive.date(), locale=loc), format_time(naive.time(), "short", locale=loc), loc
    )


def fmt_zone(zone: ZoneInfo, instant: datetime | None = None) -> str:
    """The zone's name for the locale, e.g. 'heure normale d’Europe centrale (Rome)'."""
    try:
        return get_timezone_name(
            instant.astimezone(zone) if instant else zone,
            width="long",
            locale=_locale(),
            return_zone=False,
        )
    except Exception:  # babel lacks names for a few zones: the IANA name is still right
        return zone.key


def fmt_offset(instant: datetime, zone: ZoneInfo) -> str:
    """UTC offset of `zone` at `instant`, like 'UTC+02:00'."""
    offset = instant.astimezone(zone).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def same_wall_clock(a: ZoneInfo, b: ZoneInfo, instant: datetime) -> bool:
    return instant.astimezone(a).utcoffset() == instant.astimezone(b).utcoffset()


def isolate(text) -> Markup:
    """User or organiser text inside a sentence of ours, isolated for the bidi algorithm: an
    English title in an Arabic sentence keeps its punctuation where it belongs."""
    return Markup("<bdi>{}</bdi>").format(text)


def init_app(app) -> None:
    @app.context_processor
    def _i18n_context():
        return {
            "text_direction": text_direction(),
            "current_language": str(get_locale()).split("_")[0],
            "language_names": LANGUAGE_NAMES,
            "viewer_zone": viewer_zone,
            "time_span": fmt_time_range,
            "range_end": fmt_end,
            "other_clock": other_clock,
        }

    app.jinja_env.filters.update(
        datetime=fmt_datetime,
        time=fmt_time,
        day=fmt_day,
        date=fmt_date,
        bidi=isolate,
        weekday=fmt_weekday,
        date_range=fmt_date_range,
        zone=fmt_zone,
        offset=fmt_offset,
    )
