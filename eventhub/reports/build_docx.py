"""The report as Word .docx (python-docx): real Title / Heading n / List styles so organisers can
edit it; Arabic paragraphs, runs, tables and the section are marked right-to-left."""

from __future__ import annotations

import base64
import io

from docx import Document
from docx.enum.table import WD_TABLE_DIRECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from flask_babel import gettext as _
from markdown_it import MarkdownIt

from .common import Words, in_language
from .data import Edition, GroupData, ItemData, ReportData
from .localize import localize

_MARKDOWN = MarkdownIt("commonmark", {"html": False})

# Children that must follow w:bidi in w:pPr, and w:rtl in w:rPr (schema order).
_AFTER_BIDI = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_AFTER_RTL = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
BIDI_LANGUAGE = {"ar": "ar-SA"}


def build_docx(report: ReportData, language: str, edition: Edition | None = None) -> bytes:
    with in_language(language):
        writer = _Writer(Words(localize(report, language), language, edition))
        writer.write()
        out = io.BytesIO()
        writer.doc.save(out)
        return out.getvalue()


def _on_off(tag: str, on: bool):
    element = OxmlElement(tag)
    if not on:
        element.set(qn("w:val"), "0")
    return element


def _flag(parent, tag: str, successors: tuple[str, ...]) -> None:
    if parent.find(qn(tag)) is None:
        parent.insert_element_before(OxmlElement(tag), *successors)


