"""Texts an organiser writes, in one language or several: how they are stored and which one a
reader sees.

A record keeps its text in the event's first language in its own column (`title`), and the
other languages in one JSON column, `translations = {"title": {"fr": "…", "ar": "…"}}`. A reader
sees the text in her language when it was given, else in the event's first language; either
way the text says which language it is in, so pages can mark it with `lang` and `dir`.
"""

from __future__ import annotations

from sqlalchemy import JSON
from sqlalchemy.orm import Mapped, mapped_column

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "dv", "yi", "ckb", "sd", "ug"})
DEFAULT_LANGUAGE = "en"

# A text as a programme file gives it: one string, or a table by language.
ByLanguage = dict[str, str]


def text_direction(language: str) -> str:
    return "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr"


class LocalText(str):
    """A text together with the language it is written in (`lang`, `dir`, and whether it is a
    fallback because her language was not given)."""

    lang: str
    fallback: bool

    def __new__(cls, text: str, lang: str, *, fallback: bool = False) -> LocalText:
        value = super().__new__(cls, text)
        value.lang = lang
        value.fallback = fallback
        return value

    @property
    def dir(self) -> str:
        return text_direction(self.lang)


def choose(primary: str, others: ByLanguage | None, primary_language: str, wanted: str | None):
    """The text in `wanted` when given, else the primary text (in the event's first language)."""
    if wanted and wanted != primary_language and others and others.get(wanted):
        return LocalText(others[wanted], wanted)
    return LocalText(
        primary, primary_language, fallback=bool(wanted) and wanted != primary_language
    )


def split(value: str | ByLanguage, primary_language: str) -> tuple[str, ByLanguage]:
    """A file's text as (the text in the event's first language, the others by language)."""
    if isinstance(value, str):
        return value, {}
    others = {lang: text for lang, text in value.items() if lang != primary_language}
    return value.get(primary_language, ""), others


def join(primary: str, others: ByLanguage | None, primary_language: str) -> str | ByLanguage:
    """The inverse of split(): one string when there is no other language, else the table."""
    if not others:
        return primary
    return {primary_language: primary, **dict(sorted(others.items()))}


class Translated:
    """Mixin: a `translations` column and `in_language(field, language)` that picks one."""

    translations: Mapped[dict] = mapped_column(JSON, default=dict)

    @property
    def primary_language(self) -> str:
        raise NotImplementedError

    def in_language(self, field: str, language: str | None) -> LocalText:
        """The field's text in `language` when given, else in the event's first language."""
        others = (self.translations or {}).get(field)
        return choose(getattr(self, field) or "", others, self.primary_language, language)

    def as_written(self, field: str) -> str | ByLanguage:
        """The field as a programme file writes it (a string, or a table by language)."""
        others = (self.translations or {}).get(field)
        return join(getattr(self, field) or "", others, self.primary_language)

    def set_translations(self, field: str, others: ByLanguage) -> bool:
        """Replace the field's other languages; whether anything changed."""
        current = dict(self.translations or {})
        if (current.get(field) or {}) == others:
            return False
        if others:
            current[field] = dict(others)
        else:
            current.pop(field, None)
        self.translations = current  # a new dict, so the JSON column sees the change
        return True
