"""Published reports: numbered, frozen snapshots of the report's data; the files built from them."""

from __future__ import annotations

import enum
import json
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Person
from ..extensions import db
from ..plain import from_plain
from ..programme.models import Event, Network, WorkingGroup
from ..timestamps import UTCDateTime, utcnow
from .data import Adoption, Edition, ReportData, from_json


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, values_callable=lambda c: [m.value for m in c], native_enum=False, length=20)


class PublishedReport(db.Model):
    """Version n of an event's report: the ReportData as canonical JSON, never changed after."""

    __tablename__ = "published_report"
    __table_args__ = (UniqueConstraint("event_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Kept for the organisers' audit; never printed in the report.
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    # SHA-256 of `data`, the canonical JSON of the ReportData.
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)
    # Readable by anyone (only ever set for an event with public sessions).
    public: Mapped[bool] = mapped_column(default=False)
    # How it was adopted (an Adoption as JSON); empty for a version organisers published.
    adoption: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship()
    published_by: Mapped[Person | None] = relationship()

    @property
    def report(self) -> ReportData:
        return from_json(self.data)

    @property
    def edition(self) -> Edition:
        adoption = from_plain(Adoption, json.loads(self.adoption)) if self.adoption else None
        return Edition(
            version=self.version,
            published_at=self.published_at,
            content_hash=self.content_hash,
            adoption=adoption,
        )

    def __repr__(self) -> str:
        return f"<PublishedReport {self.event_id} v{self.version}>"


class PartKind(enum.StrEnum):
    """The parts of the report written in the app (Markdown, versioned like board items)."""

    EXECUTIVE_SUMMARY = "executive-summary"
    OPENING_MESSAGES = "opening-messages"
    CLOSING_MESSAGES = "closing-messages"
    GLOSSARY = "glossary"
    GROUP_NARRATIVE = "group-narrative"  # one per working group


class WrittenPart(db.Model):
    """A written part of the report; its text is its newest version."""

    __tablename__ = "written_part"
    __table_args__ = (UniqueConstraint("event_id", "kind", "working_group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PartKind] = mapped_column(_enum(PartKind))
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship()
    working_group: Mapped[WorkingGroup | None] = relationship()
    versions: Mapped[list[WrittenPartVersion]] = relationship(
        back_populates="part", cascade="all, delete-orphan", order_by="WrittenPartVersion.version"
    )

    @property
    def text(self) -> str:
        return self.versions[-1].text if self.versions else ""


class WrittenPartVersion(db.Model):
    __tablename__ = "written_part_version"
    __table_args__ = (UniqueConstraint("part_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("written_part.id", ondelete="CASCADE"))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    # Kept for the record; never printed in the report.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    part: Mapped[WrittenPart] = relationship(back_populates="versions")
    author: Mapped[Person | None] = relationship()


class Translation(db.Model):
    """A rapporteur's translation of one version of a written part or of a board item. The
    report uses the newest translation of the text's current version; one of an older version
    is shown to translators as out of date, never printed."""

    __tablename__ = "report_translation"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    part_id: Mapped[int | None] = mapped_column(
        ForeignKey("written_part.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_item.id", ondelete="CASCADE"), index=True
    )
    source_version: Mapped[int]
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    translator_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CirculationAudience(enum.StrEnum):
    LEADS = "leads"  # the members of the working groups' lead networks
    PARTICIPANTS = "participants"  # everyone taking part in the event


class CirculationState(enum.StrEnum):
    OPEN = "open"  # silence runs until the deadline
    ADOPTED = "adopted"  # silence held: adopted and published
    RETURNED = "returned"  # silence broken: back to the rapporteurs, objections listed
    WITHDRAWN = "withdrawn"  # the organisers took it back before the deadline


class Circulation(db.Model):
    """A draft version of the report circulated for adoption by silence procedure: the text is
    frozen here, so what is adopted is exactly what was circulated."""

    __tablename__ = "circulation"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    round: Mapped[int]  # 1 for the first circulation of the event's report, then 2, ...
    audience: Mapped[CirculationAudience] = mapped_column(_enum(CirculationAudience))
    circulated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    state: Mapped[CirculationState] = mapped_column(
        _enum(CirculationState), default=CirculationState.OPEN, index=True
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)  # the ReportData as canonical JSON
    circulated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    published_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("published_report.id", ondelete="SET NULL")
    )

    event: Mapped[Event] = relationship()
    circulated_by: Mapped[Person | None] = relationship()
    published_report: Mapped[PublishedReport | None] = relationship()
    responses: Mapped[list[CirculationResponse]] = relationship(
        back_populates="circulation",
        cascade="all, delete-orphan",
        order_by="CirculationResponse.id",
    )

    @property
    def report(self) -> ReportData:
        return from_json(self.data)

    @property
    def objections(self) -> list[CirculationResponse]:
        return [r for r in self.responses if r.kind == ResponseKind.OBJECTION]

    @property
    def approvals(self) -> list[CirculationResponse]:
        return [r for r in self.responses if r.kind == ResponseKind.APPROVAL]


class ResponseKind(enum.StrEnum):
    OBJECTION = "objection"  # breaks silence, with a reason
    APPROVAL = "approval"  # a lead network approves explicitly


class CirculationResponse(db.Model):
    __tablename__ = "circulation_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    circulation_id: Mapped[int] = mapped_column(
        ForeignKey("circulation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ResponseKind] = mapped_column(_enum(ResponseKind))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id", ondelete="SET NULL"))
    # The item it is about (a reference such as WG2-R3); empty for the whole text.
    reference: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    circulation: Mapped[Circulation] = relationship(back_populates="responses")
    person: Mapped[Person | None] = relationship()
    network: Mapped[Network | None] = relationship()


class ReportFile(db.Model):
    """A built report file, stored once under its SHA-256 (reports/store.py): the draft or a
    published version of an event's report, in one format and language."""

    __tablename__ = "report_file"
    __table_args__ = (
        # Named by hand: the convention's name would pass PostgreSQL's 63 characters.
        UniqueConstraint(
            "event_id",
            "edition",
            "data_hash",
            "builder",
            "format",
            "language",
            name="uq_report_file_identity",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # "draft", or "v3" for published version 3.
    edition: Mapped[str] = mapped_column(String(16))
    # The content hash of the report data it was built from (a version's `content_hash`).
    data_hash: Mapped[str] = mapped_column(String(64))
    # Which code built it (reports.builds.builder_fingerprint): a draft is rebuilt after a change.
    builder: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(8))
    # SHA-256 of the file: its address in the store, and its ETag.
    digest: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    filename: Mapped[str] = mapped_column(String(200))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ReportFile {self.event_id} {self.edition} {self.format}/{self.language}>"
