"""The report as Markdown (CommonMark with GitHub-style tables): for wikis, mails and editing.

Texts people wrote stay Markdown, made safe the way the other formats sanitise them: no raw HTML
(escaped) and no link to anything but http, https or mailto.
"""

from __future__ import annotations

import re

from .common import Words, in_language
from .data import Edition, GroupData, ItemData, ReportData
from .localize import localize

# A link or image destination: ](target) or ](<target>), with an optional title.
_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)>?")
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")


def _plain(text: str) -> str:
    """Text as written, never read as HTML by whoever renders the Markdown."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _safe(text: str) -> str:
    """Markdown as written, without raw HTML and without links to unsafe schemes."""

    def link(match: re.Match) -> str:
        target = match.group(1)
        relative = ":" not in target.split("/", 1)[0]
        return match.group(0) if relative or target.lower().startswith(_SAFE_SCHEMES) else "](#"

    return _LINK.sub(link, _plain(text))


def _cell(text: str) -> str:
    # Only ASCII white space folds: French typography keeps its no-break spaces.
    return re.sub(r"[ \t\r\n]+", " ", _plain(text)).strip().replace("|", "\\|")


def _indented(text: str) -> str:
    """Item text inside a list item: later lines indented, line breaks kept."""
    lines = [line.rstrip() for line in _safe(text).strip().splitlines() if line.strip()]
    return "  \n  ".join(lines)


def _block(text: str) -> str:
    return _safe(text).strip()


def build_markdown(report: ReportData, language: str, edition: Edition | None = None) -> str:
    with in_language(language):
        w = Words(localize(report, language), language, edition)
        return "\n".join(_lines(w)) + "\n"


def _item(w: Words, item: ItemData) -> list[str]:
    lines = [f"- **{item.reference}** {w.content(_indented(item.text))}"]
    notes = []
    if item.audience:
        notes.append(_cell(w.audience_of(item)))
    if item.kind == "recommendation":
        notes.append(w.support(item))
    if notes:
        lines.append(f"  *{' · '.join(notes)}*")
    return lines


def _lines(w: Words) -> list[str]:
    out: list[str] = []
    if w.rtl:
        # CommonMark resumes Markdown after the blank line, so the whole report reads right to left.
        out += [f'<div dir="rtl" lang="{w.language}">', ""]
    for part in (_title, _opening, _programme, _groups, _by_audience, _closing, _annex):
        out += part(w)
    if w.rtl:
        out += ["</div>"]
    return out


def _title(w: Words) -> list[str]:
    r = w.report
    out = [f"# {_cell(r.title)}", "", f"*{w.edition_line()}*", ""]
    if w.adoption_line():
        out += [f"*{w.adoption_line()}*", ""]
    if r.host:
        out.append(f"- **{w.label('host')}:** {_cell(r.host)}")
    out.append(f"- **{w.label('dates')}:** {w.period()}")
    if w.place():
        out.append(f"- **{w.label('place')}:** {_cell(w.place())}")
    for role, partners in r.partners_by_role():
        out.append(f"- **{w.role_heading(role)}:** {_cell(', '.join(p.name for p in partners))}")
    out += ["", f"*{w.attribution_note()}*", ""]
    if w.fallback_note():
        out += [f"*{_cell(w.fallback_note())}*", ""]
    if w.hash_line():
        out += [f"`{w.hash_line()}`", ""]
    return out


def _opening(w: Words) -> list[str]:
    r = w.report
    out: list[str] = []
    if r.executive_summary:
        out += [f"## {w.heading('executive_summary')}", "", _block(r.executive_summary), ""]
    if r.has_key_messages:
        out += [f"## {w.heading('key_messages')}", ""]
        for key in ("opening_messages", "closing_messages"):
            if getattr(r, key):
                out += [f"### {w.heading(key)}", "", _block(getattr(r, key)), ""]
        if r.questioned_sessions:
            out += [f"### {w.heading('floor_questions')}", ""]
        for session in r.questioned_sessions:
            out += [f"#### {_cell(w.floor_session(session))}", ""]
            out += [f"- {_cell(w.floor_question(q))}" for q in session.questions] + [""]
    if r.summary:
        out += [f"## {w.heading('summary')}", "", _block(r.summary), ""]
    return out


def _programme(w: Words) -> list[str]:
    out = [f"## {w.heading('programme')}", "", f"*{w.label('times_note')}*", ""]
    days = w.programme_days()
    for day, sessions in days:
        out += [f"### {day}", ""]
        for s in sessions:
            parts = [w.session_time(s), _cell(s.title), w.session_kind(s)]
            if s.location:
                parts.append(_cell(s.location))
            out.append("- " + " · ".join(parts))
        out.append("")
    if not days:
        out += [w.label("no_sessions"), ""]
    return out


def _groups(w: Words) -> list[str]:
    out = [f"## {w.heading('groups')}", ""]
    for g in w.report.groups:
        out += _group(w, g)
    return out


def _group(w: Words, g: GroupData) -> list[str]:
    out = [f"### {_cell(w.group_title(g))}", ""]
    if g.lead_networks:
        out.append(f"- **{w.label('lead')}:** {_cell(w.lead_networks(g))}")
    if not w.report.chatham_house:
        for key in ("facilitators", "rapporteurs"):
            if getattr(g, key):
                out.append(f"- **{w.label(key)}:** {_cell(', '.join(getattr(g, key)))}")
    out.append("")
    for key in ("introduction", "background", "objectives", "narrative"):
        if getattr(g, key):
            out += [f"#### {w.heading(key)}", "", _block(getattr(g, key)), ""]
    return out + _answers(w, g)


def _answers(w: Words, g: GroupData) -> list[str]:
    """Each guiding question once, with what the group agreed under it."""
    out: list[str] = []
    for question, insights, recommendations in w.by_question(g):
        out += [f"#### {_cell(w.question_heading(question))}", ""]
        for key, items in (("insights", insights), ("recommendations", recommendations)):
            if items:
                out += [f"##### {w.heading(key)}", ""]
                for item in items:
                    out += _item(w, item)
                out.append("")
        if question and not insights and not recommendations:
            out += [w.label("none_agreed"), ""]
    return out


def _by_audience(w: Words) -> list[str]:
    out = [f"## {w.heading('by_audience')}", ""]
    audiences = w.report.by_audience()
    for audience, entries in audiences:
        out += [f"### {_cell(w.audience_heading(audience))}", ""]
        for g, item in entries:
            out.append(f"- **{item.reference}** {w.content(_indented(item.text))}")
            out.append(f"  *{_cell(w.from_group(g))}*")
        out.append("")
    if not audiences:
        out += [w.label("none_agreed"), ""]
    return out


def _closing(w: Words) -> list[str]:
    r = w.report
    out: list[str] = []
    if r.follow_ups:
        out += [f"## {w.heading('follow_ups')}", ""]
        out += [
            f"| {w.label('reference')} | {w.label('what')} | {w.label('who')} | "
            f"{w.label('by_when')} |",
            "| --- | --- | --- | --- |",
        ]
        for _g, item in r.follow_ups:
            out.append(
                f"| {item.reference} | {_cell(_safe(item.text))} | {_cell(item.owner or '—')} | "
                f"{w.due(item)} |"
            )
        out.append("")
    if r.glossary:
        out += [f"## {w.heading('glossary')}", "", _block(r.glossary), ""]
    if r.acknowledgements:
        out += [f"## {w.heading('acknowledgements')}", "", _block(r.acknowledgements), ""]
    return out


def _annex(w: Words) -> list[str]:
    p = w.report.participation
    totals = w.totals() + (f" {w.totals_note()}" if w.totals_note() else "")
    out = [f"## {w.heading('annex')}", "", totals, ""]
    out += [f"### {w.heading('figures')}", ""]
    out += [
        f"| {w.label('group')} | {w.label('members')} | {w.label('messages')} |",
        "| --- | ---: | ---: |",
    ]
    out += [f"| WG{f.number}: {_cell(f.title)} | {f.members} | {f.messages} |" for f in p.groups]
    out += [f"| **{w.label('total')}** | **{p.members}** | **{p.messages}** |", ""]
    if p.networks:
        out += [f"### {w.heading('by_region')}", ""]
        for region, entries in p.by_region():
            names = ", ".join(e.network.label for e in entries)
            out.append(f"- **{_cell(region or w.label('no_region'))}:** {_cell(names)}")
        out += ["", f"### {w.heading('networks')}", ""]
        out += [
            f"| {w.label('network')} | {w.label('region')} | {w.label('members')} |",
            "| --- | --- | ---: |",
        ]
        for entry in p.networks:
            n = entry.network
            name = f"{n.acronym} ({n.name})" if n.acronym and n.acronym != n.name else n.name
            out.append(f"| {_cell(name)} | {_cell(n.region)} | {entry.members} |")
        out.append("")
    return out
