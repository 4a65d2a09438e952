"""Leaderboards on demand and on schedule: periods, staff and opt-outs, one post per period."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.adapters.console.player import COMMUNITY
from tests import queries as q
from tests.fakes.console import START, ConsoleDriver, console_community

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WEEK_OF_POINTS = [
    "alice: Q?",
    "bob reply Q1: from bob",
    "carol reply Q1: from carol",
    "erin reply Q1: from staff",
    "dave reply Q1: from dave",
    "alice react ^bob ✅",
    "carol react ^bob ✅",
    "alice react ^carol ✅",
    "alice react ^erin ✅",
    "alice react ^dave ✅",
    "dave /leaderboard optout",
]


def _posts(lines: list[str]) -> list[str]:
    """Leaderboard posts in #general."""
    return [line for line in lines if "[#general] entraide: 🏆" in line]


def _periods(console: ConsoleDriver, lines: list[str]) -> list[tuple[str, ...]]:
    """Where each posted board is and the dates of its period, not its wording."""
    return [(console.said(line).where, *DATE.findall(line)) for line in _posts(lines)]


async def test_on_demand_boards_hide_staff_and_opted_out_members(console: ConsoleDriver) -> None:
    """This week's board: bob then carol, both new helpers; erin (staff) and dave are off it."""
    await console.feed(*WEEK_OF_POINTS)
    out = await console.feed("carol /leaderboard week")
    assert out[1:] == [
        "M8 (only carol) entraide: 🏆 Top helpers this week (since 2026-01-05):",
        "    🥇 @bob — 20 points 🌱 new helper, welcome!",
        "    🥈 @carol — 10 points 🌱 new helper, welcome!",
    ]
    await console.feed("admin /entraide config set leaderboard_hide_staff false")
    out = await console.feed("carol /leaderboard all")
    assert "@erin — 10 points" in "\n".join(out)
    assert "🌱" not in "\n".join(out)  # all time: nobody is new
    out = await console.feed("dave /leaderboard optin", "dave /leaderboard month")
    assert "@dave — 10 points" in "\n".join(out)


async def test_the_weekly_post_comes_on_monday_once(console: ConsoleDriver) -> None:
    """Monday 09:00 posts last week's board in #general; later ticks don't post it again."""
    await console.feed(*WEEK_OF_POINTS)
    out = await console.feed("wait 6d")
    assert _posts(out) == []
    out = await console.feed("wait 1d")
    assert _periods(console, out) == [("#general", "2026-01-05", "2026-01-12")]
    assert "@bob — 20 points" in "\n".join(out)
    assert _posts(await console.feed("wait 1h", "wait 1d")) == []


async def test_a_post_missed_while_down_comes_once_at_start(tmp_path: Path) -> None:
    """Down over Monday 09:00: the board is posted at the next start, and not at the one after."""
    db = tmp_path / "entraide.db"
    async with console_community(db) as first:
        await first.feed(*WEEK_OF_POINTS)
    later = START + timedelta(days=7, hours=2)
    async with console_community(db, start=later) as second:
        assert len(_posts(second.transcript)) == 1
    async with console_community(db, start=later + timedelta(hours=1)) as third:
        assert _posts(third.transcript) == []
    three_weeks = START + timedelta(days=21, hours=1)
    async with console_community(db, start=three_weeks) as fourth:
        assert _posts(fourth.transcript) == []  # runs missed meanwhile coalesce; no points


async def test_admins_can_move_the_schedule(console: ConsoleDriver) -> None:
    """A daily 18:00 schedule in Paris time posts that day's board at 17:00 UTC."""
    await console.feed(
        "admin /entraide config set leaderboard_cron 0 18 * * *",
        "admin /entraide config set timezone Europe/Paris",
        *WEEK_OF_POINTS,
    )
    assert _posts(await console.feed("wait 7h")) == []
    out = await console.feed("wait 1h")
    assert _periods(console, out) == [("#general", "2026-01-04", "2026-01-05")]


