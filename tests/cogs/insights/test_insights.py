"""/insights for staff and the weekly staff report, through the console."""

from __future__ import annotations

from tests.fakes.console import ConsoleDriver, Said, message

HISTORY = [
    "alice: How do I export my data?",
    "wait 10m",
    "bob reply Q1: Settings › Export.",
    "alice react ^bob ✅",
    "alice /accept ^bob",
    "dave: Can I get a refund for last month?",
    "carol: Is there a dark mode?",
]


def _files(lines: list[str]) -> list[str]:
    """'insights-2026-….png (80 KB)' for each file attached in the output."""
    return [line.strip().removeprefix("📎 ") for line in lines if "📎 insights-" in line]


async def test_staff_get_the_figures_the_chart_and_the_report_in_the_staff_channel(
    console: ConsoleDriver,
) -> None:
    """erin (staff) asks from #help: the summary, its PNG and the HTML report go to #staff;
    she is told where (with the channel's #)."""
    await console.feed(*HISTORY)
    out = await console.feed("erin /insights week")
    start = next(n for n, line in enumerate(out) if "[#staff] entraide: 📊 Community" in line)
    # Each figure with its change against the week before (nothing then).
    assert out[start + 1 : start + 4] == [
        "    • Questions asked: 3 (▲ from 0)",
        "    • Response rate: 33% (1 of 3) (before: —)",
        "    • Time to first response: median 10 min, 90th percentile 10 min (1 answered)"
        " (before: —)",
    ]
    # Q1 solved by bob's accepted answer; Q2 and Q3 never answered.
    assert "    • Solved by the community: 1 (33%) (▲ from 0)" in out
    assert "    • Unanswered: 2 (67%) (▲ from 0)" in out
    assert "    • Answered, none helpful: 0 (0%) (= as before)" in out
    assert (
        "    • Time to solution: median 10 min, 90th percentile 10 min (1 solved) (before: —)"
    ) in out
    assert "    • Active members: 4 (▲ from 0)" in out  # alice, bob, dave, carol
    # bob: +10 helpful, +15 accepted; alice's +2 for accepting makes her no helper.
    assert "    Top helpers (points earned helping): bob (25 points)" in out
    waiting = next(line for line in out if "Oldest unanswered:" in line)
    assert waiting.index("Q2 (") < waiting.index("Q3 (")
    assert "    Superfans (top 1% by points earned helping): bob" in out
    files = _files(out)
    assert [name.split(" ")[0].rsplit(".", 1)[1] for name in files] == ["png", "html"]
    assert files[0].rsplit(".", 1)[0] == files[1].rsplit(".", 1)[0].replace(".html", "")
    assert console.said(out[-1]) == Said("entraide", "only erin")
    assert console.text(out[-1]) == message("insights.posted", channel="staff")


async def test_members_are_refused_and_nothing_is_posted(console: ConsoleDriver) -> None:
    """alice is not staff: a private refusal, no post in #staff."""
    await console.feed(*HISTORY)
    out = await console.feed("alice /insights month")
    assert len(out[1:]) == 1
    assert console.said(out[1]) == Said("entraide", "only alice")
    assert console.text(out[1]) == message("error.staff_only", name="insights")


async def test_the_weekly_report_comes_on_monday_once(console: ConsoleDriver) -> None:
    """Monday 08:00 (insights_cron): one report in #staff for the past week; not twice."""
    await console.feed(*HISTORY)
    out = await console.feed("wait 7d")
    reports = [line for line in out if "[#staff] entraide: 📊 Community health" in line]
    assert len(reports) == 1
    assert len(_files(out)) == 2  # the chart and the HTML report
    again = await console.feed("wait 1d")
    assert not [line for line in again if "📊 Community health" in line]


async def test_a_forgotten_superfan_is_not_named(console: ConsoleDriver) -> None:
    """After bob asked to be forgotten, the report still counts him, but without his name."""
    await console.feed(*HISTORY)
    confirm = await console.feed("bob /privacy forget")
    await console.feed(f"bob press {confirm[-1].split(' ', 1)[0]} Yes, erase my data")
    out = await console.feed("erin /insights week")
    assert "    Superfans (top 1% by points earned helping): a former member" in out
    assert not [line for line in out if "bob" in line]


async def test_the_summary_in_french(console: ConsoleDriver) -> None:
    """A French community: French figures, durations from the one formatter, counts with units."""
    await console.feed("admin /entraide config set language fr", *HISTORY)
    out = await console.feed("erin /insights week")
    assert "    • Questions posées : 3 (▲ contre 0)" in out
    assert "    • Sans réponse : 2 (67\u202f%) (▲ contre 0)" in out
    assert (
        "    • Délai de résolution : médiane 10 min, 90e centile 10 min (résolues : 1) (avant : —)"
    ) in out
    assert "    Meilleurs contributeurs (points gagnés en aidant) : bob (25 points)" in out
    assert any("Sans réponse depuis le plus longtemps : Q2 (moins d'une minute)" in x for x in out)
    assert console.said(out[-1]) == Said("entraide", "only erin")
    assert console.text(out[-1]) == message("insights.posted", lang="fr", channel="staff")
