"""The insights as a self-contained HTML page (inline CSS, the chart inlined as base64), and
the figure rows and tables the staff summary and the command line print too."""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from dataclasses import dataclass

from bot.insights.charts import chart_png, format_day, messages, period_dates, translator
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
        self.language = language
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
        """'less than a minute', '12 min', '3 h 5 min', '1 day 4 h', '4 days' (the
        catalogue's one duration formatter), or — for None."""
        if seconds is None:
            return NONE
        return messages().duration(self.language, seconds)

    def durations(self, d: Durations, over: str = "answered") -> str:
        """Median and 90th percentile, with how many questions they cover: `over` says which
        (answered, helped, solved)."""
        if d.count == 0:
            return NONE
        return self.t(
            "insights.report.durations"
            if over == "answered"
            else f"insights.report.durations_{over}",
            median=self.duration(d.median),
            p90=self.duration(d.p90),
            count=self.count(d.count),
        )


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


def period_line(insights: Insights, language: str, timezone: str) -> str:
    """'Questions asked from Jan 5, 2026 to Jan 11, 2026 (Europe/Paris)'."""
    first, last = period_dates(insights.period, timezone)
    return translator(language)(
        "insights.report.period",
        start=format_day(first, language, year=True),
        end=format_day(last, language, year=True),
        timezone=timezone,
    )


def previous_line(insights: Insights, language: str, timezone: str) -> str:
    """'Compared with Dec 29, 2025 to Jan 4, 2026', or '' without a previous period."""
    if insights.previous is None:
        return ""
    first, last = period_dates(insights.previous.period, timezone)
    return translator(language)(
        "insights.report.compared",
        start=format_day(first, language, year=True),
        end=format_day(last, language, year=True),
    )


def _tag(name: str, text: str, css: str = "") -> str:
    """<name class=css>text</name>, the text escaped (member names are user input)."""
    attribute = f' class="{css}"' if css else ""
    return f"<{name}{attribute}>{html.escape(text, quote=False)}</{name}>"


def _table(table: Table, language: str) -> str:
    """One list: heading, explanation and table (or the line saying it is empty)."""
    t = translator(language)
    head = _tag("h2", t(f"insights.report.{table.key}"))
    head += _tag("p", t(f"insights.report.{table.key}_help"), "help")
    if not table.rows:
        return head + _tag("p", t(f"insights.report.{table.key}_none"))
    cells = "".join(_tag("th", c) for c in table.columns)
    body = "".join(
        "<tr>" + _tag("td", row[0]) + "".join(_tag("td", v, "num") for v in row[1:]) + "</tr>"
        for row in table.rows
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
    compared = previous_line(insights, language, timezone)
    columns = ("figure", "value", "change", "meaning")
    header = "".join(_tag("th", t(f"insights.report.{c}")) for c in columns)
    rows = "".join(
        f"<tr>{_tag('td', r.label)}{_tag('td', r.value, 'num')}{_tag('td', r.change, 'num')}"
        f"{_tag('td', r.meaning, 'help')}</tr>"
        for r in figure_rows(insights, language)
    )
    image = base64.b64encode(png).decode("ascii")
    alt = html.escape(t("insights.report.chart_alt"))
    lists = "\n".join(_table(table, language) for table in tables(insights, language))
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{_tag('title', title)}<style>{CSS}</style></head><body>\n"
        f"{_tag('h1', title)}{_tag('p', period, 'period')}"
        f"{_tag('p', compared, 'period') if compared else ''}\n"
        f'<img src="data:image/png;base64,{image}" alt="{alt}" width="1000" height="700">\n'
        f"{_tag('h2', t('insights.report.figures'))}"
        f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>\n"
        f"{lists}\n</body></html>\n"
    )
