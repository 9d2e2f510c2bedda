"""Reading each format back as text, so tests check what a reader would see."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import lxml.html
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
