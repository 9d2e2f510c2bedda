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

from babel.dates import (
    format_date,
    format_interval,
    format_time,
    get_timezone_location,
)
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .data import (
    Edition,
    FloorQuestion,
    GroupData,
    ItemData,
    QuestionData,
    ReportData,
    SessionData,
)

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
        if r.starts == r.ends:
            return self.date(r.starts)
        return format_interval(r.starts, r.ends, skeleton="yMMMMd", locale=self.language)

    def date(self, day: date) -> str:
        return format_date(day, format="long", locale=self.language)

    def place(self) -> str:
        """Where the meeting was: its venue and format, else the sessions' places."""
        r = self.report
        where = r.venue or " · ".join(r.places)
        how = {
            "in-person": _("in person"),
            "online": _("online"),
            "hybrid": _("hybrid: in person and online"),
        }.get(r.format, "")
        if where and how:
            return _("%(place)s (%(format)s)", place=where, format=how)
        if where:
            return where
        if r.format == "online":
            return _("Online meeting")
        return how  # nothing said when the programme says nothing: never a guess

    def zone_name(self) -> str:
        """The event's zone by its city in this language (e.g. « heure : Johannesburg »)."""
        try:
            return get_timezone_location(self.zone, locale=self.language, return_city=False)
        except (LookupError, ValueError):  # babel lacks a few zones: the IANA name stays right
            return self.report.timezone

    def instant(self, moment) -> str:
        """An instant in the event's zone, in words of this language, with the zone's name."""
        local = moment.astimezone(self.zone)
        return _(
            "%(date)s at %(time)s (%(zone)s)",
            date=format_date(local.date(), format="long", locale=self.language),
            time=format_time(local, format="short", locale=self.language),
            zone=self.zone_name(),
        )

    def role_heading(self, role: str) -> str:
        return {
            "host": _("Host"),
            "organiser": _("Organisers"),
            "secretariat": _("Secretariat"),
            "partner": _("Partners"),
            "funder": _("Funders"),
        }.get(role, role)

    def support(self, item: ItemData) -> str:
        """How many participants endorse it: a count, never who."""
        if not item.endorsements:
            return _("No endorsement recorded")
        return ngettext(
            "Endorsed by %(num)d participant",
            "Endorsed by %(num)d participants",
            item.endorsements,
        )

    def due(self, item: ItemData) -> str:
        return self.date(item.due) if item.due else "—"

    def fallback_note(self) -> str:
        """Where this edition shows text in the event's first language, for want of one in its own."""
        if not self.report.fallbacks:
            return ""
        from babel import Locale

        original = Locale.parse(self.report.language).get_display_name(self.language)
        shown = ", ".join(self._part_name(p) for p in self.report.fallbacks[:12])
        if len(self.report.fallbacks) > 12:
            shown = _(
                "%(parts)s and %(num)d more", parts=shown, num=len(self.report.fallbacks) - 12
            )
        return _(
            "Not yet translated, and so given in the original (%(language)s): %(parts)s.",
            language=original,
            parts=shown,
        )

    def _part_name(self, part: str) -> str:
        return {
            "title": _("the title"),
            "summary": _("the summary"),
            "venue": _("the venue"),
            "acknowledgements": _("the acknowledgements"),
            "executive_summary": _("the executive summary"),
            "opening_messages": _("the key messages of the opening"),
            "closing_messages": _("the key messages of the closing"),
            "glossary": _("the glossary"),
            "programme": _("the programme"),
        }.get(part, part)

    def adoption_line(self) -> str:
        """How the published version was adopted (the draft says nothing)."""
        adoption = self.edition.adoption
        if self.edition.draft:
            return ""
        if adoption is None or adoption.method != "silence":
            return _("Published by the organisers.")
        to = _("the lead networks") if adoption.circulated_to == "leads" else _("every participant")
        return _(
            "Adopted by silence procedure: circulated to %(to)s on %(circulated)s, no objection "
            "by the deadline of %(deadline)s.",
            to=to,
            circulated=self.instant(adoption.circulated_at),
            deadline=self.instant(adoption.deadline),
        )

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
            "contents": lambda: _("Contents"),
            "summary": lambda: _("Summary"),
            "executive_summary": lambda: _("Executive summary"),
            "key_messages": lambda: _("Key messages"),
            "opening_messages": lambda: _("Key messages of the opening"),
            "closing_messages": lambda: _("Key messages of the closing"),
            "floor_questions": lambda: _("Questions from the floor"),
            "partners": lambda: _("Organisers and partners"),
            "acknowledgements": lambda: _("Acknowledgements"),
            "follow_ups": lambda: _("Follow-up actions"),
            "glossary": lambda: _("Glossary"),
            "background": lambda: _("Background"),
            "introduction": lambda: _("Introduction"),
            "narrative": lambda: _("Summary of the discussion"),
            "by_region": lambda: _("Participating networks by region"),
            "programme": lambda: _("Programme"),
            "groups": lambda: _("Working groups"),
            "by_audience": lambda: _("Recommendations by audience"),
            "annex": lambda: _("Annex: participation"),
            "insights": lambda: _("Key insights"),
            "recommendations": lambda: _("Agreed recommendations"),
            "theme": lambda: _("Theme"),
            "objectives": lambda: _("Objectives"),
            "questions": lambda: _("Guiding questions"),
            "networks": lambda: _("Networks represented"),
            "figures": lambda: _("Members and messages per working group"),
        }[key]()

    def label(self, key: str) -> str:
        return {
            "host": lambda: _("Host"),
            "dates": lambda: _("Dates"),
            "place": lambda: _("Place"),
            "lead": lambda: _("Lead networks"),
            "facilitators": lambda: _("Facilitators"),
            "rapporteurs": lambda: _("Rapporteurs"),
            "group": lambda: _("Working group"),
            "members": lambda: _("Members"),
            "messages": lambda: _("Messages"),
            "network": lambda: _("Network"),
            "region": lambda: _("Region"),
            "total": lambda: _("Total"),
            "reference": lambda: _("Reference"),
            "audience": lambda: _("Audience"),
            "on_board": lambda: _("See it on the board"),
            "what": lambda: _("Action"),
            "who": lambda: _("Who acts"),
            "by_when": lambda: _("By when"),
            "from": lambda: _("From"),
            "no_region": lambda: _("Region not given"),
            "support": lambda: _("Support"),
            "none_agreed": lambda: (
                _("No recommendation has been agreed yet.")
                if self.edition.draft
                else _("No recommendation was agreed.")
            ),
            "no_insights": lambda: (
                _("No key insight has been agreed yet.")
                if self.edition.draft
                else _("No key insight was agreed.")
            ),
            "no_sessions": lambda: _("No session in the programme."),
            "times_note": lambda: _(
                "Times are in the event's time zone: %(zone)s.", zone=self.zone_name()
            ),
            "chart": lambda: _("Members and messages per working group (chart)"),
        }[key]()

    def group_title(self, group: GroupData) -> str:
        return _(
            "Working group %(number)s: %(title)s",
            number=group.number,
            title=self.content(group.title),
        )

    def floor_session(self, session: SessionData) -> str:
        """The heading over a session's questions from the floor: its title and its day."""
        return _(
            "%(session)s, %(date)s",
            session=self.content(session.title),
            date=self.date(session.starts_at.astimezone(self.zone).date()),
        )

    def floor_question(self, question: FloorQuestion) -> str:
        if not question.addressed_to:
            return self.content(question.text)
        return _(
            "%(question)s (to %(panellist)s)",
            question=self.content(question.text),
            panellist=self.content(question.addressed_to),
        )

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

    def by_question(self, group: GroupData) -> list[tuple]:
        """(question, insights, recommendations) for each guiding question once, in order, then
        (None, ...) for the items that answer none."""
        known = {q.number for q in group.guiding_questions}
        rows = [
            (
                q,
                [i for i in group.insights if i.question_number == q.number],
                [i for i in group.recommendations if i.question_number == q.number],
            )
            for q in group.guiding_questions
        ]
        other = (
            [i for i in group.insights if i.question_number not in known],
            [i for i in group.recommendations if i.question_number not in known],
        )
        if other[0] or other[1]:
            rows.append((None, *other))
        return rows

    def audience_heading(self, audience: str | None) -> str:
        if not audience:
            return _("Recommendations without a stated audience")
        return _("Recommendations to %(audience)s", audience=self.content(audience))

    def audience_of(self, item: ItemData) -> str:
        if not item.audience:
            return ""
        return _("Audience: %(audience)s", audience=self.content(item.audience))

    def from_group(self, group: GroupData) -> str:
        return _(
            "From working group %(number)s: %(title)s",
            number=group.number,
            title=self.content(group.title),
        )

    def lead_networks(self, group: GroupData) -> str:
        return ", ".join(
            f"{n.acronym} ({n.name})" if n.acronym and n.acronym != n.name else n.name
            for n in group.lead_networks
        )

    def totals(self) -> str:
        """The participation in figures that add up: every person once in the total; a person
        in two groups counts in each group's row."""
        p = self.report.participation
        people = ngettext(
            "%(num)d person took part in the event.",
            "%(num)d people took part in the event.",
            p.members,
        )
        if not p.messages:
            messages = _("No message was posted in the working-group rooms.")
        else:
            messages = ngettext(
                "%(num)d message was posted in the working-group rooms.",
                "%(num)d messages were posted in the working-group rooms.",
                p.messages,
            )
        return f"{people} {messages}"

    def totals_note(self) -> str:
        p = self.report.participation
        notes = []
        if p.outside_groups:
            notes.append(
                ngettext(
                    "%(num)d of them belongs to no working group (organisers, plenary only).",
                    "%(num)d of them belong to no working group (organisers, plenary only).",
                    p.outside_groups,
                )
            )
        if p.in_several_groups:
            notes.append(
                ngettext(
                    "%(num)d person is a member of more than one group and counts in each.",
                    "%(num)d people are members of more than one group and count in each.",
                    p.in_several_groups,
                )
            )
        return " ".join(notes)

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
        return [
            (format_date(day, format="full", locale=self.language), sessions)
            for day, sessions in days.items()
        ]

    def session_time(self, session: SessionData) -> str:
        start = format_time(
            session.starts_at, format="short", tzinfo=self.zone, locale=self.language
        )
        end = format_time(session.ends_at, format="short", tzinfo=self.zone, locale=self.language)
        return f"{start}–{end}"

    def session_group(self, session: SessionData) -> GroupData | None:
        return self.report.group(session.working_group_key)
