"""The insights chart (PNG) and HTML report, drawn from hand-built Insights records."""

from __future__ import annotations

import asyncio
import base64
import html
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from PIL import Image

from bot.insights.charts import HEIGHT, WIDTH, chart_png, render_png
from bot.insights.model import (
    OUTCOMES,
    Channel,
    Day,
    Durations,
    Insights,
    MemberFigure,
    Period,
    Waiting,
)
from bot.insights.report import NONE, Numbers, figure_rows, html_report
from bot.locales import load_catalogue

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EVIL = "<script>alert(1)</script>"
# Monday 5 to Sunday 11 January 2026 in Paris (UTC+1): midnight there is 23:00 UTC.
WEEK = Period(datetime(2026, 1, 4, 23, tzinfo=UTC), datetime(2026, 1, 11, 23, tzinfo=UTC))
PARIS = "Europe/Paris"
FIGURE_KEYS = [
    "asked",
    "response_rate",
    "first_response",
    "first_response_community",
    "first_response_staff",
    "first_helpful",
    "solution",
    *OUTCOMES,
    "first_post_resolution",
    "escalation_rate",
    "sla_compliance",
    "nudge_effectiveness",
    "active_members",
    "new_helpers",
    "superfan_share",
]


def busy_week() -> Insights:
    """Seven days of questions with every outcome, a day without answers, two rankings."""
    days = []
    for i in range(7):
        history = int(i == 2)  # one question of the week solved by an earlier thread
        outcomes = {"kb": i % 3, "history": history, "community": 4 + i - history}
        outcomes |= {"staff": 1 + i % 2, "asker": i % 2}
        outcomes |= {"closed": i % 2, "helped": 1, "unhelped": int(i % 3 == 0), "unanswered": 0}
        outcomes["unanswered"] = 2 if i > 4 else 0
        median = None if i == 3 else 300.0 + 200 * i
        days.append(Day(date(2026, 1, 5) + timedelta(i), sum(outcomes.values()), outcomes, median))
    totals = {o: sum(d.outcomes[o] for d in days) for o in OUTCOMES}
    asked = sum(totals.values())
    return Insights(
        period=WEEK,
        asked=asked,
        answered=asked - 4,
        response_rate=(asked - 4) / asked,
        first_response=Durations(asked - 4, 700.0, 4000.0),
        first_response_community=Durations(asked - 10, 600.0, 3000.0),
        first_response_staff=Durations(6, 1500.0, 200_000.0),
        first_helpful=Durations(60, 1200.0, 9000.0),
        solution=Durations(50, 3600.0, 90_000.0),
        outcomes=totals,
        first_post_resolution=0.8,
        escalated=9,
        escalation_rate=9 / asked,
        sla_total=9,
        sla_met=6,
        sla_compliance=6 / 9,
        nudged=3,
        nudge_answered=1,
        nudge_effectiveness=1 / 3,
        active_members=1234,
        new_helpers=2,
        superfans=[MemberFigure(1, EVIL, 20, 15, 1500)],
        superfan_share=0.045,
        influencers=[MemberFigure(2, "bob & co", 12, 9, 400)],
        helpers=[MemberFigure(2, "bob & co", 12, 9, 85), MemberFigure(3, "", 3, 1, 10)],
        channels=[
            Channel("help", asked - 10, asked - 12, (asked - 12) / (asked - 10), 650.0, 50, 0.8),
            Channel("billing", 10, 8, 0.8, 900.0, 5, 0.5),
        ],
        waiting=[Waiting(41, "help", WEEK.end - timedelta(days=3), 3 * 86_400 + 7200.0)],
        days=days,
        previous=Insights(
            period=Period(WEEK.start - timedelta(days=7), WEEK.start),
            asked=60,
            answered=57,
            response_rate=0.95,
            first_response=Durations(57, 900.0, 4000.0),
            outcomes=dict.fromkeys(OUTCOMES, 6) | {"kb": 18},
            active_members=1234,
        ),
    )


def decoded(png: bytes) -> Image.Image:
    """The PNG opened and fully decoded (a truncated file fails here)."""
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def value_of(page: str, label: str) -> str:
    """The value cell of the figure row with this label."""
    found = re.search(
        rf"<tr><td>{re.escape(html.escape(label, quote=False))}</td><td class=\"num\">(.*?)</td>",
        page,
    )
    assert found is not None, label
    return found.group(1)


