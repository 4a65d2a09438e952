"""Ranks: thresholds, the distinct-givers rule, announcements once, roles both ways."""

from __future__ import annotations

from pathlib import Path

from bot.storage import communities, reputation
from tests import queries as q
from tests.fakes.console import ConsoleDriver, console_community, message
from tests.fakes.events import message_posted, reaction_changed, reply_posted


def _marks(receiver: str, givers: list[str], each: int) -> list[str]:
    lines = []
    for giver in givers:
        for n in range(each):
            lines += [f"{receiver} reply Q1: answer {giver} {n}", f"{giver} react ^{receiver} ✅"]
    return lines


async def test_helper_at_fifty_announced_once_with_its_role(console: ConsoleDriver) -> None:
    """Crossing 50 announces Helper in #general and grants the mapped role, once."""
    await console.feed("admin /entraide config set rank_roles Helper=@helpers, Expert=@experts")
    out = await console.feed("alice: Q?", *_marks("bob", ["carol"], 5))
    announcements = [line for line in out if "is now" in line]
    assert announcements == [
        "M9 [#general] entraide: 🎉 @bob is now **Helper**! Thank you for helping."
    ]
    assert "· bob was given the role @helpers" in out
    # Falling below removes the role silently; climbing back gives it again, unannounced.
    out = await console.feed("carol unreact ^bob ✅")
    assert "· bob lost the role @helpers" in out
    assert not [line for line in out if "is now" in line]
    out = await console.feed("dave react ^bob ✅")
    assert "· bob was given the role @helpers" in out
    assert not [line for line in out if "is now" in line]


async def test_two_colluding_accounts_cannot_climb_past_helper(console: ConsoleDriver) -> None:
    """200 points from two givers stay Helper; five different givers make Contributor."""
    await console.feed("alice: Q?")
    lines = []
    for _ in range(2):  # 5 marks a day per giver and receiver, over two days
        lines += [*_marks("bob", ["carol", "dave"], 5), "wait 1d"]
    await console.feed(*lines)
    assert await q.rank_of(console.app.db, "bob") == "Helper"
    out = await console.feed("bob /rep")
    assert out[-2].endswith("entraide: @bob: 200 points · Helper · this week +200")
    assert out[-1].strip() == "Contributor also needs points from 3 more different members."
    out = await console.feed(*_marks("bob", ["g1", "g2", "g3"], 1))
    assert [line for line in out if "is now **Contributor**" in line]


async def test_rank_settings_are_validated(console: ConsoleDriver) -> None:
    """Badly formed ranks, roles, cron lines and time zones are refused with a hint."""
    out = await console.feed(
        "admin /entraide config set ranks Newcomer 0, Helper 50, Pro 40",
        "admin /entraide config set rank_roles Helper",
        "admin /entraide config set leaderboard_cron every monday",
        "admin /entraide config set timezone Mars/Olympus",
    )
    assert all("Nothing was changed." in line for line in out if "entraide:" in line)
    assert len([line for line in out if "entraide:" in line]) == 4
    assert "ranks" not in await q.override_keys(console.app.db)


async def test_toggling_a_mark_at_the_line_announces_the_promotion_once(
    console: ConsoleDriver,
) -> None:
    """bob at 40 points; dave's ✅ on his fifth answer toggled five times: Helper is
    announced once, ever; the role follows each crossing."""
    await console.feed("admin /entraide config set rank_roles Helper=@helpers")
    await console.feed("alice: Q?", *_marks("bob", ["carol"], 4), "bob reply Q1: the fifth")
    out: list[str] = []
    for _ in range(5):
        out += await console.feed("dave react ^bob ✅", "dave unreact ^bob ✅")
    announcements = [line for line in out if "is now" in line]
    assert len(announcements) == 1
    assert console.said(announcements[0]).mentions == ("bob",)
    assert console.text(announcements[0]) == message(
        "reputation.rank_up", member="bob", rank="Helper"
    )
    assert out.count("· bob was given the role @helpers") == 5
    assert out.count("· bob lost the role @helpers") == 5
    out = await console.feed("erin react ^bob ✅")
    assert "· bob was given the role @helpers" in out
    assert not [line for line in out if "is now" in line]


async def test_a_restart_does_not_announce_a_rank_again(tmp_path: Path) -> None:
    """Helper announced, lost, then regained after a restart: still one announcement."""
    db = tmp_path / "entraide.db"
    async with console_community(db) as first:
        await first.app.dispatch(message_posted("q", "root", "Q?"))
        for n in range(5):
            await first.app.dispatch(reply_posted(f"a{n}", f"ans-{n}", "root", f"answer {n}"))
            await first.app.dispatch(reaction_changed(f"r{n}", f"ans-{n}", by="carol"))
        await first.app.dispatch(reaction_changed("u4", "ans-4", by="carol", added=False))
        assert len([line for line in first.transcript if "is now" in line]) == 1
    async with console_community(db) as second:
        await second.app.dispatch(reaction_changed("d4", "ans-4", by="dave"))
        await second.app.dispatch(reaction_changed("r4", "ans-4", by="carol"))  # old replay
        assert not [line for line in second.transcript if "is now" in line]
        rank = await q.rank_of(second.app.db, "bob")
        assert rank == "Helper"


async def test_givers_are_the_markers_and_accepters_each_counted_once(
    console: ConsoleDriver,
) -> None:
    """bob's points stand on carol's and dave's ✅ and alice's accept (alice also marked):
    three givers, counted up to what a rank asks."""
    await console.feed(
        "alice: How do I rotate the logs?",
        "bob reply Q1: logrotate, daily.",
        "carol react ^bob ✅",
        "dave react ^bob ✅",
        "alice react ^bob ✅",
        "alice /accept ^bob",
        "carol: And the old ones?",
        "bob reply Q2: Compressed after a week.",
    )
    async with console.app.db.read() as conn:
        bob = await communities.existing_member(conn, 1, "bob")
        assert bob is not None
        counted = [await reputation.distinct_givers(conn, 1, bob, enough) for enough in (2, 3, 9)]
        carol = await communities.existing_member(conn, 1, "carol")
        assert carol is not None
        none = await reputation.distinct_givers(conn, 1, carol, 5)
    assert counted == [2, 3, 3]
    assert none == 0
