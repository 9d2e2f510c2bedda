"""The programme: events, networks, sessions, working groups, and who takes part in what role."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Enum, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Person
from ..extensions import db
from ..timestamps import UTCDateTime, utcnow
from .texts import DEFAULT_LANGUAGE, LocalText, Translated, choose


def _enum(cls: type[enum.Enum]) -> Enum:
    """Store an enum by its value (what the programme file says), not its Python name."""
    return Enum(cls, values_callable=lambda c: [m.value for m in c], native_enum=False, length=20)


class Attribution(enum.StrEnum):
    CHATHAM_HOUSE = "chatham-house"
    NAMED = "named"


class SessionKind(enum.StrEnum):
    OPENING = "opening"
    CLOSING = "closing"
    PLENARY = "plenary"
    KEYNOTE = "keynote"
    PANEL = "panel"
    MINISTERIAL = "ministerial"
    WORKING_GROUP = "working-group"
    WORKSHOP = "workshop"
    BILATERAL = "bilateral"
    BREAK = "break"


PLENARY_KINDS = frozenset(
    {
        SessionKind.OPENING,
        SessionKind.CLOSING,
        SessionKind.PLENARY,
        SessionKind.KEYNOTE,
        SessionKind.PANEL,
        SessionKind.MINISTERIAL,
    }
)


class EventFormat(enum.StrEnum):
    IN_PERSON = "in-person"
    ONLINE = "online"
    HYBRID = "hybrid"


class PartnerRole(enum.StrEnum):
    HOST = "host"
    ORGANISER = "organiser"
    SECRETARIAT = "secretariat"
    PARTNER = "partner"
    FUNDER = "funder"


class Role(enum.StrEnum):
    ORGANISER = "organiser"
    FACILITATOR = "facilitator"
    RAPPORTEUR = "rapporteur"
    PARTICIPANT = "participant"
    OBSERVER = "observer"


class Event(Translated, db.Model):
    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    host: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts: Mapped[date]
    ends: Mapped[date]
    attribution: Mapped[Attribution] = mapped_column(_enum(Attribution), default=Attribution.NAMED)
    audiences: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    # Where it takes place (a city, a building); empty for a meeting held online.
    venue: Mapped[str] = mapped_column(String(300), default="")
    format: Mapped[EventFormat | None] = mapped_column(_enum(EventFormat))
    acknowledgements: Mapped[str] = mapped_column(Text, default="")  # Markdown
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    networks: Mapped[list[Network]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Network.id"
    )
    sessions: Mapped[list[Session]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Session.starts_at"
    )
    working_groups: Mapped[list[WorkingGroup]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="WorkingGroup.position"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )
    partners: Mapped[list[Partner]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="Partner.position",
        collection_class=ordering_list("position", count_from=1),
    )

    @property
    def primary_language(self) -> str:
        """The event's first language: the one every text it has is given in."""
        return (self.languages or [DEFAULT_LANGUAGE])[0]

    def audience_text(self, audience: str, language: str | None) -> LocalText:
        """An audience (as items store it, in the first language) in `language` when given."""
        others = (self.translations or {}).get("audiences", {}).get(audience)
        return choose(audience, others, self.primary_language, language)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def chatham_house(self) -> bool:
        return self.attribution == Attribution.CHATHAM_HOUSE

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class Partner(Translated, db.Model):
    """An organisation the report credits: host, organiser, secretariat, partner or funder."""

    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[PartnerRole] = mapped_column(_enum(PartnerRole))
    # The logo as the programme file named it, and its bytes (PNG or JPEG, checked on import).
    logo_name: Mapped[str] = mapped_column(String(300), default="")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)

    event: Mapped[Event] = relationship(back_populates="partners")

    @property
    def primary_language(self) -> str:
        return self.event.primary_language


class Network(db.Model):
    __tablename__ = "network"
    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    acronym: Mapped[str] = mapped_column(String(64), default="")
    name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(String(200), default="")

    event: Mapped[Event] = relationship(back_populates="networks")


class WorkingGroupLead(db.Model):
    """A lead network of a working group, in the order the programme gives them."""

    __tablename__ = "working_group_lead"

    working_group_id: Mapped[int] = mapped_column(
        ForeignKey("working_group.id", ondelete="CASCADE"), primary_key=True
    )
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(default=0)

    network: Mapped[Network] = relationship()


