"""The CSV export: one row a figure with its previous value, one row a question."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime

from bot.insights.export import QUESTION_COLUMNS, figures_csv, questions_csv
from bot.insights.model import Durations, Insights, Period, QuestionRow
from tests.insights.test_charts_report import WEEK, busy_week


def rows(text: str) -> list[list[str]]:
    """The CSV parsed back."""
    return list(csv.reader(io.StringIO(text)))


def test_figures_one_row_a_figure_with_the_previous_value() -> None:
    """Plain numbers: counts, rates as fractions, durations in seconds; empty = nothing."""
    table = rows(figures_csv(busy_week()))
    assert table[0] == ["figure", "value", "previous"]
    by_name = {name: (value, previous) for name, value, previous in table[1:]}
    assert len(by_name) == len(table) - 1  # each figure once
    assert by_name["asked"] == ("85", "60")
    assert by_name["response_rate"] == ("0.9529", "0.95")  # 81 / 85
    assert by_name["first_response_median_s"] == ("700", "900")
    assert by_name["first_helpful_p90_s"] == ("9000", "")
    assert by_name["outcome_kb"] == ("6", "18")
    assert by_name["outcome_unanswered"] == ("4", "6")
    assert by_name["sla_compliance"] == ("0.6667", "")  # no escalation before: no rate
    assert by_name["solved"][0] == str(busy_week().solved)
    alone = rows(figures_csv(replace(busy_week(), previous=None)))
    assert {previous for _, _, previous in alone[1:]} == {""}


def test_questions_one_row_a_question() -> None:
    """Times in ISO 8601 UTC, waits in seconds, the outcome by name."""
    asked = datetime(2026, 1, 5, 9, tzinfo=UTC)
    question = QuestionRow(
        number=7,
        channel_id="help",
        asked_at=asked,
        first_response_at=datetime(2026, 1, 5, 9, 12, tzinfo=UTC),
        first_response_by_staff=False,
        first_helpful_at=datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
        solved_at=None,
        closed_at=None,
        outcome="helped",
        escalated_at=None,
    )
    unanswered = QuestionRow(
        8, "billing", asked, None, False, None, None, None, "unanswered", asked
    )
    insights = Insights(
        period=WEEK,
        asked=2,
        first_response=Durations(1, 720.0, 720.0),
        questions=[question, unanswered],
    )
    table = rows(questions_csv(insights))
    assert table[0] == QUESTION_COLUMNS
    assert dict(zip(table[0], table[1], strict=True)) == {
        "question": "Q7",
        "channel": "help",
        "asked_at": "2026-01-05T09:00:00+00:00",
        "first_response_at": "2026-01-05T09:12:00+00:00",
        "first_response_s": "720",
        "first_response_by_staff": "no",
        "first_helpful_at": "2026-01-05T09:30:00+00:00",
        "first_helpful_s": "1800",
        "solved_at": "",
        "solution_s": "",
        "closed_at": "",
        "outcome": "helped",
        "escalated_at": "",
    }
    assert table[2][0] == "Q8"
    assert table[2][QUESTION_COLUMNS.index("outcome")] == "unanswered"
    assert table[2][QUESTION_COLUMNS.index("first_response_by_staff")] == ""
    assert rows(questions_csv(Insights(period=Period(WEEK.start, WEEK.end)))) == [QUESTION_COLUMNS]
