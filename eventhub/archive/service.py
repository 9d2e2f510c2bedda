"""An event's archive: everything it holds, as one JSON document that restores it exactly.

The archive lists, table by table (`TABLES`, parents first), every row that belongs to the event
(its programme, people and roles, rooms with their messages and moderation, boards with their
history, published reports, the activity log). Rows carry every column but their database id;
a reference to another row is written by what names that row in the event, not by its id:

- a person: a reference into `people` ("p1", ...), people listed by e-mail address;
- a network, working group or session: its key; a guiding question: [group key, position];
- a room: ["group", key] or ["session", key]; a message: [room, seq];
- a board item: [group key, kind, number].

So an archive imported into another instance (`import_event`) and exported again is the same
document. Secrets are never written: no password hash, no token of any kind. A person who does
not exist on the importing instance gets an account without a password (she signs in once an
administrator sets one with `flask create-user`).
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Date, Enum, LargeBinary, Table, insert, select, update

from ..accounts.models import Person
from ..errors import Conflict, Invalid
from ..extensions import db
from ..timestamps import UTCDateTime

FORMAT = "eventhub-event-archive"
VERSION = 1

# The tables of an event, parents before children.
TABLES = (
    "event",
    "partner",
    "network",
    "working_group",
    "working_group_lead",
    "guiding_question",
    "session",
    "recording",
    "bilateral_window",
    "qa_settings",
    "qa_question",
    "qa_vote",
    "membership",
    "invitation",
    "bilateral",
    "bilateral_slot",
    "bilateral_booking",
    "room",
    "message",
    "hand",
    "room_mute",
    "room_removal",
    "message_report",
    "poll",
    "poll_answer",
    "board_state",
    "board_item",
    "board_item_version",
    "board_item_source",
    "endorsement",
    "board_comment",
    "published_report",
    "written_part",
    "written_part_version",
    "report_translation",
    "circulation",
    "circulation_response",
    "activity_entry",
)
# Tables that refer to an event's rows but are not archived: rendered report files (rebuilt
# from the published data) and the mail system's delivery records.
NOT_ARCHIVED: frozenset[str] = frozenset({"report_file", "invite_delivery"})
# Person columns an archive carries (never the password hash or the calendar token).
PERSON_FIELDS = ("email", "name", "display_name", "language", "timezone", "active", "created_at")
# A reference column to the same table is written after every row of it is in.
SELF_REFERENCES = {
    ("message", "reply_to_id"),
    ("board_item", "merged_into_id"),
    ("qa_question", "merged_into_id"),
}


def _secret(column_name: str) -> bool:
    return "token" in column_name or "password" in column_name


def _table(name: str) -> Table:
    return db.metadata.tables[name]


def _target(column) -> str | None:
    fks = list(column.foreign_keys)
    return fks[0].column.table.name if fks else None


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool):
        return value.value  # an enum
    return value


# --- export -----------------------------------------------------------------------------------


class _Names:
    """How rows of the event are referred to, by table and id."""

    def __init__(self):
        self.refs: dict[str, dict[int, Any]] = {}

    def add(self, table: str, row_id: int, ref: Any) -> None:
        self.refs.setdefault(table, {})[row_id] = ref

    def of(self, table: str, row_id: int | None) -> Any:
        if row_id is None:
            return None
        return self.refs[table][row_id]


def _rows(table: Table, where) -> list[dict]:
    primary = list(table.primary_key.columns)
    query = select(table).where(where).order_by(*primary)
    return [dict(row._mapping) for row in db.session.execute(query)]


def _scope_filter(table: Table, scope: dict[str, set[int]]):
    """Rows of `table` that belong to the event: those whose parent row is in the archive (by
    their event if they name it, else by the first parent they name)."""
    columns = sorted(table.columns, key=lambda c: _target(c) != "event")
    for column in columns:
        target = _target(column)
        if target in scope and target != "person":
            return column.in_(scope[target])
    raise RuntimeError(f"table {table.name} has no reference to a table of the event")


def export_event(event) -> dict:
    """The event's archive as plain data (see the module's docstring)."""
    scope: dict[str, set[int]] = {}
    rows_by_table: dict[str, list[dict]] = {}
    for name in TABLES:
        table = _table(name)
        where = table.c.id == event.id if name == "event" else _scope_filter(table, scope)
        rows = _rows(table, where)
        rows_by_table[name] = rows
        if "id" in table.c:
            scope[name] = {row["id"] for row in rows}
    names = _Names()
    person_ids = {
        row[column.name]
        for name, rows in rows_by_table.items()
        for column in _table(name).columns
        if _target(column) == "person"
        for row in rows
        if row[column.name] is not None
    }
    people = db.session.scalars(
        select(Person).where(Person.id.in_(person_ids)).order_by(Person.email)
    ).all()
    for number, person in enumerate(people, start=1):
        names.add("person", person.id, f"p{number}")
    archive: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "people": [
            {"ref": names.of("person", p.id)} | {f: _plain(getattr(p, f)) for f in PERSON_FIELDS}
            for p in people
        ],
    }
    for name in TABLES:
        table = _table(name)
        written = []
        for index, row in enumerate(rows_by_table[name]):
            data = {}
            for column in table.columns:
                if column.name == "id" or _secret(column.name):
                    continue
                target = _target(column)
                if target == "event":
                    continue
                value = row[column.name]
                data[column.name] = names.of(target, value) if target is not None else _plain(value)
            written.append(data)
            if "id" in table.c:
                names.add(name, row["id"], _name_of(name, data, index))
        archive[name] = written
    return archive


def _name_of(table: str, data: dict, index: int) -> Any:
    """What names a row of `table` in its event: its key where it has one, else its place
    among the table's rows in the archive (rows are written and restored in that order)."""
    if table in ("network", "working_group", "session"):
        return data["key"]
    if table == "guiding_question":
        return [data["working_group_id"], data["position"]]
    if table == "room":
        if data["working_group_id"] is not None:
            return ["group", data["working_group_id"]]
        return ["session", data["session_id"]]
    if table == "message":
        return [data["room_id"], data["seq"]]
    if table == "board_item":
        return [data["working_group_id"], data["kind"], data["number"]]
    if table == "event":
        return data["slug"]
    return index


