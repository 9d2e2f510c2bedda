"""The demo event's PDF and DOCX, English and Arabic, rendered to images (pdftoppm, LibreOffice)."""

import importlib.util
import shutil

import pytest

from tests.conftest import PROJECT_DIR, need


def _script():
    spec = importlib.util.spec_from_file_location(
        "render_report_check", PROJECT_DIR / "scripts" / "render_report_check.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_demo_report_pdf_and_docx_render_in_english_and_arabic(tmp_path):
    need(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils) is not installed")
    need(
        shutil.which("soffice") is not None,
        "LibreOffice (libreoffice-writer-nogui) is not installed",
    )
    rendered = _script().check(tmp_path, 1, 3)
    assert set(rendered) == {"report-en.pdf", "report-ar.pdf", "report-en.docx", "report-ar.docx"}
    for name, pngs in rendered.items():
        assert len(pngs) == 3, name
