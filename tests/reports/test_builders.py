"""Each format's content, built from synthetic data (no database): references, grouping by
audience, attribution, language and direction."""

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime

import lxml.html
import pytest
from babel.dates import format_interval
from docx.oxml.ns import qn
from flask_babel import force_locale
from flask_babel import gettext as _

from eventhub.reports.build_docx import build_docx
from eventhub.reports.build_html import build_html
from eventhub.reports.build_markdown import build_markdown
from eventhub.reports.build_pdf import build_pdf
from eventhub.reports.common import Words, in_language
from eventhub.reports.data import CHATHAM_HOUSE, NAMED, Edition, SessionData
from eventhub.reports.formats import build
from eventhub.reports.sample import ARABIC_TEXT, synthetic_report
from tests.conftest import need

from .helpers import docx_document, docx_text, docx_xml, html_text, pdf_raw, pdf_text

CREDITS = ("Zanele Facilitatrix", "Ingrid Rapportrice")


def all_formats(report, language="en", edition=None) -> dict[str, str]:
    """Every format as the text a reader would search."""
    pdf = build_pdf(report, language, edition)
    docx = build_docx(report, language, edition)
    return {
        "html": html_text(build_html(report, language, edition)),
        "md": build_markdown(report, language, edition),
        "docx": docx_text(docx),
        "pdf": pdf_text(pdf),
    }


@pytest.fixture(scope="module")
def named_outputs():
    return all_formats(synthetic_report(3, 8, attribution=NAMED, credits=CREDITS))


def test_every_format_carries_every_reference_twice(named_outputs):
    report = synthetic_report(3, 8)
    references = [i.reference for g in report.groups for i in (*g.insights, *g.recommendations)]
    assert "WG2-R3" in references
    for fmt, text in named_outputs.items():
        for reference in references:
            count = len(re.findall(rf"{reference}(?!\d)", text))
            expected = 2 if "-R" in reference else 1  # recommendations again under their audience
            assert count >= expected, f"{reference} appears {count} times in {fmt}"


def _audience_sections(lines: list[str], headings: list[str]) -> dict[str, str]:
    """The text under each audience heading, up to the next heading of the list."""
    text = "\n".join(lines)
    positions = sorted((text.rindex(h), h) for h in headings)
    sections = {}
    for n, (start, heading) in enumerate(positions):
        end = positions[n + 1][0] if n + 1 < len(positions) else len(text)
        sections[heading] = text[start:end]
    return sections


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "pdf"])
def test_recommendations_are_grouped_by_audience(named_outputs, fmt):
    report = synthetic_report(3, 8)
    by_audience = dict(report.by_audience())
    headings = {f"Recommendations to {a}": a for a in by_audience}
    text = named_outputs[fmt]
    if fmt == "pdf":
        text = re.sub(r"\s+", " ", text)
    sections = _audience_sections([text], list(headings))
    for heading, audience in headings.items():
        inside = set(re.findall(r"WG\d+-R\d+", sections[heading]))
        expected = {item.reference for _g, item in by_audience[audience]}
        assert inside == expected, f"{fmt}: {heading}"


def test_html_references_link_back_to_the_item_in_its_working_group():
    report = synthetic_report(3, 8)
    page = lxml.html.fromstring(build_html(report, "en"))
    section = page.get_element_by_id("by-audience")
    links = section.xpath(".//a[@class='ref']")
    assert len(links) == len(report.recommendations)
    for link in links:
        target = page.get_element_by_id(link.get("href")[1:])
        reference = link.text_content()
        assert reference in target.text_content()
        group = target.xpath("ancestor::section[@class='group']")[0]
        assert group.get("id") == "wg-" + reference.split("-")[0][2:]


def test_docx_references_link_to_bookmarks_on_the_items_and_groups():
    xml = docx_xml(build_docx(synthetic_report(3, 8), "en"))
    bookmarks = set(re.findall(r'w:bookmarkStart w:id="\d+" w:name="([^"]+)"', xml))
    anchors = set(re.findall(r'w:hyperlink w:anchor="([^"]+)"', xml))
    assert "ref_WG2_R3" in anchors and "wg_2" in anchors
    assert anchors <= bookmarks


def test_chatham_house_report_credits_nobody_in_any_format():
    # Even if names slipped into the data, a Chatham House report prints none of them.
    report = synthetic_report(3, 8, attribution=CHATHAM_HOUSE)
    group = replace(report.groups[0], facilitators=CREDITS[:1], rapporteurs=CREDITS[1:])
    report = replace(report, groups=(group, *report.groups[1:]))
    pdf = build_pdf(report, "en")
    docx = build_docx(report, "en")
    outputs = {
        "html": build_html(report, "en"),
        "md": build_markdown(report, "en"),
        "docx": docx_xml(docx),
        "pdf": pdf_text(pdf) + pdf_raw(pdf),
    }
    for fmt, text in outputs.items():
        for name in CREDITS:
            assert name not in text, f"{name} in {fmt}"
            assert name.split()[0] not in text, f"{name} in {fmt}"
    assert "Chatham House" in html_text(outputs["html"])


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "pdf"])
def test_named_report_credits_each_groups_facilitators_and_rapporteurs(named_outputs, fmt):
    text = re.sub(r"\s+", " ", named_outputs[fmt].replace("*", ""))
    assert re.search(rf"Facilitators:? {CREDITS[0]}", text)
    assert re.search(rf"Rapporteurs:? {CREDITS[1]}", text)