def to_json(archive: dict) -> bytes:
    return json.dumps(archive, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


# --- import -----------------------------------------------------------------------------------


def _value(column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dict) and isinstance(column.type, LargeBinary):
        return base64.b64decode(value["base64"])
    if isinstance(column.type, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, Enum) and column.type.enum_class is not None:
        return column.type.enum_class(value)
    return value


def _key(ref: Any) -> Any:
    return json.dumps(ref, sort_keys=True)


def _check(archive) -> str:
    """The archive's event slug; Invalid or Conflict when it cannot be restored here."""
    from ..programme.models import Event

    if not isinstance(archive, dict) or archive.get("format") != FORMAT:
        raise Invalid(_("This file is not an EventHub event archive."))
    if archive.get("version") != VERSION:
        raise Invalid(
            _(
                "This archive is of version %(version)s, which this EventHub cannot read.",
                version=str(archive.get("version"))[:10],
            )
        )
    slug = archive["event"][0]["slug"]
    if db.session.scalar(select(Event.id).where(Event.slug == slug)) is not None:
        raise Conflict(_("An event “%(slug)s” already exists here.", slug=slug))
    return slug


def _people(archive: dict) -> dict[str, int]:
    """Reference -> person id: the person with that address here, or a new account."""
    ids = {}
    for data in archive["people"]:
        person = db.session.scalar(select(Person).where(Person.email == data["email"]))
        if person is None:
            person = Person(**{f: _value(Person.__table__.c[f], data[f]) for f in PERSON_FIELDS})
            db.session.add(person)
            db.session.flush()
        ids[_key(data["ref"])] = person.id
    return ids


class _Restorer:
    """Inserts an archive's rows table by table, turning references back into new ids."""

    def __init__(self, people: dict[str, int]):
        self.ids: dict[str, dict[str, int]] = {"person": people}
        self.event_id: int | None = None
        self.deferred: list[tuple[str, int, str, Any]] = []  # references to the same table

    def _values(self, name: str, data: dict) -> dict:
        values = {}
        for column in _table(name).columns:
            if column.name == "id" or _secret(column.name):
                continue
            target = _target(column)
            if target == "event":
                values[column.name] = self.event_id
            elif (name, column.name) in SELF_REFERENCES:
                values[column.name] = None  # set once every row of the table is in
            elif target is not None:
                ref = data.get(column.name)
                values[column.name] = None if ref is None else self.ids[target][_key(ref)]
            elif column.name in data:
                values[column.name] = _value(column, data[column.name])
        return values

    def insert(self, name: str, data: dict, index: int) -> None:
        table = _table(name)
        result = db.session.execute(insert(table).values(**self._values(name, data)))
        if "id" not in table.c:
            return
        new_id = result.inserted_primary_key[0]
        self.ids.setdefault(name, {})[_key(_name_of(name, data, index))] = new_id
        if name == "event":
            self.event_id = new_id
        for table_name, column_name in SELF_REFERENCES:
            if table_name == name and data.get(column_name) is not None:
                self.deferred.append((name, new_id, column_name, data[column_name]))

    def finish(self) -> None:
        for name, row_id, column_name, ref in self.deferred:
            table = _table(name)
            target_id = self.ids[name][_key(ref)]
            db.session.execute(
                update(table).where(table.c.id == row_id).values({column_name: target_id})
            )


def import_event(archive: dict):
    """Restore an archive into this instance (flushed, not committed); the new event.

    Refused, with nothing written, when it is not an archive or the event's slug is taken.
    """
    from ..programme.models import Event

    _check(archive)
    restorer = _Restorer(_people(archive))
    for name in TABLES:
        for index, data in enumerate(archive.get(name, [])):
            restorer.insert(name, data, index)
    restorer.finish()
    db.session.flush()
    db.session.expire_all()
    return db.session.get(Event, restorer.event_id)
