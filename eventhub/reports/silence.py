"""Adoption by silence procedure: a draft version is circulated with a deadline; anyone it was
circulated to may break silence with a reason before the deadline, and each lead network may
approve; at the deadline, unbroken silence adopts and publishes the circulated text, a broken
one returns it to the rapporteurs with the objections listed.

The deadline is a strict boundary: an objection at the deadline itself is too late, and the
version is decided by what arrived before it. Closing is idempotent, so a scheduler (a job, the
CLI `flask report close-due`) may run it any number of times.

Every step is on the event's activity log (`report.circulate`, `report.revise` when a returned
text goes round again, `report.object`, `report.approve`, `report.withdraw`, and at the deadline
`report.return` or `report.adopt` followed by `report.publish`, the last three by EventHub).
An objection cannot be taken back once made: the reason stays on the record.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..accounts.models import Person
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..outbox import Mail
from ..outbox import queue as queue_mail
from ..permissions import TAKING_PART, may, memberships
from ..plain import to_plain
from ..programme import activity
from ..programme.models import Event, Membership, Role
from ..timestamps import utcnow
from .collect import collect
from .data import Adoption, ReportData, canonical_json, content_hash
from .models import (
    Circulation,
    CirculationAudience,
    CirculationResponse,
    CirculationState,
    ResponseKind,
)
from .service import freeze

MAX_REASON = 2000
MIN_NOTICE = timedelta(hours=1)
REMIND_BEFORE = timedelta(hours=24)


def current(event: Event) -> Circulation | None:
    """The circulation whose silence runs now, if any."""
    return db.session.scalar(
        select(Circulation).where(
            Circulation.event_id == event.id, Circulation.state == CirculationState.OPEN
        )
    )


def history(event: Event) -> list[Circulation]:
    """Every circulation of the event's report, newest first."""
    return list(
        db.session.scalars(
            select(Circulation)
            .where(Circulation.event_id == event.id)
            .order_by(Circulation.round.desc())
        )
    )


def get(event: Event, circulation_id: int) -> Circulation:
    circulation = db.session.get(Circulation, circulation_id)
    if circulation is None or circulation.event_id != event.id:
        raise NotFound(_("There is no such circulation of this report."))
    return circulation


def circulate(
    person: Person,
    event: Event,
    *,
    audience: CirculationAudience | str,
    deadline: datetime,
    now: datetime | None = None,
) -> Circulation:
    """Freeze the draft as it stands and circulate it for adoption by silence until `deadline`."""
    if not may(person, "report.publish", event):
        raise NotAllowed(_("Only the event's organisers can circulate the report."))
    now = now or utcnow()
    try:
        audience = CirculationAudience(audience)
    except ValueError:
        raise Invalid(
            _("Circulate the report to the lead networks or to every participant.")
        ) from None
    if deadline.tzinfo is None:
        raise ValueError("the deadline must be an aware datetime")
    if deadline < now + MIN_NOTICE:
        raise Invalid(
            _("The deadline must be at least an hour from now, so that people can read the text.")
        )
    if current(event) is not None:
        raise Conflict(
            _(
                "A version is already circulating. Wait for its deadline or withdraw it before "
                "circulating another."
            )
        )
    data = collect(event)
    rounds = db.session.scalar(
        select(func.count(Circulation.id)).where(Circulation.event_id == event.id)
    )
    circulation = Circulation(
        event=event,
        round=(rounds or 0) + 1,
        audience=audience,
        circulated_at=now,
        deadline=deadline,
        content_hash=content_hash(data),
        data=canonical_json(data),
        circulated_by=person,
    )
    db.session.add(circulation)
    db.session.flush()
    previous = db.session.scalar(
        select(Circulation).where(
            Circulation.event_id == event.id, Circulation.round == circulation.round - 1
        )
    )
    if previous is not None and previous.state == CirculationState.RETURNED:
        activity.record(
            event,
            person,
            "report.revise",
            round=circulation.round,
            previous_round=previous.round,
            revised=changed_references(previous.report, data),
        )
    activity.record(
        event,
        person,
        "report.circulate",
        round=circulation.round,
        audience=audience.value,
        deadline=deadline.isoformat(),
    )
    return circulation


