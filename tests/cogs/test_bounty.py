"""Bounties: escrow from the asker, the whole amount to the accepted answer, half back later."""

from __future__ import annotations

from tests.cogs.test_reputation import points
from tests.fakes.console import ConsoleDriver

RICH_ALICE = ["admin /rep adjust alice 300 early supporter", "alice: How do I export?"]


async def test_the_accepted_answer_earns_the_bounty(console: ConsoleDriver) -> None:
    """100 leave alice into escrow; bob's accepted answer gets 100 + 15; alice +2."""
    out = await console.feed(*RICH_ALICE, "alice in Q1 /bounty 100")
    assert out[-1].endswith("💰 @alice offers 100 points to the answer that solves Q1.")
    assert await points(console, "alice") == 200
    out = await console.feed("bob reply Q1: Settings › Export.", "alice /accept ^bob")
    assert "M8 [#help › Q1] entraide: 💰 @bob earns the 100-point bounty." in out
    assert (await points(console, "alice"), await points(console, "bob")) == (202, 115)
    await console.feed("wait 8d")
    assert await points(console, "alice") == 202  # awarded: nothing comes back
    assert await console.scalar("SELECT status FROM timers WHERE kind = 'bounty'") == "cancelled"


async def test_an_unawarded_bounty_returns_half_after_seven_days(console: ConsoleDriver) -> None:
    """Nobody accepted within 7 days: 50 of the 100 go back to alice."""
    await console.feed(*RICH_ALICE, "alice /bounty 100 Q1", "wait 6d")
    assert await points(console, "alice") == 200
    await console.feed("wait 1d")
    assert await points(console, "alice") == 250
    rows = await console.app.db.fetchall(
        "SELECT delta, reason FROM reputation_ledger WHERE kind = 'bounty' ORDER BY id"
    )
    assert [tuple(r) for r in rows] == [(-100, "escrow"), (50, "refund")]


async def test_bounty_rules(console: ConsoleDriver) -> None:
    """Range, only the asker or staff, enough points, one bounty; staff bounties are free."""
    out = await console.feed(
        "alice: How do I export?",
        "alice /bounty 20 Q1",
        "bob /bounty 100 Q1",
        "alice /bounty 100 Q1",
        "erin /bounty 200 Q1",
        "alice /bounty 100 Q1",
    )
    errors = [line.split("entraide: ")[1] for line in out if "(only" in line]
    assert errors == [
        "A bounty is from 50 to 500 points.",
        "Only the asker of Q1 or staff can put a bounty on it.",
        "You don't have 100 points to offer.",
        "Q1 already has a bounty.",
    ]
    assert await points(console, "erin") == 0
    await console.feed("bob reply Q1: Try this.", "alice /accept ^bob")
    assert await points(console, "bob") == 215
