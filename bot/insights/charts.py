"""The insights chart: daily questions by outcome and daily median first response, as PNG."""

from __future__ import annotations

import asyncio
import functools
import io
import math
from collections.abc import Callable
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

# The Agg canvas and a bare Figure, never pyplot: no global figure state, no display needed,
# and one Figure per call is safe to draw from several threads at once.
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.insights.model import OUTCOMES, Day, Insights, Period
from bot.locales import Messages

WIDTH, HEIGHT, DPI = 1000, 700, 100
MAX_LABELS = 15  # day labels under the chart; a month shows every other day
# Okabe–Ito colours (readable with colour blindness), fixed per outcome in every chart; the
# outcomes still waiting for a solution go from light (answered, closed) to dark (unanswered).
COLOURS = {
    "kb": "#0072B2",
    "history": "#003F66",  # a darker shade of the knowledge base's blue: found, not asked
    "community": "#009E73",
    "staff": "#E69F00",
    "asker": "#CC79A7",
    "closed": "#56B4E9",
    "helped": "#F0E442",
    "unhelped": "#B5B5B5",
    "unanswered": "#5A5A5A",
}
LINE = "#D55E00"


@functools.cache
def messages() -> Messages:
    """The catalogues, parsed once for every chart and report."""
    return Messages()


def translator(language: str) -> Callable[..., str]:
    """Message lookup bound to one language."""
    return messages().translator(language)


def period_dates(period: Period, timezone: str) -> tuple[date, date]:
    """First and last day (inclusive) of a period in the community's time zone."""
    zone = ZoneInfo(timezone)
    start, end = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (period.start, period.end))
    first = start.astimezone(zone).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    return first, max(first, last)


def format_day(day: date, language: str, *, year: bool = False) -> str:
    """'Jan 5' / '5 janv.', or with the year."""
    t = translator(language)
    month = t("insights.chart.months").split()[day.month - 1]
    key = "insights.chart.date" if year else "insights.chart.day"
    return t(key, day=day.day, month=month, year=day.year)


def every_day(insights: Insights, timezone: str) -> list[Day]:
    """The period's days in order, a day without questions filled in as an empty one."""
    first, last = period_dates(insights.period, timezone)
    known = {d.day: d for d in insights.days}
    span = {first + timedelta(days=i) for i in range((last - first).days + 1)}
    return [
        known.get(day) or Day(day, 0, dict.fromkeys(OUTCOMES, 0), None)
        for day in sorted(span | set(known))
    ]


def chart_png(insights: Insights, *, language: str = "en", timezone: str = "UTC") -> bytes:
    """One WIDTH×HEIGHT PNG: questions a day stacked by outcome, and median first response."""
    t = translator(language)
    days = every_day(insights, timezone)
    first, last = period_dates(insights.period, timezone)
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    # Fixed margins: a layout engine measures every label first and doubles the drawing time.
    figure.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.07, hspace=0.22)
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    figure.suptitle(
        t(
            "insights.chart.title",
            start=format_day(first, language),
            end=format_day(last, language, year=True),
        )
    )
    xs = list(range(len(days)))
    stacked = [0] * len(days)
    for outcome in OUTCOMES:
        heights = [day.outcomes.get(outcome, 0) for day in days]
        top.bar(
            xs,
            heights,
            bottom=stacked,
            width=0.8,
            color=COLOURS[outcome],
            label=t(f"insights.chart.{outcome}"),
        )
        stacked = [s + h for s, h in zip(stacked, heights, strict=True)]
    top.set_title(t("insights.chart.questions"), loc="left")
    top.set_ylabel(t("insights.chart.questions_axis"))
    top.yaxis.set_major_locator(MaxNLocator(integer=True))
    # Headroom above the tallest bar for the legend (two rows), which sits inside the panel.
    top.set_ylim(0, max(1, max(stacked, default=0) * 1.4))
    top.legend(loc="upper left", ncols=4, fontsize="small", frameon=False)
    top.grid(axis="y", alpha=0.3)
    # NaN for a day without answers: the line breaks there instead of inventing a value.
    minutes = [
        math.nan if d.first_response_median is None else d.first_response_median / 60 for d in days
    ]
    bottom.plot(xs, minutes, color=LINE, marker="o", markersize=4)
    bottom.set_title(t("insights.chart.response"), loc="left")
    bottom.set_ylabel(t("insights.chart.response_axis"))
    bottom.grid(axis="y", alpha=0.3)
    bottom.set_ylim(bottom=0)  # from zero, so a small change doesn't look like a large one
    if not any(stacked):
        _note(top, t("insights.chart.empty"))
    if all(math.isnan(m) for m in minutes):
        _note(
            bottom, t("insights.chart.empty" if not any(stacked) else "insights.chart.no_response")
        )
    step = max(1, math.ceil(len(days) / MAX_LABELS))
    bottom.set_xticks(xs[::step], [format_day(d.day, language) for d in days[::step]])
    bottom.set_xlim(-0.6, len(days) - 0.4)
    out = io.BytesIO()
    # No "Software" stamp: the same figures give the same bytes on any matplotlib.
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _note(axes: Axes, text: str) -> None:
    """A grey sentence across an empty panel, and a 0–1 scale instead of matplotlib's ±0.05."""
    axes.set_ylim(0, 1)
    axes.text(0.5, 0.5, text, transform=axes.transAxes, ha="center", va="center", color="#666")


async def render_png(insights: Insights, *, language: str = "en", timezone: str = "UTC") -> bytes:
    """chart_png in a worker thread: drawing takes tens of ms, too long for the event loop."""
    return await asyncio.to_thread(chart_png, insights, language=language, timezone=timezone)
