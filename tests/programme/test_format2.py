"""Programme format 2: texts by language, venue and format, partners with logos; format 1 kept."""

from __future__ import annotations

import tomllib

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from eventhub.errors import Invalid
from eventhub.programme.fileexport import export_programme
from eventhub.programme.importer import import_programme
from eventhub.programme.models import Event, EventFormat, PartnerRole
from tests.conftest import DEMO_PROGRAMME

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

PROGRAMME = """\
format = 2

[event]
slug = "pretoria-2022"
title = { en = "Women in Mediation: Pretoria Meeting", fr = "Les femmes dans la médiation : réunion de Pretoria" }
timezone = "Africa/Johannesburg"
languages = ["en", "fr", "ar"]
starts = 2022-11-21
ends = 2022-11-23
attribution = "chatham-house"
audiences = [{ en = "Member States", fr = "États membres", ar = "الدول الأعضاء" }, "Donors"]
venue = { en = "Pretoria, South Africa", fr = "Pretoria, Afrique du Sud" }
format = "in-person"
acknowledgements = "With thanks to the Government of South Africa."

[[event.partners]]
name = { en = "Government of South Africa", fr = "Gouvernement de l'Afrique du Sud" }
role = "host"
logo = "logos/za.png"

[[event.partners]]
name = "Secretariat of the Alliance"
role = "secretariat"

[[networks]]
key = "femwise"
name = "FemWise-Africa"

[[sessions]]
key = "wg1-meeting"
kind = "working-group"
working_group = "wg1"
title = { en = "WG1 meeting", fr = "Réunion du GT1" }
starts = 2022-11-21T10:00:00
ends = 2022-11-21T12:00:00

[[working_groups]]
key = "wg1"
title = { en = "Protection of women mediators", fr = "Protection des médiatrices" }
lead = ["femwise"]
background = { en = "Mediators face threats.", fr = "Les médiatrices sont menacées." }
guiding_questions = [
  { en = "Which mechanisms exist?", fr = "Quels mécanismes existent ?" },
  "What is missing?",
]
"""


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "za.png").write_bytes(PNG)
    return tmp_path


def imported(db, text: str, folder) -> Event:
    import_programme(text, directory=folder)
    db.session.commit()
    return db.session.scalar(select(Event))


def refused(text: str, folder=None) -> list[str]:
    with pytest.raises(Invalid) as caught:
        import_programme(text, directory=folder)
    return caught.value.problems


def test_texts_by_language_are_shown_in_hers_or_else_in_the_first_language(db, folder):
    event = imported(db, PROGRAMME, folder)
    group = event.working_groups[0]
    assert event.title == "Women in Mediation: Pretoria Meeting"
    assert event.in_language("title", "fr") == "Les femmes dans la médiation : réunion de Pretoria"
    assert event.in_language("title", "fr").lang == "fr"
    fallback = event.in_language("title", "ar")
    assert (fallback, fallback.lang, fallback.dir, fallback.fallback) == (
        "Women in Mediation: Pretoria Meeting",
        "en",
        "ltr",
        True,
    )
    assert group.in_language("title", "fr") == "Protection des médiatrices"
    assert group.in_language("background", "fr") == "Les médiatrices sont menacées."
    questions = group.guiding_questions
    assert [q.in_language("text", "fr") for q in questions] == [
        "Quels mécanismes existent ?",
        "What is missing?",
    ]
    assert event.audiences == ["Member States", "Donors"]
    assert event.audience_text("Member States", "ar") == "الدول الأعضاء"
    assert event.audience_text("Member States", "ar").dir == "rtl"
    assert event.sessions[0].in_language("title", "fr") == "Réunion du GT1"


def test_venue_format_and_partners_with_their_logo_are_imported(db, folder):
    event = imported(db, PROGRAMME, folder)
    assert event.in_language("venue", "fr") == "Pretoria, Afrique du Sud"
    assert event.format is EventFormat.IN_PERSON
    assert event.acknowledgements == "With thanks to the Government of South Africa."
    host, secretariat = event.partners
    assert (host.role, host.logo_name, host.logo) == (PartnerRole.HOST, "logos/za.png", PNG)
    assert host.in_language("name", "fr") == "Gouvernement de l'Afrique du Sud"
    assert (secretariat.role, secretariat.logo) == (PartnerRole.SECRETARIAT, None)


