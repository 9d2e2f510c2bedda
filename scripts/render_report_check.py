"""Render the demo event's report (PDF and DOCX, English and Arabic) to PNG pages, to look at.

Imports examples/ga-annual-meeting-2020.toml into a throw-away SQLite database, agrees a few
insights and recommendations on each of its 5 working groups' boards (one in Arabic), builds the
report, then renders:

- the PDF (WeasyPrint) with pdftoppm (poppler-utils);
- the DOCX (python-docx) converted to PDF by LibreOffice (`soffice --headless --convert-to pdf`),
  then with pdftoppm; skipped, and said so, when LibreOffice is not installed.

It checks what it can without eyes (pages rendered, references and the Arabic text present in
the extracted text) and prints the PNG paths; open a title page, a working-group page and an
Arabic page to check layout and shaping.

    .venv/bin/python scripts/render_report_check.py [--out DIR] [--pages 1-6]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

DEMO = PROJECT_DIR / "examples" / "ga-annual-meeting-2020.toml"
ARABIC = "ينبغي للدول الأعضاء أن تدعم شبكات الوسيطات وأن تموّل مشاركتهن في عمليات السلام."


def demo_report():
    """The demo event with a few agreed items per working group, as ReportData."""
    from eventhub.accounts.models import Person
    from eventhub.board.models import BoardItem, ItemKind, ItemState
    from eventhub.extensions import db
    from eventhub.programme.importer import import_programme
    from eventhub.programme.models import Membership, Role
    from eventhub.reports.collect import collect
    from eventhub.rooms.models import Message, Room, RoomKind

    event = import_programme(DEMO.read_text(encoding="utf-8"), source=str(DEMO)).event
    db.session.flush()
    audiences = event.audiences or ["Member States"]
    people = 0
    for group in event.working_groups:
        # Members (named, to check that a Chatham House report names none) and room messages.
        network = group.lead_networks[0] if group.lead_networks else None
        room = Room(event=event, kind=RoomKind.WORKING_GROUP, working_group=group, last_seq=0)
        db.session.add(room)
        for _n in range(2 + 2 * group.number):
            people += 1
            person = Person(email=f"demo{people}@example.org", name=f"Demo Member{people}")
            db.session.add(person)
            for in_group in (group, None):
                db.session.add(
                    Membership(
                        person=person,
                        event=event,
                        working_group=in_group,
                        role=Role.PARTICIPANT,
                        network=network,
                    )
                )
            for seq in range(1, 4):
                room.last_seq += 1
                db.session.add(
                    Message(room=room, seq=room.last_seq, author=person, body=f"Message {seq}")
                )
        questions = group.guiding_questions
        entries = [
            (
                ItemKind.INSIGHT,
                1,
                f"Insight from {group.title}: informal mediation by women "
                "is rarely recognised or funded.",
                None,
            ),
            (
                ItemKind.RECOMMENDATION,
                1,
                "Guarantee the meaningful participation of women "
                "mediators in every formal peace process.",
                0,
            ),
            (
                ItemKind.RECOMMENDATION,
                2,
                "Provide multi-year, flexible funding to regional women mediator networks.",
                1,
            ),
            (
                ItemKind.RECOMMENDATION,
                3,
                ARABIC
                if group.number == 2
                else "Protect women mediators against online harassment and threats.",
                2,
            ),
        ]
        for position, (kind, number, text, audience) in enumerate(entries):
            db.session.add(
                BoardItem(
                    working_group=group,
                    kind=kind,
                    number=number,
                    text=text,
                    audience=audiences[audience % len(audiences)] if audience is not None else None,
                    guiding_question=questions[position % len(questions)] if questions else None,
                    state=ItemState.AGREED,
                    position=position,
                )
            )
    db.session.commit()
    return collect(event)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, timeout=240, **kwargs)


def pdf_to_png(pdf: Path, out: Path, first: int, last: int) -> list[Path]:
    prefix = out / pdf.stem
    run(["pdftoppm", "-r", "70", "-png", "-f", str(first), "-l", str(last), str(pdf), str(prefix)])
    return sorted(out.glob(f"{pdf.stem}-*.png"))


def check(out: Path, first: int = 1, last: int = 6) -> dict[str, list[Path]]:
    """Build and render; returns PNGs per document. Raises AssertionError on a visible fault."""
    from eventhub import create_app
    from eventhub.extensions import db
    from eventhub.reports.build_docx import build_docx
    from eventhub.reports.build_pdf import build_pdf

    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is missing: apt-get install poppler-utils")
    out.mkdir(parents=True, exist_ok=True)
    rendered: dict[str, list[Path]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/demo.sqlite")
        with app.app_context():
            db.create_all()
            report = demo_report()
            assert len(report.groups) == 5, "the demo event has 5 working groups"
            for language in ("en", "ar"):
                pdf = out / f"report-{language}.pdf"
                pdf.write_bytes(build_pdf(report, language))
                docx = out / f"report-{language}.docx"
                docx.write_bytes(build_docx(report, language))
                text = run(["pdftotext", str(pdf), "-"]).stdout.decode()
                for reference in ("WG1-R1", "WG2-R3", "WG5-R3"):
                    assert reference in text, f"{reference} missing from {pdf.name}"
                assert "ينبغي" in text, f"the Arabic recommendation is missing from {pdf.name}"
                assert "Demo Member" not in text and "@example.org" not in text, (
                    f"{pdf.name} names a member under the Chatham House rule"
                )
                rendered[pdf.name] = pdf_to_png(pdf, out, first, last)
                soffice = shutil.which("soffice") or shutil.which("libreoffice")
                if soffice:
                    converted = out / "docx"
                    converted.mkdir(exist_ok=True)
                    run(
                        [
                            soffice,
                            "--headless",
                            f"-env:UserInstallation=file://{tmp}/lo",
                            "--convert-to",
                            "pdf",
                            "--outdir",
                            str(converted),
                            str(docx),
                        ]
                    )
                    as_pdf = converted / f"{docx.stem}.pdf"
                    docx_text = run(["pdftotext", str(as_pdf), "-"]).stdout.decode()
                    assert "WG2-R3" in docx_text, f"WG2-R3 missing from {docx.name}"
                    target = converted / f"{docx.stem}-docx.pdf"
                    as_pdf.rename(target)
                    rendered[docx.name] = pdf_to_png(target, converted, first, last)
                else:
                    print(f"LibreOffice is not installed: {docx.name} was not rendered")
    for name, pngs in rendered.items():
        assert pngs and all(p.stat().st_size > 2000 for p in pngs), f"{name}: blank pages"
    return rendered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "instance" / "report-check")
    parser.add_argument("--pages", default="1-6", help="page range to render, e.g. 1-6")
    args = parser.parse_args()
    first, last = (int(n) for n in args.pages.split("-"))
    for name, pngs in check(args.out, first, last).items():
        print(name)
        for png in pngs:
            print(f"  {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
