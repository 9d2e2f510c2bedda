"""The report's plain data: grouping, and the canonical JSON a published version is frozen in."""

from dataclasses import replace

from eventhub.reports.data import canonical_json, content_hash, from_json
from eventhub.reports.sample import synthetic_report


def test_json_round_trip_gives_back_the_same_report():
    report = synthetic_report(3, 6)
    again = from_json(canonical_json(report))
    assert again == report
    assert again.sessions[0].starts_at.tzinfo is not None


def test_content_hash_is_stable_and_changes_with_any_content():
    report = synthetic_report(2, 4)
    assert content_hash(report) == content_hash(synthetic_report(2, 4))
    changed_group = replace(report.groups[0], title="Another theme")
    changed = replace(report, groups=(changed_group, *report.groups[1:]))
    assert content_hash(changed) != content_hash(report)
    assert len(content_hash(report)) == 64


def test_recommendations_by_audience_follow_the_events_order_with_unstated_last():
    report = synthetic_report(2, 8)
    group = report.groups[0]
    loose = replace(group.recommendations[0], audience=None)
    odd = replace(group.recommendations[1], audience="Academia")
    report = replace(
        report,
        groups=(
            replace(group, recommendations=(loose, odd, *group.recommendations[2:])),
            *report.groups[1:],
        ),
    )
    audiences = [a for a, _ in report.by_audience()]
    assert audiences[-1] is None
    assert audiences[-2] == "Academia"
    assert audiences[:-2] == [a for a in report.audiences if a in audiences]
    every = sum(len(entries) for _, entries in report.by_audience())
    assert every == len(report.recommendations)


def test_items_are_grouped_under_the_question_they_answer_in_question_order():
    group = synthetic_report(1, 8).groups[0]
    sections = group.by_question(group.recommendations)
    numbers = [q.number if q else None for q, _ in sections]
    assert numbers == sorted(n for n in numbers if n) + ([None] if None in numbers else [])
    for question, items in sections:
        assert all(
            i.question_number == (question.number if question else i.question_number) for i in items
        )
