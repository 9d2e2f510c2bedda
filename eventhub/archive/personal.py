"""What EventHub holds about one person, and deleting her account.

Her data is every row of every table that refers to her (found from the schema, so a new table
is included without changes here), with her profile and the invitations sent to her address.
Deleting her account removes her profile and what is only hers (memberships, endorsements,
raised hands, sanctions on her); what she wrote stays in its rooms and boards, shown as by a
"former participant", and the activity log keeps its entries without her name.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..accounts.models import Person
from ..errors import Invalid
from ..extensions import db
from ..permissions import forget_memberships
from ..programme.models import Event, Invitation, Membership, Role
from ..timestamps import utcnow

PROFILE_FIELDS = ("email", "name", "display_name", "language", "timezone", "active", "created_at")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool):
        return value.value
    return value


def _secret(name: str) -> bool:
    return "token" in name or "password" in name or name.endswith("_hash")


def personal_data(person: Person) -> dict:
    """Everything stored that refers to her, table by table (no secret: no hash, no token)."""
    data: dict[str, Any] = {
        "format": "eventhub-personal-data",
        "generated_at": utcnow().isoformat(),
        "profile": {f: _plain(getattr(person, f)) for f in PROFILE_FIELDS},
        "invitations": [
            {"event": i.event.slug, "role": i.role.value, "created_at": _plain(i.created_at)}
            for i in db.session.scalars(select(Invitation).where(Invitation.email == person.email))
        ],
        "tables": {},
    }
    for table in db.metadata.sorted_tables:
        columns = [fk.parent for fk in table.foreign_keys if fk.column.table.name == "person"]
        if not columns or table.name == "person":
            continue
        rows = []
        for column in columns:
            query = select(table).where(column == person.id)
            for row in db.session.execute(query):
                values = {k: _plain(v) for k, v in row._mapping.items() if not _secret(k)}
                rows.append({"refers_to_her_as": column.name, **values})
        if rows:
            data["tables"][table.name] = rows
    return data


def _sole_organiser_of(person: Person) -> list[Event]:
    mine = db.session.scalars(
        select(Membership.event_id).where(
            Membership.person_id == person.id,
            Membership.role == Role.ORGANISER,
            Membership.working_group_id.is_(None),
        )
    ).all()
    sole = []
    for event_id in mine:
        organisers = db.session.scalars(
            select(Membership.id).where(
                Membership.event_id == event_id,
                Membership.role == Role.ORGANISER,
                Membership.working_group_id.is_(None),
            )
        ).all()
        if len(organisers) == 1:
            sole.append(db.session.get(Event, event_id))
    return sole


def delete_account(person: Person, password: str) -> None:
    """Delete her account after checking her password (refused while an event has no other
    organiser: nobody could manage it). Her messages stay, by a "former participant"."""
    if not person.check_password(password or ""):
        raise Invalid(_("Your password is not right."))
    sole = _sole_organiser_of(person)
    if sole:
        raise Invalid(
            _(
                "You are the only organiser of %(events)s. Make someone else an organiser first.",
                events=", ".join(e.title for e in sole),
            )
        )
    person_id = person.id
    db.session.expunge(person)
    # The database clears or removes what refers to her (each foreign key says which).
    db.session.execute(delete(Person).where(Person.id == person_id))
    db.session.flush()
    db.session.expire_all()
    forget_memberships()