def changed_references(old: ReportData, new: ReportData) -> list[str]:
    """The items (by reference) added, removed or changed between two texts, in report order,
    then the written parts that changed (`executive_summary`, `wg1:narrative`...)."""

    def items(report: ReportData) -> dict[str, tuple]:
        return {
            item.reference: (item.text, item.audience, item.question_number, item.translations)
            for group in report.groups
            for item in (*group.insights, *group.recommendations, *group.follow_ups)
        }

    def parts(report: ReportData) -> dict[str, str]:
        written = {
            "executive_summary": report.executive_summary,
            "opening_messages": report.opening_messages,
            "closing_messages": report.closing_messages,
            "glossary": report.glossary,
            "acknowledgements": report.acknowledgements,
        }
        written.update({f"{g.key}:narrative": g.narrative for g in report.groups})
        return written

    before, after = items(old), items(new)
    references = [*after, *(r for r in before if r not in after)]
    changed = [r for r in references if before.get(r) != after.get(r)]
    old_parts, new_parts = parts(old), parts(new)
    return changed + [k for k in new_parts if old_parts.get(k, "") != new_parts[k]]


def circulated_to(person: Person | None, circulation: Circulation) -> bool:
    """Whether the text was circulated to her: the lead networks' members (and the
    organisers), or everyone taking part."""
    grants = memberships(person, circulation.event) if person is not None else []
    if any(m.role == Role.ORGANISER for m in grants):
        return True
    if circulation.audience == CirculationAudience.PARTICIPANTS:
        return any(m.role in TAKING_PART for m in grants)
    return bool(_lead_networks_of(grants, circulation.event))


def _lead_networks_of(grants: list[Membership], event: Event) -> set[int]:
    """The lead networks she takes part for."""
    leads = {n.id for g in event.working_groups for n in g.lead_networks}
    return {m.network_id for m in grants if m.network_id in leads}


def _require_open(circulation: Circulation, now: datetime) -> None:
    if circulation.state != CirculationState.OPEN:
        raise Conflict(_("This circulation is closed; its silence can no longer be broken."))
    if now >= circulation.deadline:
        raise Conflict(_("The deadline has passed; silence can no longer be broken."))


def break_silence(
    person: Person,
    circulation: Circulation,
    *,
    reason: str,
    reference: str = "",
    now: datetime | None = None,
) -> CirculationResponse:
    """An objection, with its reason, to the whole text or to one item of it (`WG2-R3`)."""
    now = now or utcnow()
    if not circulated_to(person, circulation):
        raise NotAllowed(_("This text was not circulated to you."))
    _require_open(circulation, now)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why you break silence: the rapporteurs need your reason."))
    if len(reason) > MAX_REASON:
        raise Invalid(_("A reason is at most %(max)d characters; shorten it.", max=MAX_REASON))
    reference = (reference or "").strip()
    if reference and reference not in _references(circulation):
        raise Invalid(
            _(
                "%(reference)s is not an item of the circulated text; choose one of its "
                "references, or object to the whole text.",
                reference=reference,
            )
        )
    response = CirculationResponse(
        circulation=circulation,
        kind=ResponseKind.OBJECTION,
        person=person,
        reference=reference,
        reason=reason,
        created_at=now,
    )
    db.session.add(response)
    db.session.flush()
    activity.record(
        circulation.event,
        person,
        "report.object",
        reason=reason,
        round=circulation.round,
        **({"item": reference} if reference else {}),
    )
    return response


def approve(
    person: Person, circulation: Circulation, *, now: datetime | None = None
) -> CirculationResponse:
    """A lead network's explicit approval, given by one of its members (once per network)."""
    now = now or utcnow()
    _require_open(circulation, now)
    networks = _lead_networks_of(memberships(person, circulation.event), circulation.event)
    if not networks:
        raise NotAllowed(_("Only a member of a lead network can approve on its behalf."))
    approved = {r.network_id for r in circulation.approvals}
    remaining = sorted(networks - approved)
    if not remaining:
        raise Conflict(_("Your network has already approved this text."))
    response = CirculationResponse(
        circulation=circulation,
        kind=ResponseKind.APPROVAL,
        person=person,
        network_id=remaining[0],
        created_at=now,
    )
    db.session.add(response)
    db.session.flush()
    activity.record(
        circulation.event,
        person,
        "report.approve",
        round=circulation.round,
        network=response.network.key,
    )
    return response


def withdraw(person: Person, circulation: Circulation, *, now: datetime | None = None) -> None:
    if not may(person, "report.publish", circulation.event):
        raise NotAllowed(_("Only the event's organisers can withdraw a circulated text."))
    if circulation.state != CirculationState.OPEN:
        raise Conflict(_("This circulation is already closed."))
    circulation.state = CirculationState.WITHDRAWN
    circulation.closed_at = now or utcnow()
    db.session.flush()
    activity.record(circulation.event, person, "report.withdraw", round=circulation.round)


