"""The report's texts in the reader's language: each text given (or translated) in it replaces
the first-language one; the parts left in the first language are listed, so the report can say
where it falls back."""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import Any

from .data import ReportData

# The fields that hold text written by people (the others are keys, kinds and references).
TEXT_FIELDS = frozenset(
    {
        "title",
        "summary",
        "venue",
        "acknowledgements",
        "executive_summary",
        "opening_messages",
        "closing_messages",
        "glossary",
        "introduction",
        "background",
        "objectives",
        "narrative",
        "text",
        "description",
        "name",
    }
)
# Names are not translated as a rule: one given in her language is used, none is no fallback.
NOT_COUNTED = frozenset({"name"})


def localize(report: ReportData, language: str) -> ReportData:
    """The report with its texts in `language` where given, and `fallbacks` naming the parts
    (an item's reference, a group's label, a part of the report) left in the first language."""
    if language == report.language:
        return report
    missing: list[str] = []
    localized = _visit(report, "report", language, missing)
    if report.audience_translations:
        localized = _audiences(localized, report.audience_translations, language)
    return replace(localized, fallbacks=tuple(dict.fromkeys(missing)))


def _visit(value: Any, label: str, language: str, missing: list[str]) -> Any:
    """`value` with its texts (and those of the dataclasses it holds) in `language`."""
    if isinstance(value, tuple):
        return tuple(_visit(v, label, language, missing) for v in value)
    if not is_dataclass(value):
        return value
    label = getattr(value, "reference", None) or _group_label(value) or label
    translations = getattr(value, "translations", {}) or {}
    changes: dict[str, Any] = {}
    for f in fields(value):
        current = getattr(value, f.name)
        if f.name in TEXT_FIELDS and isinstance(current, str) and current.strip():
            given = translations.get(f.name, {}).get(language)
            if given:
                changes[f.name] = given
            elif f.name not in NOT_COUNTED:
                missing.append(f.name if label == "report" else label)
        elif (isinstance(current, tuple) or is_dataclass(current)) and f.name != "participation":
            here = "programme" if f.name == "sessions" else label
            changes[f.name] = _visit(current, here, language, missing)
    return replace(value, **changes) if changes else value


def _audiences(report: ReportData, names: dict, language: str) -> ReportData:
    """Audiences (and the recommendations' audience) in `language` where given."""

    def audience(text: str | None) -> str | None:
        return names.get(text, {}).get(language, text) if text else text

    return replace(
        report,
        audiences=tuple(audience(a) for a in report.audiences),
        groups=tuple(
            replace(
                g,
                recommendations=tuple(
                    replace(i, audience=audience(i.audience)) for i in g.recommendations
                ),
            )
            for g in report.groups
        ),
    )


def _group_label(value: Any) -> str | None:
    number = getattr(value, "number", None)
    return f"WG{number}" if number is not None and hasattr(value, "guiding_questions") else None