def test_export_writes_format_2_with_tables_and_reimports_without_change(db, folder, tmp_path):
    event = imported(db, PROGRAMME, folder)
    exported = export_programme(event)
    assert exported.startswith("format = 2\n")
    document = tomllib.loads(exported)
    assert document["event"]["title"]["fr"].startswith("Les femmes")
    assert document["event"]["audiences"][1] == "Donors"
    assert document["event"]["partners"][0]["logo"] == "logos/za.png"
    assert document["working_groups"][0]["guiding_questions"][1] == "What is missing?"
    report = import_programme(exported, directory=folder)
    assert not report.has_changes, str(report)


def test_reimport_reports_a_changed_translation(db, folder):
    imported(db, PROGRAMME, folder)
    changed = PROGRAMME.replace("Réunion du GT1", "Séance du GT1")
    report = import_programme(changed, directory=folder)
    assert report.changed == ["session “wg1-meeting”: title"]


def test_format_1_file_imports_unchanged(db):
    text = DEMO_PROGRAMME.read_text(encoding="utf-8")
    assert text.startswith("format = 1") or "\nformat = 1\n" in text
    import_programme(text)
    event = db.session.scalar(select(Event))
    assert event.translations == {} and event.venue == "" and event.format is None
    assert event.in_language("title", "fr") == event.title
    assert all(g.translations == {} for g in event.working_groups)


def test_a_table_by_language_needs_format_2(db, folder):
    text = PROGRAMME.replace("format = 2", "format = 1", 1).replace(
        "[[event.partners]]", "[[ignored]]"
    )
    problems = refused(text.split("[[ignored]]")[0], folder)
    assert any(
        p.startswith("event.title: a text by language needs format = 2") for p in problems
    ), problems


def test_a_table_must_give_the_first_language_and_only_the_events_languages(db, folder):
    text = PROGRAMME.replace(
        'title = { en = "WG1 meeting", fr = "Réunion du GT1" }',
        'title = { fr = "Réunion du GT1", es = "Reunión del GT1" }',
    )
    problems = refused(text, folder)
    assert any(
        p.startswith("sessions[0].title: gives no text in “en”, the event's first language")
        for p in problems
    ), problems
    text = PROGRAMME.replace('fr = "Réunion du GT1"', 'es = "Reunión del GT1"')
    assert any(
        p.startswith("sessions[0].title.es: “es” is not one of the event's languages")
        for p in refused(text, folder)
    )


def test_a_logo_must_be_a_png_or_jpeg_beside_the_file(db, folder):
    (folder / "logos" / "za.png").write_bytes(b"<svg onload=alert(1)>")
    assert "event.partners[0].logo: “logos/za.png” is not a PNG or JPEG image" in " ".join(
        refused(PROGRAMME, folder)
    )
    escaping = PROGRAMME.replace("logos/za.png", "../secret.png")
    assert any(
        p.startswith("event.partners[0].logo: “../secret.png”: give the logo's file name")
        for p in refused(escaping, folder)
    )
    missing = PROGRAMME.replace("logos/za.png", "logos/none.png")
    assert any("no readable file “logos/none.png”" in p for p in refused(missing, folder))


def test_pages_show_her_language_else_the_first_marked_with_lang_and_dir(
    db, folder, client, make_person, add_member, login
):
    event = imported(db, PROGRAMME, folder)
    reader = make_person("lectrice@example.org", language="fr")
    add_member(reader, event, "participant", event.working_groups[0])
    login(reader)
    group = client.get("/e/pretoria-2022/groups/wg1").get_data(as_text=True)
    assert "<h1><bdi>Protection des médiatrices</bdi></h1>" in group
    assert "Quels mécanismes existent ?" in group
    # Not given in French: in English, and marked so.
    assert '<li><bdi><span lang="en" dir="ltr">What is missing?</span></bdi></li>' in group
    programme = client.get("/e/pretoria-2022/programme").get_data(as_text=True)
    assert "Réunion du GT1" in programme
