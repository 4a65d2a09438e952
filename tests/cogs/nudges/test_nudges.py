"""Nudges: the right expert after the delay, every exclusion, cancel on answer, restarts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests import queries as q
from tests.fakes.console import START, ConsoleDriver, Said, console_community, message

HISTORY = [
    "admin /entraide config set nudge_experts 1",
    "alice: How do I export my data to CSV?",
    "bob reply Q1: Settings › Export › CSV.",
    "alice react ^bob ✅",
    "erin: How do I change the shipping address on orders?",
    "carol reply Q2: Orders › Address.",
    "erin react ^carol ✅",
]
CSV_QUESTION = "dave: The CSV export of my data is empty"
NUDGE_BUTTONS = ("I'll take it", "Not for me")


def nudges(lines: list[str]) -> list[str]:
    """The nudge lines of a transcript (in threads or by DM)."""
    return [line for line in lines if "👋" in line]


async def test_the_matching_expert_is_nudged_after_the_delay(console: ConsoleDriver) -> None:
    """No answer after 15 minutes: bob, who answered CSV questions, is asked in the thread."""
    await console.feed(*HISTORY, CSV_QUESTION)
    assert nudges(await console.feed("wait 14m")) == []
    out = await console.feed("wait 1m")
    [nudge] = nudges(out)
    assert console.said(nudge) == Said(
        "entraide", "#help › Q3", mentions=("bob",), questions=("Q3",), buttons=NUDGE_BUTTONS
    )
    assert "15 min" in nudge  # the wait so far
    assert await q.question_status(console.app.db, 3) == "nudged"
    out = await console.feed("bob press ^entraide I'll take it")
    assert console.said(out[-1]) == Said("entraide", "#help › Q3", ("bob",), ("Q3",))


async def test_an_answer_in_time_cancels_the_nudge(console: ConsoleDriver) -> None:
    """A reply before the delay: no nudge, and the timer is cancelled in the database."""
    await console.feed(*HISTORY, CSV_QUESTION, "wait 5m", "carol reply Q3: Check the filters.")
    assert nudges(await console.feed("wait 1h")) == []
    assert await q.timer_status(console.app.db, "nudge", "question:3") == "cancelled"


async def test_opted_out_quiet_and_asking_members_are_skipped(console: ConsoleDriver) -> None:
    """Off, in quiet hours, or the asker: never nudged; /experts says why."""
    await console.feed(*HISTORY, "bob /nudges off")
    await console.feed(CSV_QUESTION, "wait 15m")
    assert not [line for line in nudges(console.transcript) if "@bob" in line]
    out = await console.feed("erin /experts CSV export of my data")
    assert "@bob" in out[-1] or "@bob" in "\n".join(out)
    assert "nudges off" in "\n".join(out)
    await console.feed(
        "bob /nudges on", "bob /nudges quiet 9-11", CSV_QUESTION.replace("dave", "zoe")
    )
    assert nudges(await console.feed("wait 15m")) == []
    await console.feed("bob /nudges quiet off", "bob: My CSV export of data is empty too")
    out = await console.feed("wait 15m")
    assert not [line for line in nudges(out) if "@bob" in line]


async def test_a_member_is_nudged_at_most_the_daily_limit(console: ConsoleDriver) -> None:
    """With a limit of 1 a day, the second CSV question doesn't reach bob; the next day does."""
    await console.feed("admin /entraide config set nudge_daily_limit 1", *HISTORY)
    await console.feed(CSV_QUESTION, "wait 15m", "zoe: CSV export of my data has no rows")
    assert len(nudges(await console.feed("wait 15m"))) == 0
    await console.feed("wait 1d", "yan: CSV export of my data is blank")
    assert len(nudges(await console.feed("wait 15m"))) == 1


async def test_declining_is_remembered_and_dm_mode_sends_privately(console: ConsoleDriver) -> None:
    """'Not for me' is noted; with /nudges dm the nudge comes as a direct message."""
    await console.feed(*HISTORY, "bob /nudges dm", CSV_QUESTION)
    out = await console.feed("wait 15m")
    [nudge] = nudges(out)
    assert console.said(nudge) == Said(
        "entraide", "DM → bob", mentions=("bob",), questions=("Q3",), buttons=NUDGE_BUTTONS
    )
    out = await console.feed("bob press ^entraide Not for me")
    assert console.said(out[-1]) == Said("entraide", "only bob")  # acknowledged privately
    assert await q.nudge_response(console.app.db) == "declined"


async def test_experts_is_for_staff(console: ConsoleDriver) -> None:
    """Members are refused; staff see the ranking."""
    await console.feed(*HISTORY)
    out = await console.feed("dave /experts csv", "erin /experts csv export")
    assert console.said(out[1]) == Said("entraide", "only dave")
    assert console.text(out[1]) == message("error.staff_only", name="experts")
    assert "1. @bob" in "\n".join(out[2:])


async def test_a_per_channel_delay(console: ConsoleDriver) -> None:
    """Admins can make one help channel wait 5 minutes instead of 15."""
    await console.feed(*HISTORY, "admin /nudges delay #help 5", CSV_QUESTION)
    assert len(nudges(await console.feed("wait 5m"))) == 1


async def test_a_nudge_due_while_down_is_sent_once_at_start(tmp_path: Path) -> None:
    """Stopped before the nudge, restarted past it: sent once, and not again after."""
    db = tmp_path / "entraide.db"
    async with console_community(db) as first:
        await first.feed(*HISTORY, CSV_QUESTION)
    async with console_community(db, start=START + timedelta(minutes=30)) as second:
        assert len(nudges(second.transcript)) == 1
        await second.feed("wait 1h")
        assert len(nudges(second.transcript)) == 1
    async with console_community(db, start=START + timedelta(hours=2)) as third:
        assert nudges(third.transcript) == []
