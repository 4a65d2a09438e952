"""Bounties: escrow from the asker, the whole amount to the accepted answer, half back later."""

from __future__ import annotations

from bot.cogs.reputation._rules import BountyMove, bounty_move
from bot.storage.bounties import Bounty
from tests import queries as q
from tests.cogs.reputation.test_reputation import points
from tests.fakes.console import ConsoleDriver, Said, message

EARNED_BY_CAROL = Said("entraide", "#help › Q1", mentions=("carol",))
BACK_IN_ESCROW = message("reputation.bounty_returned", amount=100, ref="Q1")
RICH_ALICE = ["admin /rep adjust alice 300 early supporter", "alice: How do I export?"]


async def test_the_accepted_answer_earns_the_bounty(console: ConsoleDriver) -> None:
    """100 leave alice into escrow; bob's accepted answer gets 100 + 15; alice +2."""
    out = await console.feed(*RICH_ALICE, "alice in Q1 /bounty 100")
    assert console.said(out[-1]) == Said("entraide", "#help › Q1", ("alice",), ("Q1",))
    assert console.text(out[-1]) == message(
        "reputation.bounty_offered", member="alice", amount=100, ref="Q1"
    )
    assert await points(console, "alice") == 200
    out = await console.feed("bob reply Q1: Settings › Export.", "alice /accept ^bob")
    [earned] = [line for line in out if "💰" in line]
    assert console.said(earned) == Said("entraide", "#help › Q1", mentions=("bob",))
    assert "100" in earned
    assert (await points(console, "alice"), await points(console, "bob")) == (202, 115)
    await console.feed("wait 8d")
    assert await points(console, "alice") == 202  # awarded: nothing comes back
    assert await q.timer_status(console.app.db, "bounty") == "cancelled"


async def test_an_unawarded_bounty_returns_half_after_seven_days(console: ConsoleDriver) -> None:
    """Nobody accepted within 7 days: 50 of the 100 go back to alice."""
    await console.feed(*RICH_ALICE, "alice /bounty 100 Q1", "wait 6d")
    assert await points(console, "alice") == 200
    await console.feed("wait 1d")
    assert await points(console, "alice") == 250
    rows = await q.ledger_rows(console.app.db, kind="bounty")
    assert [(r["delta"], r["reason"]) for r in rows] == [(-100, "escrow"), (50, "refund")]


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
    errors = [(said.where, text) for said, text in console.facts(out) if "only" in said.where]
    assert errors == [
        ("only alice", message("reputation.bounty_range", low=50, high=500)),
        ("only bob", message("reputation.bounty_not_yours", ref="Q1")),
        ("only alice", message("reputation.bounty_too_poor", amount=100)),
        ("only alice", message("reputation.bounty_already", ref="Q1")),
    ]
    assert await points(console, "erin") == 0
    await console.feed("bob reply Q1: Try this.", "alice /accept ^bob")
    assert await points(console, "bob") == 215


async def _bounty_status(console: ConsoleDriver) -> tuple[str, str | None]:
    state = await q.bounty_state(console.app.db)
    assert state is not None
    return state


async def test_unaccept_puts_the_bounty_back_and_the_next_accept_earns_it(
    console: ConsoleDriver,
) -> None:
    """bob's accept is withdrawn: his 100 go back to escrow; carol's accepted answer earns them."""
    await console.feed(*RICH_ALICE, "alice /bounty 100 Q1", "bob reply Q1: from bob")
    await console.feed("carol reply Q1: from carol", "alice /accept ^bob")
    assert (await points(console, "bob"), await _bounty_status(console)) == (
        115,
        ("awarded", "bob"),
    )
    out = await console.feed("alice /unaccept Q1")
    assert (await points(console, "bob"), await points(console, "alice")) == (0, 200)
    assert console.said(out[-1]) == Said("entraide", "#help › Q1", questions=("Q1",))
    assert console.text(out[-1]) == BACK_IN_ESCROW
    assert await _bounty_status(console) == ("open", None)
    out = await console.feed("alice /accept ^carol")
    assert (EARNED_BY_CAROL, message("reputation.bounty_awarded", member="carol", amount=100)) in (
        console.facts(out)
    )
    assert [await points(console, n) for n in ("alice", "bob", "carol")] == [202, 0, 115]
    rows = await q.ledger_rows(console.app.db, kind="bounty")
    assert [(r["member"], r["delta"], r["reason"]) for r in rows] == [
        ("alice", -100, "escrow"),
        ("bob", 100, "award"),
        ("bob", -100, "unaccept"),
        ("carol", 100, "award"),
    ]


