"""The insights as CSV: the period's figures (one row a figure, with the previous period's
value) and the per-question table (one row a question). Plain numbers, for spreadsheets:
rates as fractions, durations in seconds, times in ISO 8601 UTC, nothing to measure = empty."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from bot.insights.model import OUTCOMES, Durations, Insights

Number = int | float | None


def _durations(name: str, d: Durations) -> dict[str, Number]:
    return {f"{name}_count": d.count, f"{name}_median_s": d.median, f"{name}_p90_s": d.p90}


def values(i: Insights) -> dict[str, Number]:
    """Every figure of the period by its CSV name, in reading order."""
    return {
        "asked": i.asked,
        "answered": i.answered,
        "response_rate": i.response_rate,
        **_durations("first_response", i.first_response),
        **_durations("first_response_community", i.first_response_community),
        **_durations("first_response_staff", i.first_response_staff),
        **_durations("first_helpful", i.first_helpful),
        **_durations("solution", i.solution),
        **{f"outcome_{o}": i.outcomes.get(o, 0) for o in OUTCOMES},
        "solved": i.solved,
        "first_post_resolution": i.first_post_resolution,
        "escalated": i.escalated,
        "escalation_rate": i.escalation_rate,
        "sla_total": i.sla_total,
        "sla_met": i.sla_met,
        "sla_compliance": i.sla_compliance,
        "nudged": i.nudged,
        "nudge_answered": i.nudge_answered,
        "nudge_effectiveness": i.nudge_effectiveness,
        "active_members": i.active_members,
        "new_helpers": i.new_helpers,
        "superfan_share": i.superfan_share,
    }


def _cell(value: Number | datetime | str | bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _write(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def figures_csv(insights: Insights) -> str:
    """figure,value,previous: one row a figure (previous empty without a previous period)."""
    before = values(insights.previous) if insights.previous is not None else {}
    rows = [["figure", "value", "previous"]]
    rows += [[k, _cell(v), _cell(before.get(k))] for k, v in values(insights).items()]
    return _write(rows)


QUESTION_COLUMNS = [
    "question",
    "channel",
    "asked_at",
    "first_response_at",
    "first_response_s",
    "first_response_by_staff",
    "first_helpful_at",
    "first_helpful_s",
    "solved_at",
    "solution_s",
    "closed_at",
    "outcome",
    "escalated_at",
]


def _since(start: datetime, moment: datetime | None) -> float | None:
    return None if moment is None else (moment - start).total_seconds()


def questions_csv(insights: Insights) -> str:
    """One row a question of the period, in the order asked (insights.questions)."""
    rows = [QUESTION_COLUMNS]
    for q in insights.questions:
        cells: list[Number | datetime | str | bool] = [
            f"Q{q.number}",
            q.channel_id,
            q.asked_at,
            q.first_response_at,
            _since(q.asked_at, q.first_response_at),
            q.first_response_by_staff if q.first_response_at else None,
            q.first_helpful_at,
            _since(q.asked_at, q.first_helpful_at),
            q.solved_at,
            _since(q.asked_at, q.solved_at),
            q.closed_at,
            q.outcome,
            q.escalated_at,
        ]
        rows.append([_cell(c) for c in cells])
    return _write(rows)
