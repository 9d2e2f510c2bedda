"""The report as Markdown (CommonMark with GitHub-style tables): for wikis, mails and editing."""

from __future__ import annotations

import re

from .common import Words, in_language
from .data import Edition, GroupData, ItemData, ReportData


def _plain(text: str) -> str:
    """Text as written, never read as HTML by whoever renders the Markdown."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str) -> str:
    # Only ASCII white space folds: French typography keeps its no-break spaces.
    return re.sub(r"[ \t\r\n]+", " ", _plain(text)).strip().replace("|", "\\|")


def _indented(text: str) -> str:
    """Item text inside a list item: later lines indented, line breaks kept."""
    lines = [line.rstrip() for line in _plain(text).strip().splitlines() if line.strip()]
    return "  \n  ".join(lines)


def _block(text: str) -> str:
    return text.strip()


def build_markdown(report: ReportData, language: str, edition: Edition | None = None) -> str:
    with in_language(language):
        return "\n".join(_lines(Words(report, language, edition))) + "\n"


def _item(w: Words, item: ItemData) -> list[str]:
    lines = [f"- **{item.reference}** {w.content(_indented(item.text))}"]
    if item.audience:
        lines.append(f"  *{_cell(w.audience_of(item))}*")
    return lines


def _grouped(w: Words, group: GroupData, items: tuple[ItemData, ...], empty: str) -> list[str]:
    out: list[str] = []
    sections = group.by_question(items)
    if not sections:
        return [empty, ""]
    for question, answering in sections:
        out += [f"##### {_cell(w.question_heading(question))}", ""]
        for item in answering:
            out += _item(w, item)
        out.append("")
    return out


def _lines(w: Words) -> list[str]:
    r = w.report
    out: list[str] = []
    if w.rtl:
        # CommonMark resumes Markdown after the blank line, so the whole report reads right to left.
        out += [f'<div dir="rtl" lang="{w.language}">', ""]
    out += [f"# {_cell(r.title)}", "", f"*{w.edition_line()}*", ""]
    if r.host:
        out.append(f"- **{w.label('host')}:** {_cell(r.host)}")
    out += [
        f"- **{w.label('dates')}:** {w.period()}",
        f"- **{w.label('place')}:** {_cell(w.place())}",
        "",
        f"*{w.attribution_note()}*",
        "",
    ]
    if w.hash_line():
        out += [f"`{w.hash_line()}`", ""]

    if r.summary:
        out += [f"## {w.heading('summary')}", "", _block(r.summary), ""]

    out += [f"## {w.heading('programme')}", "", f"*{w.label('times_note')}*", ""]
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

    out += [f"## {w.heading('groups')}", ""]
    for g in r.groups:
        out += [f"### {_cell(w.group_title(g))}", ""]
        if g.lead_networks:
            out.append(f"- **{w.label('lead')}:** {_cell(w.lead_networks(g))}")
        if not r.chatham_house:
            if g.facilitators:
                out.append(f"- **{w.label('facilitators')}:** {_cell(', '.join(g.facilitators))}")
            if g.rapporteurs:
                out.append(f"- **{w.label('rapporteurs')}:** {_cell(', '.join(g.rapporteurs))}")
        out.append("")
        if g.introduction:
            out += [f"#### {w.heading('theme')}", "", _block(g.introduction), ""]
        if g.objectives:
            out += [f"#### {w.heading('objectives')}", "", _block(g.objectives), ""]
        if g.guiding_questions:
            out += [f"#### {w.heading('questions')}", ""]
            out += [f"{q.number}. {w.content(_cell(q.text))}" for q in g.guiding_questions]
            out.append("")
        out += [f"#### {w.heading('insights')}", ""]
        out += _grouped(w, g, g.insights, w.label("no_insights"))
        out += [f"#### {w.heading('recommendations')}", ""]
        out += _grouped(w, g, g.recommendations, w.label("none_agreed"))

    out += [f"## {w.heading('by_audience')}", ""]
    audiences = r.by_audience()
    for audience, entries in audiences:
        out += [f"### {_cell(w.audience_heading(audience))}", ""]
        for g, item in entries:
            out.append(f"- **{item.reference}** {w.content(_indented(item.text))}")
            out.append(f"  *{_cell(w.from_group(g))}*")
        out.append("")
    if not audiences:
        out += [w.label("none_agreed"), ""]

    p = r.participation
    out += [f"## {w.heading('annex')}", "", w.totals(), ""]
    out += [f"### {w.heading('figures')}", ""]
    out += [
        f"| {w.label('group')} | {w.label('members')} | {w.label('messages')} |",
        "| --- | ---: | ---: |",
    ]
    out += [f"| WG{f.number}: {_cell(f.title)} | {f.members} | {f.messages} |" for f in p.groups]
    out += [f"| **{w.label('total')}** | **{p.members}** | **{p.messages}** |", ""]
    if p.networks:
        out += [f"### {w.heading('networks')}", ""]
        out += [
            f"| {w.label('network')} | {w.label('region')} | {w.label('members')} |",
            "| --- | --- | ---: |",
        ]
        for entry in p.networks:
            n = entry.network
            name = f"{n.acronym} ({n.name})" if n.acronym and n.acronym != n.name else n.name
            out.append(f"| {_cell(name)} | {_cell(n.region)} | {entry.members} |")
        out.append("")
    if w.rtl:
        out += ["</div>"]
    return out
