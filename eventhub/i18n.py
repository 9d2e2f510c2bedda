"""Language and time-zone choice for the viewer, and locale-aware formatting of instants."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    format_skeleton,
    format_time,
    get_timezone_name,
)
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

RTL_LANGUAGES = frozenset({"ar"})
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية", "es": "Español"}
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


def _locale() -> Locale:
    return get_locale() or Locale("en")


def fmt_datetime(instant: datetime, zone: ZoneInfo, width: str = "medium") -> str:
    return format_datetime(instant, format=width, tzinfo=zone, locale=_locale())


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


def fmt_time(instant: datetime, zone: ZoneInfo) -> str:
    return format_time(instant, format="short", tzinfo=zone, locale=_locale())


def fmt_day(day: date | datetime, zone: ZoneInfo | None = None) -> str:
    if isinstance(day, datetime):
        day = day.astimezone(zone).date() if zone else day.date()
    return format_date(day, format="full", locale=_locale())


def fmt_date(day: date) -> str:
    return format_date(day, format="long", locale=_locale())


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


def init_app(app) -> None:
    @app.context_processor
    def _i18n_context():
        return {
            "text_direction": text_direction(),
            "current_language": str(get_locale()).split("_")[0],
            "language_names": LANGUAGE_NAMES,
            "viewer_zone": viewer_zone,
        }

    app.jinja_env.filters.update(
        datetime=fmt_datetime,
        time=fmt_time,
        day=fmt_day,
        date=fmt_date,
        zone=fmt_zone,
        offset=fmt_offset,
    )
