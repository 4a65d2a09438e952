"""The figures as rows people read (label, value, change against the previous period,
meaning) and the lists under them, shared by the HTML report, the staff summary and the
command line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.insights.model import OUTCOMES, Durations, Insights, MemberFigure
from bot.insights.numbers import Numbers


@dataclass(frozen=True)
class FigureRow:
    """One figure as people read it: label, value, change from the previous period, meaning."""

    key: str
    label: str
    value: str
    change: str
    meaning: str


# Per figure: its full value, the number compared with the previous period, and how that
# previous number is written beside the arrow.
Spec = tuple[
    Callable[[Insights], str], Callable[[Insights], float | None], Callable[[Insights], str]
]


def _specs(n: Numbers) -> dict[str, Spec]:
    """Every figure in reading order."""

    def count(get: Callable[[Insights], int]) -> Spec:
        return (lambda i: n.count(get(i)), get, lambda i: n.count(get(i)))

    def share(get: Callable[[Insights], float | None]) -> Spec:
        return (lambda i: n.percent(get(i)), get, lambda i: n.percent(get(i)))

    def ratio(get: Callable[[Insights], float | None], part: str, whole: str) -> Spec:
        return (
            lambda i: n.rate(get(i), getattr(i, part), getattr(i, whole)),
            get,
            lambda i: n.percent(get(i)),
        )

    def timing(get: Callable[[Insights], Durations], over: str = "answered") -> Spec:
        return (lambda i: n.durations(get(i), over), lambda i: get(i).median,
                lambda i: n.duration(get(i).median))  # fmt: skip

    def outcome(o: str) -> Spec:
        def value(i: Insights) -> str:
            part = i.outcomes.get(o, 0)
            return n.t(
                "insights.report.count_share",
                count=n.count(part),
                share=n.percent(part / i.asked if i.asked else None),
            )

        return (value, lambda i: i.outcomes.get(o, 0), lambda i: n.count(i.outcomes.get(o, 0)))

    return {
        "asked": count(lambda i: i.asked),
        "response_rate": ratio(lambda i: i.response_rate, "answered", "asked"),
        "first_response": timing(lambda i: i.first_response),
        "first_response_community": timing(lambda i: i.first_response_community),
        "first_response_staff": timing(lambda i: i.first_response_staff),
        "first_helpful": timing(lambda i: i.first_helpful, "helped"),
        "solution": timing(lambda i: i.solution, "solved"),
        **{o: outcome(o) for o in OUTCOMES},
        "first_post_resolution": share(lambda i: i.first_post_resolution),
        "escalation_rate": ratio(lambda i: i.escalation_rate, "escalated", "asked"),
        "sla_compliance": ratio(lambda i: i.sla_compliance, "sla_met", "sla_total"),
        "nudge_effectiveness": ratio(lambda i: i.nudge_effectiveness, "nudge_answered", "nudged"),
        "active_members": count(lambda i: i.active_members),
        "new_helpers": count(lambda i: i.new_helpers),
        "superfan_share": share(lambda i: i.superfan_share),
    }


def change(n: Numbers, now: float | None, before: float | None, previous: str) -> str:
    """'▲ from 40%', '▼ from 12 min', '= as before (3)', or 'before: —' when either side has
    nothing to compare."""
    if now is None or before is None:
        key = "other"
    else:
        key = "up" if now > before else "down" if now < before else "same"
    return n.t(f"insights.report.change_{key}", previous=previous)


def figure_rows(insights: Insights, language: str = "en") -> list[FigureRow]:
    """Every figure, in reading order, with its change against the previous period (empty
    when the insights carry no previous period)."""
    n, before = Numbers(language), insights.previous
    rows = []
    for key, (value, number, short) in _specs(n).items():
        moved = "" if before is None else change(n, number(insights), number(before), short(before))
        rows.append(
            FigureRow(
                key,
                n.t(f"insights.report.{key}"),
                value(insights),
                moved,
                n.t(f"insights.report.{key}_help"),
            )
        )
    return rows


@dataclass(frozen=True)
class Table:
    """A list under the figures: heading key, column labels, rows (first cell is the name)."""

    key: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]


def _people(n: Numbers, key: str, people: list[MemberFigure], points: str) -> Table:
    columns = ("member", "answers", "helpful_answers", points)
    return Table(
        key,
        tuple(n.t(f"insights.report.{c}") for c in columns),
        [
            # A member who asked to be forgotten has no name left: never their old one.
            (
                p.name or n.t("insights.former_member"),
                *(n.count(v) for v in (p.answers, p.helpful_answers, p.points)),
            )
            for p in people
        ],
    )


def tables(insights: Insights, language: str = "en") -> list[Table]:
    """Help channels, top helpers, oldest unanswered questions, superfans, influencers."""
    n, i = Numbers(language), insights
    channel_columns = ("channel", "asked", "response_rate", "first_response", "solved")
    return [
        Table(
            "channels",
            tuple(n.t(f"insights.report.column_{c}") for c in channel_columns),
            [
                (
                    n.t("insights.report.channel_name", channel=c.channel_id),
                    n.count(c.asked),
                    n.rate(c.response_rate, c.answered, c.asked),
                    n.duration(c.first_response_median),
                    n.t(
                        "insights.report.count_share",
                        count=n.count(c.solved),
                        share=n.percent(c.solved_share),
                    ),
                )
                for c in i.channels
            ],
        ),
        _people(n, "helpers", i.helpers, "helping_points"),
        Table(
            "waiting",
            tuple(n.t(f"insights.report.column_{c}") for c in ("question", "channel", "age")),
            [
                (
                    f"Q{w.number}",
                    n.t("insights.report.channel_name", channel=w.channel_id),
                    n.duration(w.age),
                )
                for w in i.waiting
            ],
        ),
        _people(n, "superfans", i.superfans, "points"),
        _people(n, "influencers", i.influencers, "points"),
    ]
