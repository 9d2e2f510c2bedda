"""The activity log in the reader's language: one sentence per entry, built from its data.

Names and titles are what people wrote: each is escaped and isolated in <bdi>, so an Arabic
name in a French sentence (or a name with a direction override) cannot reorder the sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ..accounts.models import Person
from ..i18n import fmt_datetime
from .activity import ActivityEntry
from .members import ROLE_LABELS
from .models import Event, Role

# How each action reads. `v` holds the entry's values, already escaped and isolated: actor,
# subject, place (a working group or a session), and the entry's details by name.
SENTENCES: dict[str, Callable[[dict], str]] = {
    "message.hide": lambda v: _("%(actor)s hid message %(seq)s by %(subject)s in %(place)s.", **v),
    "message.unhide": lambda v: _(
        "%(actor)s showed message %(seq)s by %(subject)s in %(place)s again.", **v
    ),
    "message.report": lambda v: _(
        "%(actor)s reported message %(seq)s by %(subject)s in %(place)s to the facilitators.", **v
    ),
    "report.dismiss": lambda v: _(
        "%(actor)s dismissed a report on message %(seq)s by %(subject)s in %(place)s.", **v
    ),
    "comment.hide": lambda v: _(
        "%(actor)s hid a comment by %(subject)s on %(item)s in %(place)s.", **v
    ),
    "person.mute": lambda v: ngettext(
        "%(actor)s muted %(subject)s in %(place)s for %(num)d minute.",
        "%(actor)s muted %(subject)s in %(place)s for %(num)d minutes.",
        v["minutes"],
        **v,
    ),
    "question.approve": lambda v: _("%(actor)s approved a question in %(place)s.", **v),
    "question.hide": lambda v: _("%(actor)s hid a question by %(subject)s in %(place)s.", **v),
    "question.unhide": lambda v: _(
        "%(actor)s showed a question by %(subject)s in %(place)s again.", **v
    ),
    "question.merge": lambda v: _(
        "%(actor)s merged a question by %(subject)s into another one in %(place)s.", **v
    ),
    "qa.premoderate": lambda v: _(
        "%(actor)s made the questions of %(place)s wait for approval.", **v
    ),
    "qa.open": lambda v: _(
        "%(actor)s let the questions of %(place)s appear without approval.", **v
    ),
    "person.unmute": lambda v: _("%(actor)s lifted the mute on %(subject)s in %(place)s.", **v),
    "person.remove": lambda v: _("%(actor)s removed %(subject)s from %(place)s.", **v),
    "person.readmit": lambda v: _("%(actor)s let %(subject)s back into %(place)s.", **v),
    "role.grant": lambda v: _("%(actor)s made %(subject)s %(role)s (%(where)s).", **v),
    "role.change": lambda v: _(
        "%(actor)s changed the role of %(subject)s from %(old_role)s to %(role)s (%(where)s).", **v
    ),
    "role.remove": lambda v: _(
        "%(actor)s took the role %(role)s (%(where)s) away from %(subject)s.", **v
    ),
    "invitation.send": lambda v: _("%(actor)s invited %(email)s as %(role)s (%(where)s).", **v),
    "invitation.withdraw": lambda v: _(
        "%(actor)s withdrew the invitation of %(email)s as %(role)s (%(where)s).", **v
    ),
    "invitation.accept": lambda v: _(
        "%(actor)s accepted the invitation as %(role)s (%(where)s).", **v
    ),
    "session.add": lambda v: _("%(actor)s added the session %(place)s.", **v),
    "session.edit": lambda v: _("%(actor)s edited the session %(place)s: %(fields)s.", **v),
    "session.move": lambda v: _("%(actor)s moved the session %(place)s to %(starts)s.", **v),
    "session.cancel": lambda v: _("%(actor)s cancelled the session %(place)s.", **v),
    "session.restore": lambda v: _("%(actor)s restored the cancelled session %(place)s.", **v),
    "programme.import": lambda v: _("%(actor)s imported the programme from a file.", **v),
    "bilateral.move": lambda v: (
        _("%(actor)s moved the bilateral meeting of %(subject)s to %(starts)s, %(table)s.", **v)
        if v["table"]
        else _("%(actor)s moved the bilateral meeting of %(subject)s to %(starts)s.", **v)
    ),
    "bilateral.cancel": lambda v: _(
        "%(actor)s cancelled the bilateral meeting of %(subject)s (%(starts)s).", **v
    ),
    "board.freeze": lambda v: _("%(actor)s froze the board of %(place)s.", **v),
    "board.unfreeze": lambda v: _("%(actor)s opened the board of %(place)s again.", **v),
    "report.publish": lambda v: _("%(actor)s published version %(version)s of the report.", **v),
    "report.public": lambda v: _("%(actor)s made version %(version)s of the report public.", **v),
    "report.private": lambda v: _(
        "%(actor)s made version %(version)s of the report visible to members only.", **v
    ),
    # The silence procedure.
    "report.circulate": lambda v: (
        _(
            "%(actor)s circulated the draft report to the lead networks for adoption by silence "
            "(round %(round)s), until %(deadline)s.",
            **v,
        )
        if v["audience"] == "leads"
        else _(
            "%(actor)s circulated the draft report to every participant for adoption by silence "
            "(round %(round)s), until %(deadline)s.",
            **v,
        )
    ),
    "report.revise": lambda v: _(
        "%(actor)s circulated a revised text (round %(round)s); changed since round "
        "%(previous_round)s: %(revised)s.",
        **v,
    ),
    "report.object": lambda v: (
        _("%(actor)s broke silence on %(item)s (round %(round)s).", **v)
        if v["on_item"]
        else _("%(actor)s broke silence on the whole text (round %(round)s).", **v)
    ),
    "report.approve": lambda v: _(
        "%(actor)s approved the circulated text for %(network)s (round %(round)s).", **v
    ),
    "report.withdraw": lambda v: _(
        "%(actor)s withdrew the circulated text (round %(round)s); nothing was adopted.", **v
    ),
    "report.return": lambda v: ngettext(
        "%(actor)s returned the text of round %(round)s to the rapporteurs at its deadline: "
        "silence was broken by %(num)d objection.",
        "%(actor)s returned the text of round %(round)s to the rapporteurs at its deadline: "
        "silence was broken by %(num)d objections.",
        v["objections"],
        **v,
    ),
    "report.adopt": lambda v: _(
        "%(actor)s adopted the text of round %(round)s at its deadline: silence held.", **v
    ),
}

# Session fields as the organiser's form names them (for "edited the session: title, place").
FIELD_LABELS = {
    "title": _l("Title"),
    "kind": _l("Kind"),
    "working_group": _l("Working group"),
    "starts_at": _l("Starts"),
    "ends_at": _l("Ends"),
    "public": _l("Public"),
    "description": _l("Description"),
    "location": _l("Place"),
    "join_url": _l("Video-call link"),
    "recordings": _l("Recordings"),
    "cancelled": _l("Cancelled"),
}

# The written parts of the report a revision may change (items are named by their reference).
PART_LABELS = {
    "executive_summary": _l("the executive summary"),
    "opening_messages": _l("the key messages of the opening"),
    "closing_messages": _l("the key messages of the closing"),
    "glossary": _l("the glossary"),
    "acknowledgements": _l("the acknowledgements"),
}


def _revised_part(part: str, groups: dict[str, str]) -> str | Markup:
    """An item's reference (WG1-R2), a written part, or a group's narrative (`wg1:narrative`)."""
    if part in PART_LABELS:
        return str(PART_LABELS[part])
    key, _sep, what = part.partition(":")
    if what == "narrative":
        # Our translation around an isolated, escaped title.
        return Markup(_("the narrative of %(group)s", group=_isolated(groups.get(key, key))))
    return _isolated(part)


KIND_LABELS = {
    "moderation": _l("Moderation"),
    "people": _l("People and roles"),
    "programme": _l("Programme"),
    "report": _l("Boards and report"),
}


def _isolated(text: object) -> Markup:
    return Markup("<bdi>%s</bdi>") % str(text)


def person_label(person: Person | None, *, system: bool = False) -> str:
    """Her public name; "EventHub" for the system; "Former participant" for a deleted account."""
    if system:
        return _("EventHub")
    if person is None:
        return _("Former participant")
    return person.public_name


class Describer:
    """Renders entries of one event for one reader (titles looked up once)."""

    def __init__(self, event: Event, zone: ZoneInfo):
        self.zone = zone
        self.groups = {g.key: g.title for g in event.working_groups}
        self.sessions = {s.key: s.title for s in event.sessions}
        self.networks = {n.key: n.acronym or n.name for n in event.networks}

    def place(self, details: dict) -> str:
        if "group" in details:
            return self.groups.get(details["group"], details["group"])
        if "session" in details:
            return self.sessions.get(details["session"], details["session"])
        return _("the event")

    def where(self, details: dict) -> str:
        group = details.get("where")
        return self.groups.get(group, group) if group else _("The whole event")

    def _when(self, value: str | None) -> str:
        if not value:
            return "—"
        return fmt_datetime(datetime.fromisoformat(value), self.zone, "medium")

    def values(self, entry: ActivityEntry) -> dict:
        d = entry.details or {}
        values = {
            "actor": _isolated(person_label(entry.actor, system=entry.system)),
            "subject": _isolated(person_label(entry.subject)),
            "place": _isolated(self.place(d)),
            "where": _isolated(self.where(d)),
            "seq": d.get("seq", "—"),
            "minutes": int(d.get("minutes", 0)),
            "role": _role(d.get("role")),
            "old_role": _role(d.get("old_role")),
            "email": _isolated(d.get("email", "")),
            "version": d.get("version", "—"),
            "item": _isolated(d.get("item", "—")),
            "starts": self._when(d.get("starts")),
            # The silence procedure's: its round, deadline, objections and what changed.
            "round": d.get("round", "—"),
            "on_item": 1 if d.get("item") else 0,
            "previous_round": d.get("previous_round", "—"),
            "audience": d.get("audience", ""),
            "deadline": self._when(d.get("deadline")),
            "network": _isolated(self.networks.get(d.get("network"), d.get("network", "—"))),
            "objections": int(d.get("objections", 0)),
            # Each part escaped (or isolated) before the list is made: the list is safe.
            "revised": Markup(
                format_list(
                    [escape(_revised_part(p, self.groups)) for p in d.get("revised", [])] or ["—"],
                    locale=get_locale(),
                )
            ),
            "table": _isolated(d["table"]) if d.get("table") else "",
            "fields": format_list(
                [str(FIELD_LABELS.get(f, f)) for f in d.get("fields", [])] or ["—"],
                locale=get_locale(),
            ),
        }
        # Everything goes into a page: escape what is not escaped yet (ints are harmless).
        return {k: v if isinstance(v, Markup | int) else escape(v) for k, v in values.items()}

    def sentence(self, entry: ActivityEntry) -> Markup:
        """The entry as one sentence in the reader's language, safe to put in a page."""
        values = self.values(entry)
        render = SENTENCES.get(entry.action)
        if render is None:  # an action recorded by newer code: still readable
            text = _("%(actor)s: %(action)s", actor=values["actor"], action=entry.action)
        else:
            text = render(values)
        # The translation is ours; every value in it was escaped above.
        return Markup(text)


def _role(value: str | None) -> str:
    try:
        return str(ROLE_LABELS[Role(value)]).lower()
    except ValueError:
        return value or "—"
