"""The staff summary: the report's figures as short lines, the chart and the HTML report."""

from __future__ import annotations

from bot.core.replies import Attachment, Reply
from bot.insights.charts import format_day, period_dates, translator
from bot.insights.model import Insights
from bot.insights.report import figure_rows, html_report

NAMED = 5  # helpers and superfans named in the summary (the report lists more)


def summary(
    insights: Insights, png: bytes, *, community: str, language: str, timezone: str
) -> Reply:
    """A few lines of figures, each with its change against the previous period, then the
    chart (daily questions by outcome, response times) and the whole report as HTML."""
    t = translator(language)
    first, last = period_dates(insights.period, timezone)
    lines = [
        t(
            "insights.header",
            start=format_day(first, language, year=True),
            end=format_day(last, language, year=True),
        )
    ]
    lines += [
        t("insights.line_change", label=r.label, value=r.value, change=r.change)
        if r.change
        else t("insights.line", label=r.label, value=r.value)
        for r in figure_rows(insights, language)
    ]
    # A member who asked to be forgotten has no name left: never their old one.
    former = t("insights.former_member")
    if insights.helpers:
        names = ", ".join(
            t("insights.helper_item", name=m.name or former, points=m.points)
            for m in insights.helpers[:NAMED]
        )
        lines.append(t("insights.helpers", names=names))
    if insights.waiting:
        waiting = ", ".join(
            t("insights.waiting_item", ref=f"Q{w.number}", age=w.age) for w in insights.waiting
        )
        lines.append(t("insights.waiting", questions=waiting))
    if insights.superfans:
        names = ", ".join(m.name or former for m in insights.superfans[:NAMED])
        lines.append(t("insights.superfans", names=names))
    stem = f"insights-{first.isoformat()}-{last.isoformat()}"
    page = html_report(
        insights, community=community, language=language, timezone=timezone, chart=png
    )
    files = (
        Attachment(f"{stem}.png", png, "image/png"),
        Attachment(f"{stem}.html", page.encode("utf-8"), "text/html"),
    )
    return Reply("\n".join(lines), files=files)