class WorkingGroup(Translated, db.Model):
    __tablename__ = "working_group"
    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    # Notes, in Markdown; rendered and sanitized when shown.
    introduction: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship(back_populates="working_groups")
    leads: Mapped[list[WorkingGroupLead]] = relationship(
        cascade="all, delete-orphan",
        order_by="WorkingGroupLead.position",
        collection_class=ordering_list("position"),
    )
    # The lead networks in order; assigning a list of networks replaces them.
    lead_networks: AssociationProxy[list[Network]] = association_proxy(
        "leads", "network", creator=lambda network: WorkingGroupLead(network=network)
    )
    guiding_questions: Mapped[list[GuidingQuestion]] = relationship(
        back_populates="working_group",
        cascade="all, delete-orphan",
        order_by="GuidingQuestion.position",
        collection_class=ordering_list("position", count_from=1),
    )
    sessions: Mapped[list[Session]] = relationship(
        back_populates="working_group", order_by="Session.starts_at"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="working_group")

    @property
    def number(self) -> int:
        """1-based position in the event, as in `WG2-R3`."""
        return self.position

    @property
    def primary_language(self) -> str:
        return self.event.primary_language


class GuidingQuestion(Translated, db.Model):
    __tablename__ = "guiding_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    working_group_id: Mapped[int] = mapped_column(
        ForeignKey("working_group.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=1)
    text: Mapped[str] = mapped_column(Text)

    working_group: Mapped[WorkingGroup] = relationship(back_populates="guiding_questions")

    @property
    def primary_language(self) -> str:
        return self.working_group.event.primary_language


class Session(Translated, db.Model):
    __tablename__ = "session"
    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[SessionKind] = mapped_column(_enum(SessionKind))
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group.id", ondelete="SET NULL"), index=True
    )
    public: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    cancelled: Mapped[bool] = mapped_column(default=False)
    location: Mapped[str] = mapped_column(String(300), default="")
    # The video call: members only, never in a public page or feed.
    join_url: Mapped[str] = mapped_column(String(1000), default="")
    # iCalendar SEQUENCE: bumped on every change a calendar should learn of.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="sessions")
    working_group: Mapped[WorkingGroup | None] = relationship(back_populates="sessions")
    # For kind `bilateral`: its slots and tables, when set (programme file or the app).
    bilateral_window: Mapped[BilateralWindow | None] = relationship(
        back_populates="session", cascade="all, delete-orphan", uselist=False
    )
    recordings: Mapped[list[Recording]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Recording.language"
    )

    @property
    def is_plenary(self) -> bool:
        return self.kind in PLENARY_KINDS

    @property
    def primary_language(self) -> str:
        return self.event.primary_language


class BilateralWindow(db.Model):
    """Time set aside for bilateral meetings: a session of kind `bilateral`, cut into slots
    (eventhub.bilaterals books them)."""

    __tablename__ = "bilateral_window"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), unique=True
    )
    slot_minutes: Mapped[int] = mapped_column(default=30)
    # Tables or rooms for in-person and hybrid meetings; none: the window is online only.
    tables: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The call link a meeting gets when its requester gave none (online windows).
    call_url: Mapped[str] = mapped_column(String(1000), default="")

    session: Mapped[Session] = relationship(back_populates="bilateral_window")

    @property
    def in_person(self) -> bool:
        return bool(self.tables)

    def slots(self) -> list[tuple[datetime, datetime]]:
        """Every slot of the window, from its start, each `slot_minutes` long."""
        length = timedelta(minutes=self.slot_minutes)
        slots, start = [], self.session.starts_at
        while start + length <= self.session.ends_at:
            slots.append((start, start + length))
            start += length
        return slots


class Recording(db.Model):
    __tablename__ = "recording"
    __table_args__ = (UniqueConstraint("session_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(1000))

    session: Mapped[Session] = relationship(back_populates="recordings")


class Membership(db.Model):
    """A role in an event (working_group is None) or in one of its working groups."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("person_id", "event_id", "working_group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(_enum(Role))
    # The network she takes part for, if any.
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship()
    event: Mapped[Event] = relationship(back_populates="memberships")
    working_group: Mapped[WorkingGroup | None] = relationship(back_populates="memberships")
    network: Mapped[Network | None] = relationship()


class Invitation(db.Model):
    """An organiser's invitation by e-mail; accepted through an opaque, expiring link, by the
    person signed in with the invited address only."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group.id", ondelete="CASCADE")
    )
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(_enum(Role))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SHA-256 of the link's random secret (programme/members.py); the link says nothing else.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Withdrawn invitations are kept (their link says so) but never used.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    working_group: Mapped[WorkingGroup | None] = relationship()
    invited_by: Mapped[Person | None] = relationship()