async def test_the_board_follows_new_marks_and_reversals(console: ConsoleDriver) -> None:
    """Asked again after more marks and a removal, the week's board is current."""
    await console.feed(*WEEK_OF_POINTS, "carol /leaderboard week")
    out = await console.feed(
        "dave react ^carol ✅",
        "erin react ^carol ✅",
        "alice unreact ^bob ✅",
        "carol /leaderboard week",
    )
    assert out[-2:] == [
        "    🥇 @carol — 30 points 🌱 new helper, welcome!",
        "    🥈 @bob — 10 points 🌱 new helper, welcome!",
    ]
    tallied = await q.points_by_member(console.app.db)
    assert tallied == {"bob": 10, "carol": 30, "dave": 10, "erin": 10}


async def test_a_purged_community_that_comes_back_starts_from_zero(console: ConsoleDriver) -> None:
    """The platform removed the bot (everything purged), then the community returns: its new
    board counts only new points, and they all count (ids of purged rows are reused)."""
    await console.feed(*WEEK_OF_POINTS)
    await console.feed("carol /leaderboard week")  # the week's tally is now in memory
    assert await console.app.purge_community(COMMUNITY) is not None
    assert await q.ledger_count(console.app.db) == 0
    await console.feed("alice: Back again?", "carol reply Q1: from carol", "alice react ^carol ✅")
    out = await console.feed("carol /leaderboard week")
    assert out[2:] == ["    🥇 @carol — 10 points 🌱 new helper, welcome!"]


ASKER_BONUS_ONLY = [
    "alice: How do I export?",
    "bob reply Q1: Settings › Export.",
    "alice /accept ^bob",  # bob +15 for helping; alice +2 for accepting
    "admin /rep adjust frank 300 early supporter",  # points, but not for helping
]


async def test_the_askers_bonus_and_adjustments_put_nobody_on_a_board(
    console: ConsoleDriver,
) -> None:
    """alice's only points are her +2 for accepting, frank's an admin's gift: neither helped,
    so no board lists them (week, month, all time, the scheduled post); /rep still counts."""
    await console.feed(*ASKER_BONUS_ONLY)
    for period in ("week", "month", "all"):
        out = await console.feed(f"carol /leaderboard {period}")
        board = "\n".join(out)
        assert "@bob — 15 points" in board
        assert "@alice" not in board
        assert "@frank" not in board
    out = await console.feed("alice /rep")
    assert "@alice: 2 points" in out[1]
    out = await console.feed("wait 7d")
    assert _periods(console, out) == [("#general", "2026-01-05", "2026-01-12")]
    post = out[out.index(next(line for line in out if "🏆" in line)) :]
    assert "    🥇 @bob — 15 points 🌱 new helper, welcome!" in post
    assert not [line for line in post if "@alice" in line or "@frank" in line]


async def test_a_first_time_helper_is_one_whose_first_helping_points_are_new(
    console: ConsoleDriver,
) -> None:
    """alice only accepted answers last week: her first helpful answer this week makes her a
    new helper 🌱; bob, who helped last week, isn't new."""
    await console.feed(*ASKER_BONUS_ONLY, "wait 7d")
    await console.feed(
        "carol: Where are the logs?",
        "alice reply Q2: In /var/log.",
        "bob reply Q2: Or journalctl.",
        "carol react ^alice ✅",
        "carol react ^bob ✅",
    )
    out = await console.feed("carol /leaderboard week")
    assert out[-2:] == [
        "    🥇 @alice — 10 points 🌱 new helper, welcome!",
        "    🥈 @bob — 10 points",
    ]


async def test_two_processes_on_one_database_post_the_week_once(tmp_path: Path) -> None:
    """Two bots sharing a database (two processes), started before Monday 09:00, both wake
    up after it with the week's board due: it is posted once, by one of them."""
    db = tmp_path / "entraide.db"
    async with console_community(db) as first:
        await first.feed(*WEEK_OF_POINTS)
    before = START + timedelta(days=7) - timedelta(hours=1)
    async with (
        console_community(db, start=before) as one,
        console_community(db, start=before) as two,
    ):
        assert _posts(one.transcript) == _posts(two.transcript) == []
        after = START + timedelta(days=7, minutes=1)
        await asyncio.gather(_board_cog(one).post_due(after), _board_cog(two).post_due(after))
        assert len(_posts(one.transcript)) + len(_posts(two.transcript)) == 1


def _board_cog(driver: ConsoleDriver) -> Any:
    return next(cog for cog in driver.app.cogs if cog.name == "leaderboard")