async def test_deleting_the_accepted_answer_puts_the_bounty_back(console: ConsoleDriver) -> None:
    """bob deletes his accepted answer: the bounty leaves him; carol's accepted answer earns it."""
    await console.feed(*RICH_ALICE, "alice /bounty 100 Q1", "bob reply Q1: from bob")
    await console.feed("carol reply Q1: from carol", "alice /accept ^bob")
    out = await console.feed("bob delete ^bob")
    assert (await points(console, "bob"), await _bounty_status(console)) == (0, ("open", None))
    assert (Said("entraide", "#help › Q1", questions=("Q1",)), BACK_IN_ESCROW) in console.facts(out)
    await console.feed("alice /accept ^carol")
    assert [await points(console, n) for n in ("alice", "bob", "carol")] == [202, 0, 115]


async def test_accepting_another_answer_moves_the_bounty(console: ConsoleDriver) -> None:
    """Accept bob, then carol: the 15 and the 100 both move to carol; nothing is created."""
    await console.feed(*RICH_ALICE, "alice /bounty 100 Q1", "bob reply Q1: from bob")
    await console.feed("carol reply Q1: from carol", "alice /accept ^bob")
    out = await console.feed("alice /accept ^carol")
    assert [await points(console, n) for n in ("alice", "bob", "carol")] == [202, 0, 115]
    assert (EARNED_BY_CAROL, message("reputation.bounty_awarded", member="carol", amount=100)) in (
        console.facts(out)
    )
    assert await _bounty_status(console) == ("awarded", "carol")
    await console.feed("alice /accept ^bob")  # and back again
    assert [await points(console, n) for n in ("alice", "bob", "carol")] == [202, 115, 0]
    await console.feed("wait 8d")
    assert [await points(console, n) for n in ("alice", "bob", "carol")] == [202, 115, 0]


async def test_seven_days_in_escrow_after_an_unaccept_return_half(console: ConsoleDriver) -> None:
    """Awarded on day 1, withdrawn on day 2: 7 days later without an accept, 50 go back."""
    await console.feed(*RICH_ALICE, "alice /bounty 100 Q1", "bob reply Q1: from bob", "wait 1d")
    await console.feed("alice /accept ^bob", "wait 1d", "alice /unaccept Q1", "wait 6d")
    assert (await points(console, "alice"), await points(console, "bob")) == (200, 0)
    await console.feed("wait 1d")
    assert (await points(console, "alice"), await points(console, "bob")) == (250, 0)
    assert await _bounty_status(console) == ("expired", None)
    await console.feed("alice /accept ^bob")  # too late for the bounty: only the accept's points
    assert (await points(console, "alice"), await points(console, "bob")) == (252, 15)


async def test_a_staff_bounty_withdrawn_and_expired_costs_nothing(console: ConsoleDriver) -> None:
    """erin's (staff) bounty: awarded, withdrawn, expired; erin pays nothing, gets nothing."""
    await console.feed("alice: Q?", "erin /bounty 100 Q1", "bob reply Q1: from bob")
    await console.feed("alice /accept ^bob", "alice /unaccept Q1", "wait 7d")
    assert (await points(console, "erin"), await points(console, "bob")) == (0, 0)
    assert await _bounty_status(console) == ("expired", None)


def test_the_bounty_rule_follows_the_accepted_answer() -> None:
    """Escrow → author; author → next author or escrow; the sponsor and an ended bounty: stay."""
    in_escrow = Bounty(
        1, sponsor_id=1, amount=100, from_staff=False, status="open", awarded_to=None
    )
    held = Bounty(1, sponsor_id=1, amount=100, from_staff=False, status="awarded", awarded_to=2)
    ended = Bounty(1, sponsor_id=1, amount=100, from_staff=False, status="expired", awarded_to=None)
    assert bounty_move(in_escrow, 2) == BountyMove(100, None, 2)
    assert bounty_move(in_escrow, 1) is None  # the sponsor's own answer: it waits
    assert bounty_move(in_escrow, None) is None
    assert bounty_move(held, 3) == BountyMove(100, 2, 3)
    assert bounty_move(held, 2) is None  # another answer of the same author
    assert bounty_move(held, None) == BountyMove(100, 2, None)
    assert bounty_move(held, 1) == BountyMove(100, 2, None)
    assert bounty_move(ended, 2) is None
    assert bounty_move(None, 2) is None
