"""The insights as a self-contained HTML page (inline CSS, the chart inlined as base64). The
rows and tables it shows (rows.py) are re-exported here for the summary and the CLI."""

from __future__ import annotations

import base64
import html

from bot.insights.charts import chart_png, format_day, period_dates, translator
from bot.insights.model import Insights
from bot.insights.numbers import NONE, Numbers
from bot.insights.rows import FigureRow, Table, figure_rows, tables

__all__ = ["NONE", "FigureRow", "Numbers", "Table", "figure_rows", "html_report", "tables"]


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
