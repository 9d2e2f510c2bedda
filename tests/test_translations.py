"""The French, Arabic, Spanish and Russian catalogues are complete and up to date with the source."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

PROJECT_DIR = Path(__file__).resolve().parent.parent
LANGUAGES = ("fr", "ar", "es", "ru")
METHOD_MAP = [("eventhub/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}


def source_messages() -> set[str]:
    ids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        PROJECT_DIR, METHOD_MAP, keywords=KEYWORDS
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def catalogue(language: str):
    path = PROJECT_DIR / "translations" / language / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"missing catalogue {path.relative_to(PROJECT_DIR)}"
    with path.open("rb") as f:
        return read_po(f, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    problems = []
    for message in catalogue(language):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    assert not problems, f"{language}: " + "; ".join(problems[:20])


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_covers_every_string_in_the_source(language):
    known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalogue(language)}
    missing = sorted(source_messages() - known)
    assert not missing, (
        f"{language}: {len(missing)} strings not in the catalogue; run `make translations-update` "
        f"and translate them: {missing[:10]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language):
    errors = [
        f"{message.id!r}: {error}"
        for message, message_errors in catalogue(language).check()
        for error in message_errors
    ]
    assert not errors, f"{language}: " + "; ".join(errors[:10])
