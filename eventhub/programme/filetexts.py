"""Programme files: texts given as one string or, from format 2 on, as a table by language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from .filechecks import BAD, Checker, Problems, a_text, language

# The first format in which a text may be a table by language.
BY_LANGUAGE_FORMAT = 2


def a_text_by_language(
    max_length: int | None = None, *, nonempty: bool = False, one_line: bool = False
) -> Checker:
    """Text in quotes, or a table of texts by language (`{ en = "…", fr = "…" }`)."""
    plain = a_text(max_length, nonempty=nonempty, one_line=one_line)

    def check(problems: Problems, path: str, value: Any) -> Any:
        if not isinstance(value, dict):
            return plain(problems, path, value)
        if not value:
            problems.add(path, _("is an empty table; give the text in the event's first language"))
            return BAD
        texts = {}
        for lang, text in value.items():
            if language(problems, f"{path}.{lang}", lang) is BAD:
                texts[lang] = BAD
                continue
            texts[lang] = plain(problems, f"{path}.{lang}", text)
        return BAD if BAD in texts.values() else texts

    return check


def check_languages(
    problems: Problems, path: str, value: Any, languages: tuple[str, ...], fmt: Any
) -> Any:
    """A table by language needs format 2, the event's first language, and only its languages."""
    if not isinstance(value, dict):
        return value
    if fmt != BY_LANGUAGE_FORMAT:
        problems.add(
            path,
            _(
                "a text by language needs format = %(format)d at the top of the file; write "
                "format = %(format)d, or give one text in quotes",
                format=BY_LANGUAGE_FORMAT,
            ),
        )
        return BAD
    first = languages[0] if languages else "en"
    if first not in value:
        problems.add(
            path,
            _(
                "gives no text in “%(language)s”, the event's first language; every text needs "
                "one in it (the others fall back to it)",
                language=first,
            ),
        )
        return BAD
    for lang in value:
        if languages and lang not in languages:
            problems.add(
                f"{path}.{lang}",
                _(
                    "“%(language)s” is not one of the event's languages; add it to [event] "
                    "languages",
                    language=lang,
                ),
            )
            return BAD
    return value


def check_row_languages(
    problems: Problems,
    path: str,
    values: dict,
    fields: tuple[str, ...],
    languages: tuple[str, ...],
    fmt: Any,
) -> None:
    """check_languages() on each text field of one table (and each element of a list), in place."""
    for name in fields:
        value = values.get(name)
        if value is None or value is BAD:
            continue
        if isinstance(value, tuple):
            checked = tuple(
                check_languages(problems, f"{path}.{name}[{i}]", v, languages, fmt)
                for i, v in enumerate(value)
            )
            values[name] = BAD if BAD in checked else checked
        else:
            values[name] = check_languages(problems, f"{path}.{name}", value, languages, fmt)