def close(circulation: Circulation, *, now: datetime | None = None) -> CirculationState:
    """At or after the deadline: adopt and publish if silence held, else return the text."""
    now = now or utcnow()
    if circulation.state != CirculationState.OPEN or now < circulation.deadline:
        return circulation.state
    circulation.closed_at = now
    if circulation.objections:
        circulation.state = CirculationState.RETURNED
        db.session.flush()
        activity.record(
            circulation.event,
            None,
            "report.return",
            round=circulation.round,
            objections=len(circulation.objections),
        )
        return circulation.state
    adoption = Adoption(
        method="silence",
        circulated_at=circulation.circulated_at,
        deadline=circulation.deadline,
        circulated_to=circulation.audience.value,
        rounds=circulation.round,
        approvals=len(circulation.approvals),
    )
    # Adopted before published, so the log reads in that order; both by EventHub, at the deadline.
    activity.record(
        circulation.event,
        None,
        "report.adopt",
        round=circulation.round,
        approvals=len(circulation.approvals),
    )
    circulation.published_report = freeze(
        circulation.event,
        circulation.report,
        person=circulation.circulated_by,
        published_at=now,
        adoption=json.dumps(to_plain(adoption), sort_keys=True),
        by_system=True,
    )
    circulation.state = CirculationState.ADOPTED
    db.session.flush()
    return circulation.state


def close_due(now: datetime | None = None) -> list[Circulation]:
    """Close every open circulation whose deadline has come; the ones closed."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Circulation)
        .where(Circulation.state == CirculationState.OPEN, Circulation.deadline <= now)
        # Two consumers running the periodic job at once must not both close one (PostgreSQL;
        # SQLite has one writer anyway).
        .with_for_update(skip_locked=True)
    ).all()
    for circulation in due:
        close(circulation, now=now)
    return list(due)


def recipients(circulation: Circulation) -> list[Person]:
    """The people the text was circulated to."""
    people = {
        m.person
        for m in circulation.event.memberships
        if m.person.active and _counts(m, circulation)
    }
    return sorted(people, key=lambda p: p.id)


def _counts(membership: Membership, circulation: Circulation) -> bool:
    if membership.role == Role.ORGANISER:
        return True
    if circulation.audience == CirculationAudience.PARTICIPANTS:
        return membership.role in TAKING_PART
    leads = {n.id for g in circulation.event.working_groups for n in g.lead_networks}
    return membership.network_id in leads


def remind_due(now: datetime | None = None, *, before: timedelta = REMIND_BEFORE) -> int:
    """Remind, once, everyone a text was circulated to when its deadline is near; how many
    circulations were reminded of. Each reminder gives the deadline in her own zone."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Circulation)
        .where(
            Circulation.state == CirculationState.OPEN,
            Circulation.reminded_at.is_(None),
            Circulation.deadline > now,
            Circulation.deadline <= now + before,
        )
        .with_for_update(skip_locked=True)  # one reminder, whichever consumer runs it first
    ).all()
    for circulation in due:
        reminders = [_remind(person, circulation) for person in recipients(circulation)]
        queue_mail(reminders, topic=f"circulation:{circulation.id}")  # sent after the commit
        circulation.reminded_at = now
    db.session.flush()
    return len(due)


def _remind(person: Person, circulation: Circulation) -> Mail:
    from ..i18n import valid_zone
    from .common import LANGUAGES

    language = person.language if person.language in LANGUAGES else "en"
    zone = valid_zone(person.timezone) or circulation.event.zone
    with force_locale(language):
        from babel.dates import format_datetime, get_timezone_location

        deadline = format_datetime(
            circulation.deadline, format="long", tzinfo=zone, locale=language
        )
        return Mail(
            person.email,
            _("Silence procedure: %(title)s", title=circulation.event.title),
            _(
                "The draft report of %(title)s was circulated for adoption by silence "
                "procedure. Unless someone breaks silence before %(deadline)s (%(zone)s), it "
                "will be adopted and published. Read it and, if you object, say why in the app.",
                title=circulation.event.title,
                deadline=deadline,
                zone=get_timezone_location(zone, locale=language),
            ),
        )


def _references(circulation: Circulation) -> set[str]:
    report = circulation.report
    return {
        item.reference
        for group in report.groups
        for item in (*group.insights, *group.recommendations, *group.follow_ups)
    }
