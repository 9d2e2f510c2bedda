"""The outcome document of a Pretoria-like meeting: a format-2 programme in English and French,
parts written in the app, partners with a logo, follow-up actions, support levels; in the
reader's language with the fallback said, and never a name under the Chatham House rule."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from eventhub.board import service as board
from eventhub.board.models import ItemKind
from eventhub.board.participation import endorse
from eventhub.extensions import db as _db
from eventhub.programme.importer import import_programme
from eventhub.programme.models import Event, Role
from eventhub.reports.build_docx import build_docx
from eventhub.reports.build_html import build_html
from eventhub.reports.build_markdown import build_markdown
from eventhub.reports.collect import collect
from eventhub.reports.data import from_json
from tests.programme.test_format2 import PNG, PROGRAMME
from tests.reports.helpers import docx_xml, html_text

NAMES = ("Thandiwe Mokoena-Lindqvist", "Rapporteur Okonkwo-Baptiste", "Organiser Villanueva-Roth")


@pytest.fixture
def pretoria(db, tmp_path, make_person, add_member):
    """The imported event, its organiser, a rapporteur of wg1 and a participant of wg1 (both
    of FemWise, the lead network), with an agreed recommendation, insight and follow-up."""
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "za.png").write_bytes(PNG)
    with force_locale("en"):
        import_programme(PROGRAMME, directory=tmp_path)
    _db.session.commit()
    event = _db.session.scalar(select(Event))
    wg1 = event.working_groups[0]
    femwise = event.networks[0]
    participant = make_person("thandiwe@example.org", name=NAMES[0], timezone="Asia/Tokyo")
    rapporteur = make_person("okonkwo@example.org", name=NAMES[1])
    organiser = make_person("villanueva@example.org", name=NAMES[2], timezone="Europe/Paris")
    for person, role, group in (
        (participant, Role.PARTICIPANT, wg1),
        (participant, Role.PARTICIPANT, None),
        (rapporteur, Role.RAPPORTEUR, wg1),
        (rapporteur, Role.PARTICIPANT, None),
        (organiser, Role.ORGANISER, None),
    ):
        add_member(person, event, role, group).network = femwise
    _db.session.commit()
    q1 = wg1.guiding_questions[0]
    recommendation = board.add_item(
        rapporteur,
        wg1,
        kind=ItemKind.RECOMMENDATION,
        text="Fund **rapid-response** rosters of women mediators, as [UN DPPA](https://dppa.un.org) urged.",
        audience="Member States",
        guiding_question_id=q1.id,
    )
    endorse(participant, recommendation)
    board.change_state(rapporteur, recommendation, "agreed")
    insight = board.add_item(
        rapporteur, wg1, kind=ItemKind.INSIGHT, text="Threats move online.", state="proposed"
    )
    board.change_state(rapporteur, insight, "agreed")
    action = board.add_item(
        rapporteur,
        wg1,
        kind=ItemKind.FOLLOW_UP,
        text="Draft terms of reference for the roster.",
        owner="FemWise secretariat",
        due="2023-03-31",
        state="proposed",
    )
    board.change_state(rapporteur, action, "agreed")
    _db.session.commit()
    return event, organiser, rapporteur, participant


def write(client, login, person, **form):
    login(person)
    response = client.post("/e/pretoria-2022/report/write", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    client.post("/logout")


def test_parts_written_in_the_app_and_the_programme_fill_the_report(pretoria, client, login):
    event, organiser, rapporteur, _participant = pretoria
    write(
        client, login, organiser, kind="executive-summary", text="The meeting **agreed** a roster."
    )
    write(
        client,
        login,
        rapporteur,
        kind="group-narrative",
        group="wg1",
        text="The group heard from the Sahel first.",
    )
    login(organiser)
    page = client.get("/e/pretoria-2022/report?lang=en").get_data(as_text=True)
    text = html_text(page)
    assert "Pretoria, South Africa (in person)" in text
    assert "Mediators face threats." in text  # each group's background, imported
    assert "The meeting agreed a roster." in text  # Markdown rendered, not printed raw
    assert "**" not in text
    assert "The group heard from the Sahel first." in text
    assert 'src="data:image/png;base64,' in page  # the host's logo
    assert "Government of South Africa" in text
    assert "Endorsed by 1 participant" in text
    assert "Draft terms of reference for the roster." in text
    assert "FemWise secretariat" in text and "March 31, 2023" in text
    # Each guiding question once per group.
    assert text.count("Which mechanisms exist?") == 1
    markdown = build_markdown(collect(event), "en")
    assert "| WG1-A1 | Draft terms of reference for the roster. | FemWise secretariat |" in markdown
    assert "[UN DPPA](https://dppa.un.org)" in markdown
    assert "*Endorsed by 1 participant*" in markdown or "Endorsed by 1 participant" in markdown


def test_the_french_report_uses_french_texts_and_says_where_it_falls_back(pretoria, client, login):
    event, organiser, rapporteur, _participant = pretoria
    write(client, login, rapporteur, kind="group-narrative", group="wg1", text="Sahel first.")
    part = collect(event).groups[0]
    login(rapporteur)
    item = next(i for i in part.recommendations)
    response = client.post(
        "/e/pretoria-2022/report/translate",
        data={
            "item": item.item_id,
            "language": "fr",
            "source_version": item.version,
            "text": "Financer des listes de **médiatrices** mobilisables rapidement.",
        },
    )
    assert response.status_code == 302
    data = collect(event)
    html = build_html(data, "fr")
    text = html_text(html)
    assert "Protection des médiatrices" in text  # group title
    assert "Quels mécanismes existent ?" in text  # guiding question
    assert "Les médiatrices sont menacées." in text  # background
    assert "États membres" in text  # audience
    assert "Member States" not in text
    assert "Financer des listes de médiatrices mobilisables rapidement." in text
    assert "Pretoria, Afrique du Sud" in text
    # Not translated: said, with the original's language, and shown in it.
    assert "What is missing?" in text
    fallback = re.search(r"Pas encore traduit[^.]*\.", text) or re.search(
        r"Not yet translated[^.]*\.", text
    )
    assert fallback and "WG1-I1" in fallback.group(0) and "WG1-R1" not in fallback.group(0)
    # A translation of an older version is not used once the original changes.
    board.edit_item(
        rapporteur,
        _db.session.get(board.BoardItem, item.item_id),
        version=item.version,
        text="Fund rosters of women mediators.",
        audience="Member States",
    )
    _db.session.commit()
    assert "Financer" not in build_markdown(collect(event), "fr")


def test_under_chatham_house_no_name_appears_in_any_format(pretoria, client, login):
    event, organiser, rapporteur, _participant = pretoria
    write(client, login, rapporteur, kind="group-narrative", group="wg1", text="Sahel first.")
    data = collect(event)
    assert data.chatham_house
    outputs = {
        "md": build_markdown(data, "en"),
        "html": build_html(data, "fr"),
        "docx": docx_xml(build_docx(data, "ar")),
        "json": _db.session.scalar(select(Event)).slug and from_json and "",
    }
    from eventhub.reports.data import canonical_json

    outputs["json"] = canonical_json(data)
    for name in NAMES:
        for part in name.split():
            for fmt, content in outputs.items():
                if len(part) > 6:
                    assert part not in content, f"{part} in {fmt}"
