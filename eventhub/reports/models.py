"""Published reports: numbered, frozen snapshots of the report's data; the files built from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Person
from ..extensions import db
from ..programme.models import Event
from ..types import UTCDateTime, utcnow
from .data import Edition, ReportData, from_json


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

    event: Mapped[Event] = relationship()
    published_by: Mapped[Person | None] = relationship()

    @property
    def report(self) -> ReportData:
        return from_json(self.data)

    @property
    def edition(self) -> Edition:
        return Edition(
            version=self.version, published_at=self.published_at, content_hash=self.content_hash
        )

    def __repr__(self) -> str:
        return f"<PublishedReport {self.event_id} v{self.version}>"


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
