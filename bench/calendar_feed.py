"""Benchmark: serving a calendar feed of 1,000 sessions through the app (target: under 200 ms).

Builds an event of 1,000 sessions (10 working groups with guiding questions, half the
plenaries public, a few cancelled) in a temporary SQLite file, then requests its feeds through
Flask's test client (the whole stack: routing, access rule, database, permissions, icalendar,
ETag) and prints the median and 95th percentile over repeated requests, for:

- the anonymous (public) event feed;
- a member's event feed (signed in; every session she may see, call links where she may join);
- her personal subscription feed (/calendar/<token>.ics);
- the member feed again with the VEVENT memo emptied before each request (the worst case:
  every session changed since the last poll);
- the member feed with the VEVENT memo emptied before each request (the worst case: every
  session changed since the last poll, so every VEVENT is written anew);
- the member feed right after an organiser changed one session (the usual case after an edit);
- a conditional re-request of the member feed (If-None-Match: the 304 a polling client gets).

As a baseline in the same run: the same 1,000 events written with icalendar alone (Calendar,
Event.add, to_ical; no database, no permissions), and our pure builder (feeds.build_feed) on
prepared entries.

    .venv/bin/python bench/calendar_feed.py              # 1,000 sessions, 30 requests each
    .venv/bin/python bench/calendar_feed.py --sessions 2000 --repeat 50
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

import icalendar  # noqa: E402
from sqlalchemy import update  # noqa: E402

from eventhub import create_app  # noqa: E402
from eventhub.accounts.models import Person  # noqa: E402
from eventhub.extensions import db  # noqa: E402
from eventhub.programme.models import (  # noqa: E402
    Event,
    GuidingQuestion,
    Membership,
    Network,
    Role,
    Session,
    SessionKind,
    WorkingGroup,
)


def build_event(sessions: int) -> tuple[Event, Person]:
    event = Event(
        slug="bench",
        title="Benchmark meeting",
        host="Bench",
        timezone="Europe/Rome",
        languages=["en"],
        starts=date(2020, 10, 1),
        ends=date(2020, 12, 31),
        audiences=[],
        summary="",
    )
    network = Network(key="net", acronym="NET", name="Network", region="World")
    event.networks = [network]
    groups = []
    for i in range(1, 11):
        group = WorkingGroup(
            key=f"wg{i}", title=f"Working group {i}: a theme of some length", position=i
        )
        group.lead_networks = [network]
        group.guiding_questions = [
            GuidingQuestion(text=f"Guiding question {q} of group {i}, asked at some length?")
            for q in range(1, 5)
        ]
        groups.append(group)
    event.working_groups = groups
    start = datetime(2020, 10, 1, 7, 0, tzinfo=UTC)
    for n in range(sessions):
        group = groups[n % 10] if n % 3 else None
        begins = start + timedelta(hours=2 * n)
        event.sessions.append(
            Session(
                key=f"s{n:04d}",
                title=f"Session {n}, with a title; long enough to fold maybe",
                kind=SessionKind.WORKING_GROUP if group else SessionKind.PLENARY,
                working_group=group,
                public=group is None and n % 2 == 0,
                cancelled=n % 50 == 0,
                starts_at=begins,
                ends_at=begins + timedelta(minutes=90),
                sequence=n % 4,
                description="A description of the session that runs to a couple of lines.\n"
                "Second line, with commas, semicolons; and so on.",
                location="Rome" if n % 5 == 0 else "",
                join_url=f"https://call.example.org/{n}",
            )
        )
    person = Person(email="member@example.org", name="Member", language="en")
    person.regenerate_calendar_token()
    db.session.add_all([event, person])
    db.session.flush()
    db.session.add_all(
        [
            Membership(person=person, event=event, role=Role.PARTICIPANT, working_group=groups[0]),
            Membership(person=person, event=event, role=Role.PARTICIPANT, working_group=groups[1]),
        ]
    )
    db.session.commit()
    return event, person


def measure(fn, repeat: int) -> list[float]:
    fn()  # warm-up: first request compiles templates, fills SQLAlchemy caches
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def report(label: str, times: list[float], size: int | None = None) -> None:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
    extra = f"  {size / 1024:7.0f} KiB" if size else ""
    print(f"{label:<44} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms{extra}")


def icalendar_alone(rows: list[dict]) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//bench//EN")
    calendar.add("version", "2.0")
    for row in rows:
        event = icalendar.Event()
        for name, value in row.items():
            event.add(name, value)
        calendar.add_component(event)
    return calendar.to_ical()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.sqlite",
            BASE_URL="https://eventhub.example.org",
        )
        with app.app_context():
            db.create_all()
            t0 = time.perf_counter()
            event, person = build_event(args.sessions)
            print(
                f"{args.sessions} sessions written in {time.perf_counter() - t0:.1f} s "
                f"(SQLite file, {tmp})\n"
            )
            person_id, token = person.id, person.calendar_token

            from eventhub.calendar import service
            from eventhub.calendar.feeds import Feed, build_feed

            with app.test_request_context():
                entries = service.entries_for(None, service._event_sessions(event))
                all_entries = [
                    service.entry_for(s, member=True) for s in service._event_sessions(event)
                ]
            rows = [
                {
                    "uid": e.uid,
                    "dtstamp": e.last_modified,
                    "dtstart": e.starts_at,
                    "dtend": e.ends_at,
                    "sequence": e.sequence,
                    "created": e.created,
                    "last-modified": e.last_modified,
                    "summary": e.summary,
                    "description": e.description,
                    "url": e.url,
                    "location": e.location,
                    "status": "CANCELLED" if e.cancelled else "CONFIRMED",
                }
                for e in all_entries
            ]
            db.session.remove()

        anonymous = app.test_client()
        member = app.test_client()
        with member.session_transaction() as s:
            s["_user_id"] = str(person_id)
            s["_fresh"] = True

        def get(client, url, **kw):
            response = client.get(url, **kw)
            assert response.status_code in (200, 304), (url, response.status_code)
            return response

        sizes = {
            "public": len(get(anonymous, "/e/bench/calendar.ics").data),
            "member": len(get(member, "/e/bench/calendar.ics").data),
            "personal": len(get(anonymous, f"/calendar/{token}.ics").data),
        }
        etag = get(member, "/e/bench/calendar.ics").headers["ETag"]

        print("Baseline (no app):")
        report(
            f"icalendar alone, {len(rows)} events",
            measure(lambda: icalendar_alone(rows), args.repeat),
            len(icalendar_alone(rows)),
        )
        report(
            f"feeds.build_feed, {len(all_entries)} entries, memoised",
            measure(lambda: build_feed(Feed(name="Bench", entries=all_entries)), args.repeat),
        )
        print(f"\nThrough the app (Flask test client, {args.repeat} requests each):")
        report(
            f"public event feed ({len(entries)} sessions)",
            measure(lambda: get(anonymous, "/e/bench/calendar.ics"), args.repeat),
            sizes["public"],
        )
        report(
            f"member event feed ({args.sessions} sessions)",
            measure(lambda: get(member, "/e/bench/calendar.ics"), args.repeat),
            sizes["member"],
        )
        report(
            "personal subscription feed",
            measure(lambda: get(anonymous, f"/calendar/{token}.ics"), args.repeat),
            sizes["personal"],
        )
        from eventhub.calendar.feeds import _vevent_ical

        def cold():
            _vevent_ical.cache_clear()  # as if every session changed since the last poll
            get(member, "/e/bench/calendar.ics")

        report("member event feed, cold (memo emptied)", measure(cold, max(5, args.repeat // 3)))

        def after_one_change() -> list[float]:
            times = []
            for n in range(args.repeat):
                with app.app_context():  # an organiser's edit, outside the timed request
                    db.session.execute(
                        update(Session)
                        .where(Session.key == f"s{n * 7 % args.sessions:04d}")
                        .values(sequence=Session.sequence + 1, updated_at=datetime.now(UTC))
                    )
                    db.session.commit()
                t0 = time.perf_counter()
                get(member, "/e/bench/calendar.ics")
                times.append((time.perf_counter() - t0) * 1000)
            return times

        report("member event feed, one session just changed", after_one_change())
        report(
            "member feed, unchanged (304)",
            measure(
                lambda: get(member, "/e/bench/calendar.ics", headers={"If-None-Match": etag}),
                args.repeat,
            ),
        )


if __name__ == "__main__":
    main()