def test_chart_is_a_png_of_the_expected_size() -> None:
    """A busy week draws a real, decodable WIDTH×HEIGHT PNG, heavier than an empty chart."""
    png = chart_png(busy_week(), timezone=PARIS)
    assert png.startswith(PNG_SIGNATURE)
    assert decoded(png).size == (WIDTH, HEIGHT) == (1000, 700)
    assert len(png) > 10_000
    assert png != chart_png(Insights(period=WEEK), timezone=PARIS)


def test_empty_period_draws_an_empty_chart() -> None:
    """No questions (with days listed or not, or a zero-length period) is a chart, not an error."""
    no_days = Insights(period=WEEK)
    empty_days = replace(
        no_days,
        days=[
            Day(date(2026, 1, 5) + timedelta(i), 0, dict.fromkeys(OUTCOMES, 0), None)
            for i in range(7)
        ],
    )
    instant = Insights(period=Period(WEEK.start, WEEK.start))
    for insights in (no_days, empty_days, instant):
        png = chart_png(insights, language="fr", timezone=PARIS)
        assert decoded(png).size == (WIDTH, HEIGHT)
    assert chart_png(no_days, timezone=PARIS) == chart_png(empty_days, timezone=PARIS)


def test_language_changes_the_chart() -> None:
    """Titles, axes and legend come from the catalogue: French draws different pixels."""
    week = busy_week()
    assert chart_png(week, language="fr", timezone=PARIS) != chart_png(week, timezone=PARIS)


async def test_render_png_draws_off_the_event_loop() -> None:
    """render_png gives chart_png's bytes; the loop keeps running while four charts draw."""
    week = busy_week()
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    pngs = await asyncio.gather(*(render_png(week, timezone=PARIS) for _ in range(4)))
    done.set()
    await task
    assert ticks > 4
    # Separate Figures in parallel threads: identical to a drawing made alone.
    assert set(pngs) == {chart_png(week, timezone=PARIS)}


def test_report_shows_every_figure_and_the_chart() -> None:
    """Each figure's label, value and explanation, and the chart inlined as a PNG data URI."""
    page = html_report(busy_week(), community="Acme", timezone=PARIS)
    english = load_catalogue("en")
    for key in FIGURE_KEYS:
        assert html.escape(english[f"insights.report.{key}"], quote=False) in page, key
        assert html.escape(english[f"insights.report.{key}_help"], quote=False) in page, key
    found = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert found is not None
    png = base64.b64decode(found.group(1))
    assert png == chart_png(busy_week(), timezone=PARIS)
    assert decoded(png).size == (WIDTH, HEIGHT)
    assert "Questions asked from Jan 5, 2026 to Jan 11, 2026 (Europe/Paris)" in page
    assert value_of(page, "Response rate") == "95% (81 of 85)"
    assert value_of(page, "Solved by the knowledge base") == "6 (7.1%)"
    assert value_of(page, "Closed as answered") == "3 (3.5%)"
    assert value_of(page, "SLA compliance") == "67% (6 of 9)"
    assert value_of(page, "Active members") == "1,234"
    assert value_of(page, "Time to first response, staff") == (
        "median 25 min, 90th percentile 2 days (6 answered)"
    )


def test_report_is_self_contained() -> None:
    """Inline CSS, the chart as data: nothing for the browser to fetch, no script."""
    page = html_report(busy_week(), community="Acme", timezone=PARIS)
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page
    assert "<script" not in page
    assert "<link" not in page
    assert re.findall(r"(?:src|href)=\"([^\"]{0,11})", page) == ["data:image/"]
    assert "http://" not in page
    assert "https://" not in page


def test_member_names_are_escaped() -> None:
    """Member and community names are user input: they can't add markup to the page."""
    week = busy_week()
    page = html_report(week, community=f"{EVIL} & co", timezone=PARIS)
    assert EVIL not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<td>bob &amp; co</td>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</h1>" in page


def test_rates_without_a_denominator_show_a_dash() -> None:
    """An empty period has no rates: '—', not 0%; the rankings say no one."""
    page = html_report(Insights(period=WEEK), community="Acme", timezone=PARIS)
    for label in ("Response rate", "SLA compliance", "Nudge effectiveness", "Escalation rate"):
        assert value_of(page, label) == NONE, label
    for label in ("First-post resolution", "Superfans' share", "Time to first response"):
        assert value_of(page, label) == NONE, label
    assert value_of(page, "Questions asked") == "0"
    assert value_of(page, "Unanswered") == f"0 ({NONE})"
    assert page.count("No one in this period.") == 2  # superfans, influencers
    assert "No one earned points helping in this period." in page
    assert "Every question of the period has an answer." in page
    assert "No questions in this period." in page  # the channels