def test_programme_times_are_in_the_events_time_zone():
    # 12:00 UTC on 8 October 2020 is 14:00 in Rome (summer time).
    report = synthetic_report(1, 2)
    md = build_markdown(report, "en")
    assert "2:00\u202fPM" in md or "2:00 PM" in md
    assert "Thursday, October 8, 2020" in md
    html = html_text(build_html(report, "fr"))
    assert "14:00" in html and "jeudi 8 octobre 2020" in html


def test_the_place_is_the_venue_and_format_else_the_sessions_places_never_a_guess():
    report = synthetic_report(1, 2)
    assert "**Place:**" not in build_markdown(report, "en")
    assert "**Place:** Online meeting" in build_markdown(replace(report, format="online"), "en")
    placed = replace(report, places=("Palais des Nations, Geneva",))
    assert "Palais des Nations, Geneva" in build_markdown(placed, "en")
    venue = replace(placed, venue="Pretoria, South Africa", format="in-person")
    text = build_markdown(venue, "en")
    assert "**Place:** Pretoria, South Africa (in person)" in text
    assert "Palais" not in text


def test_published_edition_shows_its_version_date_and_hash():
    edition = Edition(
        version=3, published_at=datetime(2020, 10, 23, 9, tzinfo=UTC), content_hash="ab" * 32
    )
    text = build_markdown(synthetic_report(1, 2), "en", edition)
    assert "Version 3, published on October 23, 2020" in text
    assert "ab" * 32 in text
    assert "Draft" in build_markdown(synthetic_report(1, 2), "en")


@pytest.mark.parametrize("language", ["en", "fr", "ar", "es", "ru"])
def test_fixed_text_and_dates_follow_the_chosen_language(app, language):
    report = synthetic_report(2, 4)
    with force_locale(language):
        headings = [
            _("Summary"),
            _("Programme"),
            _("Working groups"),
            _("Recommendations by audience"),
            _("Annex: participation"),
        ]
        audience = _("Recommendations to %(audience)s", audience=report.by_audience()[0][0])
    period = format_interval(report.starts, report.ends, skeleton="yMMMMd", locale=language)

    page = lxml.html.fromstring(build_html(report, language))
    assert page.get("lang") == language
    assert page.get("dir") == ("rtl" if language == "ar" else "ltr")
    assert [h.text_content() for h in page.xpath("//section[@class='chapter']/h2")] == headings
    assert period in page.text_content()

    md = build_markdown(report, language)
    for heading in headings:
        assert f"\n## {heading}\n" in md
    # An audience inside an Arabic heading is isolated (FSI … PDI), so it keeps its own direction.
    isolated = "\u2068{}\u2069".format if language == "ar" else str
    audience = audience.replace(report.by_audience()[0][0], isolated(report.by_audience()[0][0]))
    assert f"### {audience}" in md and period in md
    assert md.startswith('<div dir="rtl" lang="ar">') == (language == "ar")

    doc = docx_document(build_docx(report, language))
    heading_1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert [h for h in heading_1 if h in headings] == headings
    assert period in docx_text(build_docx(report, language))


def test_a_report_builds_in_russian_in_every_format(app):
    report = synthetic_report(2, 4)
    with force_locale("ru"):
        heading = _("Recommendations by audience")
    assert heading == "Рекомендации по адресатам"
    period = format_interval(report.starts, report.ends, skeleton="yMMMMd", locale="ru")
    for fmt, text in all_formats(report, "ru").items():
        flat = " ".join(text.split())
        assert heading in flat, fmt
        assert " ".join(period.split()) in flat, fmt


def test_docx_uses_real_heading_and_list_styles_for_editing():
    doc = docx_document(build_docx(synthetic_report(2, 8), "en"))
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet"} <= styles
    items = [p for p in doc.paragraphs if p.text.startswith("WG1-R1")]
    assert items and all(p.style.name == "List Bullet" for p in items)
    group = [p for p in doc.paragraphs if p.text == "Working group 2: Theme 2"]
    assert group[0].style.name == "Heading 2"
    assert doc.core_properties.title == synthetic_report(2, 8).title


