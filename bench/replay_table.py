"""The replay's side-by-side table: figure | from the data | what the bot did."""

from __future__ import annotations

from bench import replay_data
from bench.replay_records import BotRecords
from bot.insights.model import Insights


def _minutes(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 60:.1f} min"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _share(n: int, total: int) -> str:
    return f"{n} ({n / total:.1%})" if total else str(n)


def table(
    line: replay_data.Timeline,
    data: replay_data.DataFigures,
    bot: BotRecords,
    insights: Insights,
    sla: int,
) -> list[tuple[str, str, str]]:
    """(figure, from the data, what the bot did) rows."""
    n = line.questions
    rows = [
        ("questions", str(n), str(bot.questions)),
        ("answers replayed (by another member)", str(line.answers), str(bot.answers)),
        ("asker's own replies replayed (not answers)", str(line.own_replies), "—"),
        ("answers dropped: later than 72 h", str(line.dropped_late), "—"),
        ("answers dropped: before their question", str(line.dropped_negative), "—"),
        ("✅ by the asker (Good answers)", str(line.reactions), str(bot.helpful_marks)),
        (
            f"no answer from another member at the SLA ({sla} min)",
            _share(data.unanswered_at_sla, n),
            _share(bot.unanswered_at_sla, n),
        ),
        ("→ SLA cards", _share(data.unanswered_at_sla, n), _share(bot.cards.get("sla", 0), n)),
        (
            "→ sensitive cards on questions unanswered at the SLA",
            "—",
            str(bot.sensitive_unanswered),
        ),
        (
            f"no Good answer at the SLA → bot: no helpful mark at {sla} min",
            _share(data.no_good_at_sla, n),
            _share(bot.unhelped_at_sla, n),
        ),
        ("→ sensitive cards on questions unhelped at the SLA", "—", str(bot.sensitive_unhelped)),
        (
            "never a Good answer → bot: never marked helpful",
            _share(data.never_good, n),
            _share(bot.never_helped, n),
        ),
        (
            "SLA cards on a question helped before its SLA",
            "0 (wanted)",
            str(bot.sla_cards_after_help),
        ),
    ]
    rows += [
        (f"staff cards: {cause}", "—", str(count)) for cause, count in sorted(bot.cards.items())
    ]
    rows += [
        ("staff cards: total", "—", _share(sum(bot.cards.values()), n)),
        (
            "escalations open at the end on solved/closed questions",
            "0 (must be)",
            str(bot.open_on_done),
        ),
        ("escalations open at the end", "—", str(bot.open_escalations)),
        ("questions solved / closed as answered at the end", "—", f"{bot.solved} / {bot.closed}"),
        ("nudges sent", "—", str(bot.nudges)),
        ("response rate (insights)", _rate(data.response_rate), _rate(insights.response_rate)),
        (
            "first response, median (insights)",
            _minutes(data.first_response_median),
            _minutes(insights.first_response.median),
        ),
    ]
    return rows


def render(rows: list[tuple[str, str, str]]) -> str:
    """A Markdown table: figure | from the data | what the bot did."""
    out = ["| figure | from the data | what the bot did |", "|---|---|---|"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(out)
