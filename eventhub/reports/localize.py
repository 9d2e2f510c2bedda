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

    def visit(value: Any, label: str) -> Any:
        if isinstance(value, tuple):
            return tuple(visit(v, label) for v in value)
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
            elif isinstance(current, tuple) or is_dataclass(current):
                here = "programme" if f.name == "sessions" else label
                if f.name != "participation":
                    changes[f.name] = visit(current, here)
        return replace(value, **changes) if changes else value

    localized = visit(report, "report")
    names = report.audience_translations

    def audience(text: str | None) -> str | None:
        return names.get(text, {}).get(language, text) if text else text

    if names:
        localized = replace(
            localized,
            audiences=tuple(audience(a) for a in localized.audiences),
            groups=tuple(
                replace(
                    g,
                    recommendations=tuple(
                        replace(i, audience=audience(i.audience)) for i in g.recommendations
                    ),
                )
                for g in localized.groups
            ),
        )
    return replace(localized, fallbacks=tuple(dict.fromkeys(missing)))


def _group_label(value: Any) -> str | None:
    number = getattr(value, "number", None)
    return f"WG{number}" if number is not None and hasattr(value, "guiding_questions") else None
