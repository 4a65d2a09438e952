"""The insights as a self-contained HTML page (inline CSS, the chart inlined as base64)."""

from __future__ import annotations

import base64
import html
from collections.abc import Callable

from bot.insights.charts import chart_png, format_day, period_dates, translator
from bot.insights.model import OUTCOMES, Durations, Insights, MemberFigure

NONE = "—"  # a figure with nothing to measure (a rate over zero questions) is not 0


CSS = """
body { font: 15px/1.45 system-ui, sans-serif; color: #222; margin: 2rem auto; max-width: 66rem;
       padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } .period { color: #555; margin-top: 0; }
img { max-width: 100%; height: auto; border: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e3e3e3; }
th { background: #f5f5f5; } td.num { text-align: right; white-space: nowrap; }
.help { color: #555; }
"""


class Numbers:
    """Counts, shares and durations written for people, in one language."""

    def __init__(self, language: str) -> None:
        self.t: Callable[..., str] = translator(language)

    def count(self, n: int) -> str:
        """1,234 / 1 234."""
        return f"{n:,}".replace(",", self.t("insights.report.thousands_mark"))

    def percent(self, share: float | None) -> str:
        """42% / 42 %; a decimal below 10% where it matters; — for None."""
        if share is None:
            return NONE
        value = share * 100
        text = f"{value:.0f}" if value >= 10 or value == round(value) else f"{value:.1f}"
        text = text.replace(".", self.t("insights.report.decimal_mark"))
        return self.t("insights.report.percent", value=text)

    def rate(self, share: float | None, part: int, total: int) -> str:
        """'42% (21 of 50)', or — when nothing was there to count."""
        if share is None:
            return NONE
        return self.t(
            "insights.report.rate",
            rate=self.percent(share),
            part=self.count(part),
            total=self.count(total),
        )

    def duration(self, seconds: float | None) -> str:
        """45 s, 12 min, 3 h 5 min, 2 d 4 h."""
        if seconds is None:
            return NONE
        s = round(seconds)
        if s < 60:
            return self.t("insights.report.seconds", n=s)
        minutes = round(seconds / 60)
        if minutes < 60:
            return self.t("insights.report.minutes", n=minutes)
        if minutes < 24 * 60:
            return self.t("insights.report.hours", h=minutes // 60, m=minutes % 60)
        hours = round(seconds / 3600)
        return self.t("insights.report.days", d=hours // 24, h=hours % 24)

    def durations(self, d: Durations) -> str:
        """Median and 90th percentile, with how many questions they cover."""
        if d.count == 0:
            return NONE
        return self.t(
            "insights.report.durations",
            median=self.duration(d.median),
            p90=self.duration(d.p90),
            count=self.count(d.count),
        )


def figure_rows(insights: Insights, language: str = "en") -> list[tuple[str, str, str]]:
    """(label, value, one-line explanation) for every figure, in reading order."""
    n, i = Numbers(language), insights
    share = {o: n.percent(i.outcomes.get(o, 0) / i.asked if i.asked else None) for o in OUTCOMES}
    rows = [
        ("asked", n.count(i.asked)),
        ("response_rate", n.rate(i.response_rate, i.answered, i.asked)),
        ("first_response", n.durations(i.first_response)),
        ("first_response_community", n.durations(i.first_response_community)),
        ("first_response_staff", n.durations(i.first_response_staff)),
        *(
            (
                o,
                n.t(
                    "insights.report.count_share",
                    count=n.count(i.outcomes.get(o, 0)),
                    share=share[o],
                ),
            )
            for o in OUTCOMES
        ),
        ("first_post_resolution", n.percent(i.first_post_resolution)),
        ("escalation_rate", n.rate(i.escalation_rate, i.escalated, i.asked)),
        ("sla_compliance", n.rate(i.sla_compliance, i.sla_met, i.sla_total)),
        ("nudge_effectiveness", n.rate(i.nudge_effectiveness, i.nudge_answered, i.nudged)),
        ("active_members", n.count(i.active_members)),
        ("new_helpers", n.count(i.new_helpers)),
        ("superfan_share", n.percent(i.superfan_share)),
    ]
    return [(n.t(f"insights.report.{k}"), v, n.t(f"insights.report.{k}_help")) for k, v in rows]


def period_line(insights: Insights, language: str, timezone: str) -> str:
    """'Questions asked from Jan 5, 2026 to Jan 11, 2026 (Europe/Paris)'."""
    first, last = period_dates(insights.period, timezone)
    return translator(language)(
        "insights.report.period",
        start=format_day(first, language, year=True),
        end=format_day(last, language, year=True),
        timezone=timezone,
    )


def _tag(name: str, text: str, css: str = "") -> str:
    """<name class=css>text</name>, the text escaped (member names are user input)."""
    attribute = f' class="{css}"' if css else ""
    return f"<{name}{attribute}>{html.escape(text, quote=False)}</{name}>"


def _members(title: str, people: list[MemberFigure], language: str) -> str:
    """One ranking: heading, explanation and table."""
    n = Numbers(language)
    head = _tag("h2", n.t(f"insights.report.{title}"))
    head += _tag("p", n.t(f"insights.report.{title}_help"), "help")
    if not people:
        return head + _tag("p", n.t("insights.report.nobody"))
    columns = ("member", "answers", "helpful_answers", "points")
    cells = "".join(_tag("th", n.t(f"insights.report.{c}")) for c in columns)
    body = "".join(
        "<tr>"
        + _tag("td", p.name or n.t("insights.former_member"))  # forgotten: no name left
        + "".join(_tag("td", n.count(v), "num") for v in (p.answers, p.helpful_answers, p.points))
        + "</tr>"
        for p in people
    )
    return head + f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def html_report(
    insights: Insights,
    *,
    community: str,
    language: str = "en",
    timezone: str = "UTC",
    chart: bytes | None = None,
) -> str:
    """The whole page; `chart` is a PNG already drawn by chart_png (drawn here if None)."""
    t = translator(language)
    png = chart if chart is not None else chart_png(insights, language=language, timezone=timezone)
    title = t("insights.report.title", community=community)
    period = period_line(insights, language, timezone)
    header = "".join(_tag("th", t(f"insights.report.{c}")) for c in ("figure", "value", "meaning"))
    rows = "".join(
        f"<tr>{_tag('td', label)}{_tag('td', value, 'num')}{_tag('td', help_, 'help')}</tr>"
        for label, value, help_ in figure_rows(insights, language)
    )
    image = base64.b64encode(png).decode("ascii")
    alt = html.escape(t("insights.report.chart_alt"))
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{_tag('title', title)}<style>{CSS}</style></head><body>\n"
        f"{_tag('h1', title)}{_tag('p', period, 'period')}\n"
        f'<img src="data:image/png;base64,{image}" alt="{alt}" width="1000" height="700">\n'
        f"{_tag('h2', t('insights.report.figures'))}"
        f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>\n"
        f"{_members('superfans', insights.superfans, language)}\n"
        f"{_members('influencers', insights.influencers, language)}\n</body></html>\n"
    )
