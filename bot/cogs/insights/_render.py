"""The staff summary: the report's figures as short lines, and the chart as a file."""

from __future__ import annotations

from bot.core.replies import Attachment, Reply
from bot.insights.charts import format_day, period_dates, translator
from bot.insights.model import Insights
from bot.insights.report import figure_rows


def summary(insights: Insights, png: bytes, *, language: str, timezone: str) -> Reply:
    """A few lines of figures, then the chart (daily questions by outcome, response times)."""
    t = translator(language)
    first, last = period_dates(insights.period, timezone)
    lines = [
        t(
            "insights.header",
            start=format_day(first, language, year=True),
            end=format_day(last, language, year=True),
        )
    ]
    lines += [f"• {label}: {value}" for label, value, _ in figure_rows(insights, language)]
    if insights.superfans:
        # A member who asked to be forgotten has no name left: never their old one.
        former = t("insights.former_member")
        names = ", ".join(m.name or former for m in insights.superfans[:5])
        lines.append(t("insights.superfans", names=names))
    name = f"insights-{first.isoformat()}-{last.isoformat()}.png"
    return Reply("\n".join(lines), files=(Attachment(name, png, "image/png"),))
