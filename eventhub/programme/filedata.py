"""A programme file as plain, frozen data: what reading a file gives and importing applies.

A text an organiser writes (`Text`) is one string, or a table by language from format 2 on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .models import Attribution, EventFormat, PartnerRole, SessionKind

Text = str | dict[str, str]


@dataclass(frozen=True)
class PartnerData:
    name: Text
    role: PartnerRole
    logo: str = ""  # the file's name as written, relative to the programme file
    logo_bytes: bytes | None = None


@dataclass(frozen=True)
class EventData:
    slug: str
    title: Text
    timezone: str
    starts: date
    ends: date
    host: str = ""
    languages: tuple[str, ...] = ()
    attribution: Attribution = Attribution.NAMED
    audiences: tuple[Text, ...] = ()
    summary: Text = ""
    venue: Text = ""
    format: EventFormat | None = None
    partners: tuple[PartnerData, ...] = ()
    acknowledgements: Text = ""

    @property
    def primary_language(self) -> str:
        return self.languages[0] if self.languages else "en"


@dataclass(frozen=True)
class NetworkData:
    key: str
    name: str
    acronym: str = ""
    region: str = ""


@dataclass(frozen=True)
class RecordingData:
    language: str
    url: str


@dataclass(frozen=True)
class BilateralWindowData:
    """A `bilateral` session's window: its slot length, and tables for meetings in person."""

    slot_minutes: int
    tables: tuple[str, ...] = ()
    call_url: str = ""


@dataclass(frozen=True)
class SessionData:
    key: str
    kind: SessionKind
    title: Text
    starts: datetime  # aware, UTC
    ends: datetime  # aware, UTC
    working_group: str | None = None
    public: bool = False
    description: Text = ""
    cancelled: bool = False
    location: str = ""
    join_url: str = ""
    recordings: tuple[RecordingData, ...] = ()
    bilateral: BilateralWindowData | None = None


@dataclass(frozen=True)
class WorkingGroupData:
    key: str
    title: Text
    lead: tuple[str, ...] = ()
    introduction: Text = ""
    background: Text = ""
    objectives: Text = ""
    guiding_questions: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Programme:
    event: EventData
    networks: tuple[NetworkData, ...]
    sessions: tuple[SessionData, ...]
    working_groups: tuple[WorkingGroupData, ...]
