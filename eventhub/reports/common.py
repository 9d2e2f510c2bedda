"""What every report builder shares: the fixed text in the chosen language, dates, direction.

Builders call these inside `force_locale(language)`, so `_()` answers in that language once the
catalogues exist; dates are formatted by Babel for the language, in the event's time zone.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..i18n import fmt_date, fmt_date_range, fmt_day, fmt_time_range
from .data import Edition, GroupData, ItemData, QuestionData, ReportData, SessionData

LANGUAGES = ("en", "fr", "ar", "es", "ru")
RTL_LANGUAGES = frozenset({"ar"})
FORMATS = ("html", "pdf", "docx", "md")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language {language!r}; one of {', '.join(LANGUAGES)}")
    return language


def direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Fixed text in `language` for the duration (English when no app context is active)."""
    with force_locale(check_language(language)):
        yield


class Words:
    """The report's fixed text and formatted dates for one language. Use inside in_language()."""

    def __init__(self, report: ReportData, language: str, edition: Edition | None = None):
        self.report = report
        self.language = check_language(language)
        self.edition = edition or Edition()
        self.zone = ZoneInfo(report.timezone)
        self.dir = direction(language)
        self.rtl = self.dir == "rtl"

    def text_dir(self, text: str) -> str:
        """The direction of text as written, from its first strong character (like dir="auto",
        which WeasyPrint does not implement); the report's own when it has none."""
        for char in text:
            kind = unicodedata.bidirectional(char)
            if kind == "L":
                return "ltr"
            if kind in ("R", "AL"):
                return "rtl"
        return self.dir

    def dir_attr(self, text: str) -> Markup:
        """` dir="ltr"` for text written against the report's direction; nothing otherwise."""
        own = self.text_dir(text)
        return Markup(f' dir="{own}"') if own != self.dir else Markup("")

    def content(self, text: str) -> str:
        """Text as written, isolated in a right-to-left report so that an English sentence keeps
        its own direction (its full stop stays at its end): FSI ... PDI, Unicode's dir="auto"."""
        return f"\u2068{text}\u2069" if self.rtl and text else text

    # --- title page ---

    def period(self) -> str:
        r = self.report
        return fmt_date_range(r.starts, r.ends, locale=self.language, long=True)

    def date(self, day: date) -> str:
        return fmt_date(day, locale=self.language, long=True)

    def place(self) -> str:
        if not self.report.places:
            return _("Virtual meeting")
        return " · ".join(self.report.places)

    def edition_line(self) -> str:
        e = self.edition
        if e.draft:
            return _("Draft: not yet published; it changes as the boards change.")
        return _(
            "Version %(version)s, published on %(date)s",
            version=e.version,
            date=self.date(e.published_at.astimezone(self.zone).date()),
        )

    def hash_line(self) -> str:
        if self.edition.draft or not self.edition.content_hash:
            return ""
        return _("Content hash (SHA-256): %(hash)s", hash=self.edition.content_hash)

    def attribution_note(self) -> str:
        if self.report.chatham_house:
            return _(
                "This meeting was held under the Chatham House rule: no participant is named "
                "in this report."
            )
        return _("The facilitators and rapporteurs of each working group are credited by name.")

    # --- headings and labels ---

    def heading(self, key: str) -> str:
        return {
            "contents": _("Contents"),
            "summary": _("Summary"),
            "programme": _("Programme"),
            "groups": _("Working groups"),
            "by_audience": _("Recommendations by audience"),
            "annex": _("Annex: participation"),
            "insights": _("Key insights"),
            "recommendations": _("Agreed recommendations"),
            "theme": _("Theme"),
            "objectives": _("Objectives"),
            "questions": _("Guiding questions"),
            "networks": _("Networks represented"),
            "figures": _("Members and messages per working group"),
        }[key]

    def label(self, key: str) -> str:
        return {
            "host": _("Host"),
            "dates": _("Dates"),
            "place": _("Place"),
            "lead": _("Lead networks"),
            "facilitators": _("Facilitators"),
            "rapporteurs": _("Rapporteurs"),
            "group": _("Working group"),
            "members": _("Members"),
            "messages": _("Messages"),
            "network": _("Network"),
            "region": _("Region"),
            "total": _("Total"),
            "reference": _("Reference"),
            "audience": _("Audience"),
            "on_board": _("See it on the board"),
            "none_agreed": _("No recommendation has been agreed yet."),
            "no_insights": _("No key insight has been agreed yet."),
            "no_sessions": _("No session in the programme."),
            "times_note": _(
                "Times are in the event's time zone: %(zone)s.", zone=self.report.timezone
            ),
            "chart": _("Members and messages per working group (chart)"),
        }[key]

    def group_title(self, group: GroupData) -> str:
        return _("Working group %(number)s: %(title)s", number=group.number, title=group.title)

    def question_heading(self, question: QuestionData | None) -> str:
        if question is None:
            return _("Not linked to a guiding question")
        return _(
            "Question %(number)s: %(text)s",
            number=question.number,
            text=self.content(question.text),
        )

    def question_heading_html(self, question: QuestionData | None) -> Markup:
        """question_heading() for HTML: the question in an element with its own direction
        (WeasyPrint loses an FSI isolate when the heading wraps)."""
        if question is None:
            return Markup(escape(_("Not linked to a guiding question")))
        text = Markup("<span{}>{}</span>").format(self.dir_attr(question.text), question.text)
        return Markup(escape(_("Question %(number)s: %(text)s"))) % {
            "number": question.number,
            "text": text,
        }

    def audience_heading(self, audience: str | None) -> str:
        if not audience:
            return _("Recommendations without a stated audience")
        return _("Recommendations to %(audience)s", audience=audience)

    def audience_of(self, item: ItemData) -> str:
        return _("Audience: %(audience)s", audience=item.audience) if item.audience else ""

    def from_group(self, group: GroupData) -> str:
        return _("From working group %(number)s: %(title)s", number=group.number, title=group.title)

    def lead_networks(self, group: GroupData) -> str:
        return ", ".join(
            f"{n.acronym} ({n.name})" if n.acronym and n.acronym != n.name else n.name
            for n in group.lead_networks
        )

    def totals(self) -> str:
        p = self.report.participation
        return _(
            "%(members)s members took part and posted %(messages)s messages in the working-group rooms.",
            members=p.members,
            messages=p.messages,
        )

    def session_kind(self, session: SessionData) -> str:
        return {
            "opening": _("Opening"),
            "closing": _("Closing"),
            "plenary": _("Plenary"),
            "keynote": _("Keynote"),
            "panel": _("Panel"),
            "ministerial": _("Ministerial"),
            "working-group": _("Working-group meeting"),
            "workshop": _("Workshop"),
            "bilateral": _("Bilateral"),
            "break": _("Break"),
        }.get(session.kind, session.kind)

    # --- programme ---

    def programme_days(self) -> list[tuple[str, list[SessionData]]]:
        """Sessions under their day in the event's zone, days and sessions in order."""
        days: dict[date, list[SessionData]] = {}
        for session in sorted(self.report.sessions, key=lambda s: (s.starts_at, s.key)):
            days.setdefault(session.starts_at.astimezone(self.zone).date(), []).append(session)
        return [(fmt_day(day, locale=self.language), sessions) for day, sessions in days.items()]

    def session_time(self, session: SessionData) -> str:
        return fmt_time_range(session.starts_at, session.ends_at, self.zone, locale=self.language)

    def session_group(self, session: SessionData) -> GroupData | None:
        return self.report.group(session.working_group_key)