def test_arabic_docx_paragraphs_runs_tables_and_section_are_right_to_left():
    report = synthetic_report(2, 8)
    doc = docx_document(build_docx(report, "ar"))

    def is_rtl(paragraph):
        bidi = paragraph._p.pPr.find(qn("w:bidi")) if paragraph._p.pPr is not None else None
        return bidi is not None and bidi.get(qn("w:val")) != "0"

    # Notes written in English keep their own direction, like dir="auto"; all else is RTL.
    notes = {report.summary, "Share experience", "Agree recommendations"} | {
        g.introduction.replace("**", "") for g in report.groups
    }
    body = [p for p in doc.paragraphs if p.text.strip() and p.text not in notes]
    assert all(is_rtl(p) for p in body)
    runs = [r for p in body for r in p.runs if r.text.strip()]

    def run_rtl(run):
        flag = run._r.rPr.find(qn("w:rtl")) if run._r.rPr is not None else None
        return flag is not None and flag.get(qn("w:val")) != "0"

    # Arabic runs read right to left; an English run inside an Arabic paragraph keeps its own
    # direction (its full stop and brackets stay where they belong).
    words = Words(report, "ar")
    assert all(run_rtl(r) == (words.text_dir(r.text) == "rtl") for r in runs)
    assert any(not run_rtl(r) for r in runs) and any(run_rtl(r) for r in runs)
    english_notes = [p for p in doc.paragraphs if p.text in notes]
    assert english_notes and not any(is_rtl(p) for p in english_notes)
    assert any(ARABIC_TEXT in p.text for p in body)
    assert doc.sections[0]._sectPr.find(qn("w:bidi")) is not None
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in doc.tables)
    english = docx_document(build_docx(synthetic_report(2, 8), "en"))
    assert english.paragraphs[1]._p.pPr.find(qn("w:bidi")) is None


def test_pdf_has_contents_with_page_numbers_and_numbered_pages():
    pdf = build_pdf(synthetic_report(5, 12), "en")
    contents = pdf_text(pdf, first=2, last=2)
    assert "Contents" in contents
    pages = {
        title: int(number)
        for title, number in re.findall(
            r"(Programme|Recommendations by audience|Annex: participation)[ .]+(\d+)", contents
        )
    }
    assert set(pages) == {"Programme", "Recommendations by audience", "Annex: participation"}
    assert pages["Programme"] < pages["Recommendations by audience"] < pages["Annex: participation"]
    annex_page = pdf_text(
        pdf, first=pages["Annex: participation"], last=pages["Annex: participation"]
    )
    assert "Annex: participation" in annex_page
    assert re.search(rf"\b{pages['Annex: participation']}\s*$", annex_page.strip())


def test_html_annex_has_a_chart_and_the_figures():
    report = synthetic_report(3, 4)
    page = lxml.html.fromstring(build_html(report, "en"))
    annex = page.get_element_by_id("annex")
    assert annex.xpath(".//svg") or annex.xpath(".//*[local-name()='svg']")
    cells = [c.text_content() for c in annex.xpath(".//table[1]//td")]
    assert [str(f.members) for f in report.participation.groups] == cells[0:-2:2]


def test_build_refuses_unknown_formats_and_languages():
    with pytest.raises(ValueError):
        build(synthetic_report(1, 1), "odt", "en")
    with pytest.raises(ValueError):
        build(synthetic_report(1, 1), "md", "de")


def test_session_in_a_working_group_links_to_that_group_in_html():
    report = synthetic_report(2, 2)
    page = lxml.html.fromstring(build_html(report, "en"))
    link = page.get_element_by_id("programme").xpath(".//a[@href='#wg-2']")
    assert link and "Working group 2" in link[0].text_content()
    assert isinstance(report.sessions[1], SessionData)


def test_markdown_keeps_item_text_as_text_not_html():
    report = synthetic_report(1, 2)
    group = report.groups[0]
    item = replace(group.recommendations[0], text="Use <script>alert(1)</script> & more")
    report = replace(report, groups=(replace(group, recommendations=(item,)),))
    md = build_markdown(report, "en")
    assert "<script>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in md


def test_pdf_page_references_are_remembered_until_a_page_is_added():
    """build_pdf's stand-in for pydyf's PDF.page_references: the same tuple, rebuilt only when
    the PDF has a new page (the upstream one rebuilt it on every read: quadratic)."""
    import pydyf

    from eventhub.reports.build_pdf import _remember_page_references

    _remember_page_references()
    pdf = pydyf.PDF()
    for _page in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert first == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3])
    assert pdf.page_references is first  # remembered
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(pdf.page_references) == 4 and pdf.page_references[:3] == first


def test_long_pdf_stays_tagged_with_the_draft_mark_on_every_page(app, tmp_path):
    """What the speed work must keep (docs/performance.md): a tagged PDF/UA file, and a draft
    says so at the head of every page, in Arabic too."""
    need(shutil.which("pdfinfo") is not None, "pdfinfo (poppler-utils) is not installed")
    with app.app_context():
        pdf = build_pdf(synthetic_report(5, 12, realistic=True), "ar")
        with in_language("ar"):
            mark = Words(synthetic_report(1, 1), "ar").edition_line()
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, timeout=60)
    fields = dict(line.split(":", 1) for line in info.stdout.decode().splitlines() if ":" in line)
    assert fields["Tagged"].strip() == "yes"
    pages = int(fields["Pages"])
    assert pages > 15 and "مسودة" in mark
    heads = [pdf_text(pdf, first=n, last=n).strip().splitlines()[0] for n in range(1, pages + 1)]
    assert all(mark.split(":")[0] in head for head in heads), heads
