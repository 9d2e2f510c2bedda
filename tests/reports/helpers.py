"""Reading each format back as text, so tests check what a reader would see."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
import zipfile

import lxml.etree
import lxml.html
from bidi import get_display
from docx import Document

from tests.conftest import need


def html_text(html: str | bytes) -> str:
    """The text of the document's body, one space between elements (no stylesheet)."""
    root = lxml.html.fromstring(html)
    body = root.find("body") if root.find("body") is not None else root
    return " ".join(t.strip() for t in body.itertext() if t.strip())


def docx_document(content: bytes):
    return Document(io.BytesIO(content))


def docx_xml(content: bytes) -> str:
    """Every part of the package (body, styles, properties), to search for anything printed."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return "\n".join(
            package.read(name).decode("utf-8", "replace")
            for name in package.namelist()
            if name.endswith((".xml", ".rels"))
        )


def docx_text(content: bytes) -> str:
    doc = docx_document(content)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def pdf_text(content: bytes, *, first: int | None = None, last: int | None = None) -> str:
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    result = subprocess.run(
        [*args, "-", "-"], input=content, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode("utf-8")


# Bidi format characters: LibreOffice draws the FSI/PDI of a Word file as glyphs of their own,
# which a reader does not see; they say nothing about where the visible letters sit.
FORMAT_CHARACTERS = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


def text_direction(text: str) -> str:
    """'rtl' or 'ltr' from the first strong character (UAX #9 rules P2-P3, as dir="auto")."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"


def pdf_visual_lines(content: bytes) -> list[str]:
    """Each line of the PDF's pages as its glyphs sit on the page, left to right (visual order).

    `pdftotext -bbox` lists every word with its box and its letters in drawing order, left to
    right, in both directions; words whose vertical centres lie within 40 % of a word's height
    share a line (Arabic and Latin fonts have different ascents), sorted by their left edge.
    Neither poppler's own reordering of mixed lines (the default and -layout modes reverse
    right-to-left runs by a rule of their own, and split a line where LibreOffice draws
    FSI/PDI glyphs) nor its reading of content-stream order (-raw) is used."""
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=content, capture_output=True, check=True, timeout=60
    )
    root = lxml.etree.fromstring(result.stdout, lxml.etree.XMLParser(recover=True))
    lines: list[str] = []
    for page in root.iter("{*}page"):
        words = []
        for word in page.iter("{*}word"):
            text = (word.text or "").translate(FORMAT_CHARACTERS).strip()
            if text:
                box = [float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
                words.append(((box[1] + box[3]) / 2, box[3] - box[1], box[0], box[2], text))
        words.sort()
        line: list[tuple[float, float, str]] = []
        centre = height = 0.0
        for y, h, x_min, x_max, text in [*words, (float("inf"), 0.0, 0.0, 0.0, "")]:
            if line and abs(y - centre) > 0.4 * max(h, height):
                lines.append(_join_words(sorted(line), height))
                line = []
            if not line:
                centre, height = y, h
            line.append((x_min, x_max, text))
    return lines


def _join_words(words: list[tuple[float, float, str]], height: float) -> str:
    """Words left to right, a space where the page shows a gap (LibreOffice draws a full stop
    or a run's last letter apart, touching the word before it)."""
    out, right = "", None
    for x_min, x_max, text in words:
        if right is not None and x_min - right > 0.1 * height:
            out += " "
        out += text
        right = x_max
    return out


def pdf_read_as(content: bytes, direction: str) -> str:
    """The PDF's text as a reader of `direction` ('rtl' or 'ltr') reads each line: logical order.

    Each visual line (pdf_visual_lines) is reordered by the Unicode bidi algorithm (UAX #9,
    python-bidi's get_display) with `direction` as its paragraph direction. For lines of at most
    two embedding levels (a sentence in one direction holding runs of the other: an English
    name or a number inside Arabic), that reordering is its own inverse, so it turns the visual
    line back into the order in which the sentence is read. Lines are joined with one space, so
    a sentence wrapped over two lines reads on. What it cannot restore: the letters of a ligature
    (lam-alef) or a combining mark (shadda) inside right-to-left text come back reversed or
    apart, and brackets inside right-to-left text come back mirrored; compare text without them.
    Nor does it see isolation (FSI ... PDI, <bdi>): a name ending in a full stop, isolated inside
    Arabic, reads back as if the stop had moved; compare sentences that end inside their own run.
    """
    base = "R" if direction == "rtl" else "L"
    logical = (get_display(line, base_dir=base) for line in pdf_visual_lines(content))
    return re.sub(r"\s+", " ", " ".join(logical))


def pdf_raw(content: bytes) -> str:
    """The PDF file itself as text (metadata included), for searching names and e-mails."""
    return content.decode("latin-1")


def download(client, url: str):
    """A report download as a person clicks it: the file at once if stored, else the page of
    its build (in the tests' immediate mode the job has run by then) and its file link."""
    response = client.get(url)
    if response.status_code != 303:
        return response
    page = client.get(response.headers["Location"])
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    links = lxml.html.fromstring(page.data).xpath("//a[@data-build-file]/@href")
    assert links and links[0], "the build page offers no file"
    return client.get(links[0])