def test_french_report() -> None:
    """language='fr': French labels, explanations, dates and number formats."""
    page = html_report(busy_week(), community="Acme", language="fr", timezone=PARIS)
    french = load_catalogue("fr")
    for key in FIGURE_KEYS:
        assert html.escape(french[f"insights.report.{key}"], quote=False) in page, key
    assert '<html lang="fr">' in page
    assert "Questions posées du 5 janv. 2026 au 11 janv. 2026 (Europe/Paris)" in page
    assert value_of(page, "Taux de réponse") == "95\u202f% (81 sur 85)"
    assert value_of(page, "Résolues par la base de connaissances") == "6 (7,1\u202f%)"
    assert value_of(page, "Délai de première réponse, équipe") == (
        "médiane 25 min, 90e centile 2 jours (6 avec réponse)"
    )
    assert "▲ contre 60" in page
    assert value_of(page, "Membres actifs") == "1\u202f234"
    assert "Response rate" not in page


def test_numbers_for_people() -> None:
    """Shares, counts and durations as people write them, in both languages."""
    en, fr = Numbers("en"), Numbers("fr")
    assert [en.percent(x) for x in (None, 0.0, 0.045, 0.5, 1.0)] == [
        NONE,
        "0%",
        "4.5%",
        "50%",
        "100%",
    ]
    assert fr.percent(0.045) == "4,5\u202f%"
    # 498 of 500 answered is not "100%", nor 1 of 10,000 escalated "0%".
    assert [en.percent(x) for x in (498 / 500, 9999 / 10000, 1 / 10000)] == [
        "99.6%",
        "99.9%",
        "<0.1%",
    ]
    assert en.count(1234567) == "1,234,567"
    assert [en.duration(s) for s in (None, 45, 700, 4000, 200_000)] == [
        NONE,
        "less than a minute",
        "11 min",  # 11 min 40 s: the one duration formatter rounds down
        "1 h 6 min",
        "2 days",
    ]
    assert fr.duration(200_000) == "2 jours"
    assert fr.duration(100_000) == "1 jour 3 h"
    assert en.rate(None, 0, 0) == NONE
    assert en.durations(Durations()) == NONE


def test_figure_rows_follow_the_catalogue() -> None:
    """The rows (also the CLI's text output) carry the catalogue's labels, in order."""
    english = load_catalogue("en")
    rows = figure_rows(busy_week())
    assert [r.label for r in rows] == [english[f"insights.report.{k}"] for k in FIGURE_KEYS]
    assert all(r.value and r.meaning and r.change for r in rows)


def test_every_figure_says_how_it_moved_since_the_previous_period() -> None:
    """▲ / ▼ and the previous value, '=' when equal, and 'before: —' when either side has
    nothing to measure; no change at all without a previous period."""
    changes = {r.key: r.change for r in figure_rows(busy_week())}
    assert changes["asked"] == "▲ from 60"  # 85 now
    assert changes["response_rate"] == "▲ from 95%"  # 81 / 85 = 95.3% now
    assert changes["first_response"] == "▼ from 15 min"  # median 700 s now, 900 s before
    assert changes["kb"] == "▼ from 18"
    assert changes["closed"] == "▼ from 6"  # 3 now
    assert changes["active_members"] == "= as before"
    assert changes["sla_compliance"] == "before: —"  # no escalation before
    assert changes["first_helpful"] == "before: —"
    alone = replace(busy_week(), previous=None)
    assert {r.change for r in figure_rows(alone)} == {""}
    page = html_report(busy_week(), community="Acme", timezone=PARIS)
    assert "Changes against Dec 29, 2025 to Jan 4, 2026" in page
    assert '<td class="num">▲ from 95%</td>' in page


def test_report_lists_channels_helpers_and_waiting_questions() -> None:
    """The per-channel table, the top helpers (points earned helping, a forgotten member
    unnamed) and the oldest unanswered question with its age."""
    page = html_report(busy_week(), community="Acme", timezone=PARIS)
    assert (
        '<tr><td>#billing</td><td class="num">10</td><td class="num">80% (8 of 10)</td>'
        '<td class="num">15 min</td><td class="num">5 (50%)</td></tr>'
    ) in page
    assert "<th>Points earned helping</th>" in page
    assert (
        '<tr><td>bob &amp; co</td><td class="num">12</td><td class="num">9</td>'
        '<td class="num">85</td></tr>'
    ) in page
    assert "<td>a former member</td>" in page
    assert '<tr><td>Q41</td><td class="num">#help</td><td class="num">3 days</td></tr>' in page