class _Writer:
    def __init__(self, words: Words):
        self.w = words
        self.r = words.report
        self.rtl = words.rtl
        self.doc = Document()
        self.styles = {
            name: self.doc.styles[name]
            for name in (
                "Title",
                "Subtitle",
                "TOC Heading",
                "Heading 1",
                "Heading 2",
                "Heading 3",
                "Heading 4",
                "Normal",
                "List Bullet",
                "List Number",
                "Quote",
                "Table Grid",
                "Caption",
            )
        }
        self.style_ids = {name: style.style_id for name, style in self.styles.items()}
        self._sect_pr = self.doc.element.body.sectPr
        self._bookmark_id = 0
        self._setup()

    # --- document set-up ---

    def _setup(self) -> None:
        props = self.doc.core_properties
        props.title = self.r.title
        props.author = self.r.host  # an organisation, never the person who published it
        props.last_modified_by = ""
        props.language = self.w.language
        props.comments = ""
        # Word offers to update fields on opening, which fills the table of contents.
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings = self.doc.settings.element
        settings.insert_element_before(  # schema order: after the XML options, before compat
            update,
            "w:hdrShapeDefaults",
            "w:footnotePr",
            "w:endnotePr",
            "w:compat",
            "w:docVars",
            "w:rsids",
            "m:mathPr",
            "w:themeFontLang",
            "w:clrSchemeMapping",
            "w:shapeDefaults",
            "w:decimalSymbol",
            "w:listSeparator",
        )
        normal = self.styles["Normal"]
        normal.font.size = Pt(11)
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        fonts.set(qn("w:cs"), "Arial")
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.insert_element_before(lang, *_AFTER_LANG)
        lang.set(qn("w:val"), self.w.language)
        if self.w.language in BIDI_LANGUAGE:
            lang.set(qn("w:bidi"), BIDI_LANGUAGE[self.w.language])
        if self.rtl:
            # The styles read right to left, so paragraphs added later by hand do too.
            for style in self.styles.values():
                if style.type == 1:  # paragraph styles
                    _flag(style.element.get_or_add_pPr(), "w:bidi", _AFTER_BIDI)
                    _flag(style.element.get_or_add_rPr(), "w:rtl", _AFTER_RTL)
            _flag(
                self.doc.sections[0]._sectPr,
                "w:bidi",
                ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange"),
            )

    # --- primitives ---

    # python-docx's add_paragraph/add_run look styles up and scan siblings on every call, which
    # is quadratic on a long report; we write the same elements directly, appended in order.

    def para(self, text: str = "", style: str = "Normal", *, bold_prefix: str = ""):
        p = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        if style != "Normal":
            style_ref = OxmlElement("w:pStyle")
            style_ref.set(qn("w:val"), self.style_ids[style])
            ppr.append(style_ref)
        if self.w.rtl:  # the styles say right to left; a left-to-right paragraph says so itself
            ppr.append(_on_off("w:bidi", self.rtl))
        p.append(ppr)
        self._sect_pr.addprevious(p)
        paragraph = Paragraph(p, self.doc._body)
        if bold_prefix:
            self.run(paragraph, bold_prefix, bold=True)
        if text:
            self.run(paragraph, text)
        return paragraph

    def run(self, paragraph, text: str, *, bold: bool = False, italic: bool = False, parent=None):
        if self.rtl and text.strip() and self.w.text_dir(text) == "ltr" and "\u2068" not in text:
            text = f"\u2068{text}\u2069"  # English inside Arabic keeps its own order
        r = OxmlElement("w:r")
        if bold or italic or self.w.rtl:
            rpr = OxmlElement("w:rPr")
            for flag, tag in ((bold, "w:b"), (italic, "w:i")):
                if flag:
                    rpr.append(OxmlElement(tag))
            if self.w.rtl:
                # A run written left to right (an English name inside Arabic) is not marked
                # right to left, so Word and LibreOffice keep its punctuation where it belongs.
                rpr.append(_on_off("w:rtl", self.rtl and self.w.text_dir(text) == "rtl"))
            r.append(rpr)
        for n, line in enumerate(text.split("\n")):
            if n:
                r.append(OxmlElement("w:br"))
            if line:
                t = OxmlElement("w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = line
                r.append(t)
        (parent if parent is not None else paragraph._p).append(r)
        return Run(r, paragraph)

    def heading(self, text: str, level: int, bookmark: str | None = None):
        paragraph = self.para(text, "Title" if level == 0 else f"Heading {level}")
        if bookmark:
            self.bookmark(paragraph, bookmark)
        return paragraph

    def bookmark(self, paragraph, name: str) -> None:
        self._bookmark_id += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self._bookmark_id))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self._bookmark_id))
        paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
        paragraph._p.append(end)

    def link(self, paragraph, text: str, anchor: str, *, bold: bool = False, italic: bool = False):
        """An internal link to a bookmark (a reference pointing back to its working group)."""
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("w:anchor"), anchor)
        hyperlink.set(qn("w:history"), "1")
        paragraph._p.append(hyperlink)
        return self.run(paragraph, text, bold=bold, italic=italic, parent=hyperlink)

    def numbered(self):
        """A fresh numbering instance for 'List Number', so each list starts again at 1."""
        numbering = self.doc.part.numbering_part.element
        style_num = self.styles["List Number"].element.pPr.numPr.numId.val
        abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    def numbered_para(self, text: str, num_id: int):
        paragraph = self.para(text, "List Number")
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num_id
        return paragraph

    def markdown(self, text: str) -> None:
        """Notes written in Markdown as Word paragraphs and lists (emphasis kept, links as text)."""
        tokens = _MARKDOWN.parse(text or "")
        lists: list[tuple[str, int | None]] = []
        for token in tokens:
            if token.type == "bullet_list_open":
                lists.append(("List Bullet", None))
            elif token.type == "ordered_list_open":
                lists.append(("List Number", self.numbered()))
            elif token.type in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif token.type == "inline":
                # A paragraph written left to right stays so in an Arabic report (dir="auto").
                report_rtl = self.rtl
                self.rtl = report_rtl and self.w.text_dir(token.content) == "rtl"
                try:
                    if lists:
                        style, num_id = lists[-1]
                        paragraph = (
                            self.numbered_para("", num_id)
                            if num_id is not None
                            else self.para("", style)
                        )
                    else:
                        paragraph = self.para()
                    self.inline(paragraph, token.children or [])
                finally:
                    self.rtl = report_rtl

    def inline(self, paragraph, children) -> None:
        bold = italic = False
        for child in children:
            if child.type == "strong_open":
                bold = True
            elif child.type == "strong_close":
                bold = False
            elif child.type == "em_open":
                italic = True
            elif child.type == "em_close":
                italic = False
            elif child.type in ("text", "code_inline"):
                self.run(paragraph, child.content, bold=bold, italic=italic)
            elif child.type in ("softbreak", "hardbreak"):
                self.run(paragraph, " " if child.type == "softbreak" else "\n")

    def table(self, header: list[str], rows: list[list[str]], footer: list[str] | None = None):
        table = self.doc.add_table(rows=0, cols=len(header), style=self.styles["Table Grid"])
        if self.rtl:
            table.table_direction = WD_TABLE_DIRECTION.RTL
        for n, values in enumerate([header, *rows, *([footer] if footer else [])]):
            bold = n == 0 or (footer is not None and n == len(rows) + 1)
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                paragraph = cell.paragraphs[0]
                if self.rtl:
                    _flag(paragraph._p.get_or_add_pPr(), "w:bidi", _AFTER_BIDI)
                self.run(paragraph, str(value), bold=bold)
        return table

    def toc(self) -> None:
        """A Word table-of-contents field; Word fills it with page numbers when fields update."""
        paragraph = self.para()
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        begin.set(qn("w:dirty"), "true")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = 'TOC \\o "1-2" \\h \\z \\u'
        separate = OxmlElement("w:fldChar")
        separate.set(qn("w:fldCharType"), "separate")
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        for element in (begin, instr, separate):
            self.run(paragraph, "")._r.append(element)
        self.run(paragraph, _("Update this field (F9) to show the table of contents."), italic=True)
        self.run(paragraph, "")._r.append(end)

    # --- the report ---

    def page_furniture(self) -> None:
        """Page numbers in the footer (a PAGE field Word fills), and a draft's mark on every page."""
        section = self.doc.sections[0]
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        footer._p.append(field)
        self.run(footer, "1", parent=field)
        if self.w.edition.draft:
            header = section.header.paragraphs[0]
            header.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.run(header, self.w.edition_line(), italic=True)

    def write(self) -> None:
        self.page_furniture()
        self.title_page()
        self.opening()
        self.programme()
        self.heading(self.w.heading("groups"), 1)
        for group in self.r.groups:
            self.group(group)
        self.by_audience()
        self.closing()
        self.annex()

    def title_page(self) -> None:
        w, r = self.w, self.r
        self.para(w.edition_line(), "Subtitle")
        self.heading(r.title, 0)
        if w.adoption_line():
            self.para(w.adoption_line(), "Subtitle")
        if r.host:
            self.para(r.host, bold_prefix=f"{w.label('host')}: ")
        self.para(w.period(), bold_prefix=f"{w.label('dates')}: ")
        if w.place():
            self.para(w.place(), bold_prefix=f"{w.label('place')}: ")
        self.partners()
        self.para(w.attribution_note(), "Quote")
        if w.fallback_note():
            self.para(w.fallback_note(), "Caption")
        if w.hash_line():
            self.para(w.hash_line(), "Caption")
        self.doc.add_page_break()
        self.para(w.heading("contents"), "TOC Heading")
        self.toc()
        self.doc.add_page_break()

    def opening(self) -> None:
        w, r = self.w, self.r
        if r.executive_summary:
            self.heading(w.heading("executive_summary"), 1)
            self.markdown(r.executive_summary)
        if r.has_key_messages:
            self.heading(w.heading("key_messages"), 1)
            for key in ("opening_messages", "closing_messages"):
                if getattr(r, key):
                    self.heading(w.heading(key), 2)
                    self.markdown(getattr(r, key))
            if r.questioned_sessions:
                self.heading(w.heading("floor_questions"), 2)
            for session in r.questioned_sessions:
                self.heading(w.floor_session(session), 3)
                for question in session.questions:
                    self.para(w.floor_question(question), "List Bullet")
        if r.summary:
            self.heading(w.heading("summary"), 1)
            self.markdown(r.summary)

    def partners(self) -> None:
        for role, partners in self.r.partners_by_role():
            self.para(
                ", ".join(p.name for p in partners), bold_prefix=f"{self.w.role_heading(role)}: "
            )
            logos = [p for p in partners if p.logo]
            if logos:
                paragraph = self.para()
                for partner in logos:
                    run = paragraph.add_run()
                    try:
                        run.add_picture(io.BytesIO(base64.b64decode(partner.logo)), height=Cm(1.5))
                    except Exception:  # an image python-docx cannot size: the name is printed
                        continue
                    paragraph.add_run("  ")

    def closing(self) -> None:
        w, r = self.w, self.r
        if r.follow_ups:
            self.heading(w.heading("follow_ups"), 1)
            self.table(
                [w.label("reference"), w.label("what"), w.label("who"), w.label("by_when")],
                [
                    [item.reference, _inline_text(item.text), item.owner or "—", w.due(item)]
                    for _group, item in r.follow_ups
                ],
            )
        if r.glossary:
            self.heading(w.heading("glossary"), 1)
            self.markdown(r.glossary)
        if r.acknowledgements:
            self.heading(w.heading("acknowledgements"), 1)
            self.markdown(r.acknowledgements)

    def programme(self) -> None:
        w = self.w
        self.heading(w.heading("programme"), 1)
        self.para(w.label("times_note"), "Caption")
        days = w.programme_days()
        for day, sessions in days:
            self.heading(day, 3)
            for s in sessions:
                parts = [s.title, w.session_kind(s)] + ([s.location] if s.location else [])
                self.para(" · ".join(parts), "List Bullet", bold_prefix=f"{w.session_time(s)}  ")
        if not days:
            self.para(w.label("no_sessions"))

    def group(self, group: GroupData) -> None:
        w, r = self.w, self.r
        self.heading(w.group_title(group), 2, bookmark=f"wg_{group.number}")
        if group.lead_networks:
            self.para(w.lead_networks(group), bold_prefix=f"{w.label('lead')}: ")
        if not r.chatham_house:
            for key in ("facilitators", "rapporteurs"):
                if getattr(group, key):
                    names = ", ".join(getattr(group, key))
                    self.para(names, bold_prefix=f"{w.label(key)}: ")
        for key in ("introduction", "background", "objectives", "narrative"):
            if getattr(group, key):
                self.heading(w.heading(key), 3)
                self.markdown(getattr(group, key))
        self.answers(group)

    def answers(self, group: GroupData) -> None:
        """Each guiding question once, with what the group agreed under it."""
        w = self.w
        for question, insights, recommendations in w.by_question(group):
            self.heading(w.question_heading(question), 3)
            for key, items in (("insights", insights), ("recommendations", recommendations)):
                if items:
                    self.heading(w.heading(key), 4)
                    for item in items:
                        self.item(item)
            if question and not insights and not recommendations:
                self.para(w.label("none_agreed"))

    def item(self, item: ItemData) -> None:
        paragraph = self.para("", "List Bullet", bold_prefix=f"{item.reference}  ")
        self.bookmark(paragraph, _bookmark_name(item))
        # Text against the paragraph's direction is isolated (FSI ... PDI), so its closing full
        # stop or bracket stays at its own end rather than jumping to the paragraph's.
        isolate = self.w.rtl and self.w.text_dir(item.text) != "rtl"
        if isolate:
            self.run(paragraph, "\u2068")
        self.inline(paragraph, _MARKDOWN.parseInline(item.text)[0].children or [])
        if isolate:
            self.run(paragraph, "\u2069")
        notes = [self.w.audience_of(item)] if item.audience else []
        if item.kind == "recommendation":
            notes.append(self.w.support(item))
        if notes:
            self.run(paragraph, f" ({' · '.join(notes)})", italic=True)

    def by_audience(self) -> None:
        w = self.w
        self.heading(w.heading("by_audience"), 1)
        audiences = self.r.by_audience()
        for audience, entries in audiences:
            self.heading(w.audience_heading(audience), 2)
            for group, item in entries:
                paragraph = self.para("", "List Bullet")
                self.link(paragraph, item.reference, _bookmark_name(item), bold=True)
                self.run(paragraph, f"  {self.w.content(_inline_text(item.text))} ")
                self.link(paragraph, f"({w.from_group(group)})", f"wg_{group.number}", italic=True)
        if not audiences:
            self.para(w.label("none_agreed"))

    def annex(self) -> None:
        w, p = self.w, self.r.participation
        self.heading(w.heading("annex"), 1)
        self.para(w.totals() + (f" {w.totals_note()}" if w.totals_note() else ""))
        self.heading(w.heading("figures"), 2)
        self.table(
            [w.label("group"), w.label("members"), w.label("messages")],
            [[f"WG{f.number}: {f.title}", f.members, f.messages] for f in p.groups],
            [w.label("total"), p.members, p.messages],
        )
        if p.networks:
            self.heading(w.heading("by_region"), 2)
            for region, entries in p.by_region():
                self.para(
                    ", ".join(e.network.label for e in entries),
                    "List Bullet",
                    bold_prefix=f"{region or w.label('no_region')}: ",
                )
            self.heading(w.heading("networks"), 2)
            rows = []
            for entry in p.networks:
                n = entry.network
                name = f"{n.acronym} ({n.name})" if n.acronym and n.acronym != n.name else n.name
                rows.append([name, n.region, entry.members])
            self.table([w.label("network"), w.label("region"), w.label("members")], rows)


def _inline_text(text: str) -> str:
    """Markdown as the text a reader sees (emphasis and link syntax gone), for table cells."""
    children = _MARKDOWN.parseInline(text or "")[0].children or []
    return "".join(
        c.content if c.type in ("text", "code_inline") else " " if "break" in c.type else ""
        for c in children
    )


def _bookmark_name(item: ItemData) -> str:
    return "ref_" + item.reference.replace("-", "_")
