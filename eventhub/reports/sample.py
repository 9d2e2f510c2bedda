"""A synthetic report, for tests, the benchmark and trying the builders without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from .data import (
    NAMED,
    GroupData,
    GroupFigures,
    ItemData,
    NetworkData,
    NetworkFigures,
    Participation,
    QuestionData,
    ReportData,
    SessionData,
)

AUDIENCES = ("Member States", "United Nations", "Regional organisations", "Donors")
ARABIC_TEXT = "ينبغي للدول الأعضاء أن تدعم شبكات الوسيطات وأن تموّل مشاركتهن في عمليات السلام."

# Items of the length real boards hold (300-400 characters), some in Arabic or French, some
# with Markdown (emphasis, links, a list), as the benchmark and the rendering checks use them.
REALISTIC = (
    "Member States should fund **regional women mediator networks** for at least five years, "
    "with flexible grants that cover coordination, travel to talks and the protection of "
    "members who face threats; funding should follow the networks' own priorities and be "
    "reported yearly to the [UN DPPA](https://dppa.un.org) and regional organisations.",
    "Les organisations régionales devraient inscrire la participation des *médiatrices* dans "
    "chaque mandat de médiation, avec des objectifs chiffrés, un suivi public tous les six mois "
    "et des moyens dédiés pour que les réseaux puissent accompagner les processus locaux, "
    "notamment dans le Sahel et la région des Grands Lacs, au-delà des seules phases officielles.",
    "ينبغي للدول الأعضاء والمنظمات الإقليمية أن تضمن مشاركة الوسيطات في جميع مراحل عمليات السلام، "
    "وأن توفّر لهن الحماية من التهديدات عبر الإنترنت وخارجه، وأن تموّل الشبكات الإقليمية تمويلًا "
    "مرنًا طويل الأمد، مع تقارير سنوية علنية عن التقدّم المحرز، بالتنسيق مع هيئة الأمم المتحدة "
    "للمرأة (UN Women) وإدارة الشؤون السياسية وبناء السلام.",
    "Donors should pool support for women's participation in Track 1 and Track 2 talks:\n\n"
    "- a **rapid-response fund** for travel and security at short notice;\n"
    "- childcare and interpretation at every session;\n"
    "- mentoring pairs between experienced and younger mediators, reviewed after each round of "
    "talks, so that lessons are kept and shared across the networks 🕊️.",
)


def synthetic_report(
    groups: int = 5,
    items_per_group: int = 4,
    *,
    attribution: str = NAMED,
    credits: tuple[str, ...] = ("Amina Example", "Brita Sample"),
    title: str = "Women, Peace and Security: the next twenty years",
    realistic: bool = False,
) -> ReportData:
    """`groups` working groups with `items_per_group` agreed items each (a quarter of them insights)."""
    networks = tuple(
        NetworkData(key=f"net{n}", acronym=f"N{n}", name=f"Network {n}", region=f"Region {n}")
        for n in range(1, groups + 1)
    )
    start = datetime(2020, 10, 8, 12, 0, tzinfo=UTC)
    sessions = [
        SessionData(
            key="opening",
            kind="opening",
            title="Opening plenary",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
    ]
    group_list = []
    item_id = 0
    for g in range(1, groups + 1):
        questions = tuple(QuestionData(q, f"Guiding question {q} of group {g}?") for q in (1, 2, 3))
        insights, recommendations = [], []
        for i in range(1, items_per_group + 1):
            item_id += 1
            insight = i % 4 == 0
            kind_list = insights if insight else recommendations
            number = len(kind_list) + 1
            text = (
                f"{REALISTIC[i % len(REALISTIC)]} ({g}.{i})"
                if realistic
                else ARABIC_TEXT
                if i % 7 == 0
                else f"Item {i} of working group {g}: strengthen the participation of women "
                f"mediators at every stage of the peace process, with sustained funding."
            )
            kind_list.append(
                ItemData(
                    item_id=item_id,
                    reference=f"WG{g}-{'I' if insight else 'R'}{number}",
                    kind="insight" if insight else "recommendation",
                    text=text,
                    audience=None if insight else AUDIENCES[i % len(AUDIENCES)],
                    question_number=(i % 4) or None,
                )
            )
        group_list.append(
            GroupData(
                key=f"wg{g}",
                number=g,
                title=f"Theme {g}",
                lead_networks=(networks[g - 1],),
                introduction=f"The group on theme {g} looks at **mediation** in practice.",
                objectives="- Share experience\n- Agree recommendations",
                guiding_questions=questions,
                insights=tuple(insights),
                recommendations=tuple(recommendations),
                facilitators=credits[:1] if attribution == NAMED else (),
                rapporteurs=credits[1:] if attribution == NAMED else (),
            )
        )
        meeting = start + timedelta(days=g, hours=1)
        sessions.append(
            SessionData(
                key=f"wg{g}-1",
                kind="working-group",
                title=f"Working group {g}: first meeting",
                starts_at=meeting,
                ends_at=meeting + timedelta(hours=2),
                working_group_key=f"wg{g}",
            )
        )
    closing = start + timedelta(days=14)
    sessions.append(
        SessionData(
            key="closing",
            kind="closing",
            title="Closing plenary",
            starts_at=closing,
            ends_at=closing + timedelta(hours=2),
        )
    )
    figures = tuple(
        GroupFigures(f"wg{g}", g, f"Theme {g}", 10 + g, 40 * g) for g in range(1, groups + 1)
    )
    return ReportData(
        slug="synthetic",
        title=title,
        host="Global Alliance of Regional Women Mediator Networks",
        timezone="Europe/Rome",
        starts=date(2020, 10, 8),
        ends=date(2020, 10, 22),
        attribution=attribution,
        summary="A synthetic meeting, for tests and benchmarks.",
        audiences=AUDIENCES,
        sessions=tuple(sessions),
        groups=tuple(group_list),
        participation=Participation(
            members=sum(f.members for f in figures),
            messages=sum(f.messages for f in figures),
            groups=figures,
            networks=tuple(NetworkFigures(n, 3) for n in networks),
        ),
    )


# English inside Arabic, for the checks of text order in the Arabic PDF and Word file: an Arabic
# sentence holding an English organisation's name and numbers, and an English sentence whose
# full stop and brackets must stay at its own end. No lam-alef ligature and no diacritics, so
# that text read back from a PDF can be compared letter for letter (see tests/reports/helpers.py).
MIXED_ARABIC = "نوصي بأن تمول منظمة UN Women عدد 12 شبكة إقليمية للوسيطات حتى عام 2030."
MIXED_ENGLISH = "Fund the Mediators Network (MedNet) for 5 years."


def mixed_direction_report() -> ReportData:
    """One working group whose first two recommendations are MIXED_ARABIC and MIXED_ENGLISH."""
    report = synthetic_report(1, 3)
    group = report.groups[0]
    first, second, *rest = group.recommendations
    recommendations = (
        replace(first, text=MIXED_ARABIC, audience="Member States"),
        replace(second, text=MIXED_ENGLISH, audience="Donors"),
        *rest,
    )
    return replace(report, groups=(replace(group, recommendations=recommendations),))
