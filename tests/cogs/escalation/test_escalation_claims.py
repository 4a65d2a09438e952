"""Claims: the card shows who holds it and since when; a Claim on someone else's claim is
refused privately; Take over is explicit and told once; replays change nothing twice."""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters.console.adapter import COMMUNITY
from bot.core.events import ButtonPressed
from bot.core.identity import Community, Conversation, Member
from bot.core.ports import DeliveryError
from bot.core.replies import MENTION_RE, Reply
from tests import queries as q
from tests.cogs.escalation.test_escalation import card_of
from tests.cogs.escalation.test_escalation_close import buttons_of
from tests.fakes.console import ConsoleDriver, Said, message

ERIN = Member("erin", "erin", is_staff=True)
ADMIN = Member("admin", "admin", is_admin=True)


async def press(
    console: ConsoleDriver, member: Member, card: str, action: str, event_id: str
) -> bool:
    """A press on the card as a stale copy of it would send it (a button the card no longer
    shows, or a race with the edit): straight to the bot, with its own event id."""
    pressed = console.adapter.state.messages[card]
    qid = await q.question_id(console.app.db, 1)
    return await console.app.dispatch(
        ButtonPressed(
            event_id=event_id,
            community=COMMUNITY,
            author=member,
            at=console.app.clock.now(),
            conversation=Conversation("staff"),
            message_id=pressed.platform_id,
            action=f"escalation.{action}",
            value=str(qid),
        )
    )


async def holder(console: ConsoleDriver) -> tuple[object, ...]:
    """(status, who holds it, first claim, held since) of Q1's escalation."""
    row = await q.escalation_of(console.app.db)
    return row["status"], row["claimer"], row["claimed_at"], row["held_since"]


def in_thread(console: ConsoleDriver, has: str) -> int:
    """How many bot lines in Q1's thread contain `has`."""
    return sum(1 for line in console.transcript if "[#help › Q1] entraide:" in line and has in line)


def told(console: ConsoleDriver, text: str) -> int:
    """How many bot messages in Q1's thread say exactly `text` (as the bot sent it)."""
    return sum(
        1
        for said, sent in console.facts(console.transcript)
        if (said.author, said.where, sent) == ("entraide", "#help › Q1", text)
    )


def claimed(member: str) -> str:
    """The thread's line when `member` claims Q1."""
    return message("escalation.claimed", member=member, ref="Q1")


def took_over(member: str) -> str:
    """The thread's line when `member` takes Q1 over."""
    return message("escalation.took_over", member=member, ref="Q1")


ALREADY_YOURS = message("escalation.already_yours", ref="Q1")


def card_text(console: ConsoleDriver, card: str) -> str:
    """The card's text now, mentions as members read them (@erin)."""
    return MENTION_RE.sub(r"@\1", console.adapter.state.messages[card].text)


def edits(console: ConsoleDriver, card: str) -> int:
    """How many times the bot edited the card."""
    return console.transcript.count(f"· entraide edited {card}")


async def claimed_by_erin(console: ConsoleDriver) -> str:
    """A sensitive question's card, claimed by erin 5 minutes in; returns the card's id."""
    await console.feed("dave: I was charged twice, I need a refund")
    card = card_of(console, "Q1")
    await console.feed("wait 5m", f"erin press {card} Claim")
    return card


async def test_a_claim_shows_who_and_since_when_on_the_card(console: ConsoleDriver) -> None:
    """erin claims: the card says so with the time it took, offers Resolve, Return and Take
    over (no second Claim); the thread is told once; erin privately."""
    card = await claimed_by_erin(console)
    assert buttons_of(console, card) == ["Resolve", "Return to community", "Take over"]
    assert message("escalation.card_claimed", member="erin", after=5 * 60) in console.text(card)
    assert told(console, claimed("erin")) == 1
    mine = (
        Said("entraide", "only erin", questions=("Q1",)),
        message("escalation.claimed_private", ref="Q1"),
    )
    assert mine in console.facts(console.transcript)
    status, who, claimed_at, held_since = await holder(console)
    assert (status, who) == ("claimed", "erin")
    assert claimed_at == held_since


async def test_a_second_claim_is_refused_privately_and_changes_nothing(
    console: ConsoleDriver,
) -> None:
    """admin presses Claim on a stale copy of erin's card: a private "already claimed by
    @erin — Take over?", the claim stays hers, the thread isn't told again, the card stays."""
    card = await claimed_by_erin(console)
    before = await holder(console)
    edited = edits(console, card)
    await console.feed("wait 3m")
    assert await press(console, ADMIN, card, "claim", "stale.claim")
    refusal = console.transcript[-1]
    assert console.said(refusal) == Said(
        "entraide", "only admin", mentions=("erin",), questions=("Q1",)
    )
    assert console.text(refusal) == message("escalation.already_claimed", ref="Q1", member="erin")
    assert await holder(console) == before
    assert in_thread(console, "from staff is on Q1") == 1
    assert in_thread(console, "took over") == 0
    assert edits(console, card) == edited


async def test_claiming_your_own_claim_again_says_it_is_yours(console: ConsoleDriver) -> None:
    """erin's Claim (or Take over) on her own claim: a private "already yours", nothing else."""
    card = await claimed_by_erin(console)
    before, edited = await holder(console), edits(console, card)
    assert await press(console, ERIN, card, "claim", "again.claim")
    assert console.facts(console.transcript[-1:]) == [
        (Said("entraide", "only erin", questions=("Q1",)), ALREADY_YOURS)
    ]
    out = await console.feed(f"erin press {card} Take over")
    assert console.facts(out[-1:]) == [
        (Said("entraide", "only erin", questions=("Q1",)), ALREADY_YOURS)
    ]
    assert await holder(console) == before
    assert in_thread(console, "from staff is on Q1") == 1
    assert edits(console, card) == edited


async def test_take_over_moves_the_claim_and_tells_the_thread_once(
    console: ConsoleDriver,
) -> None:
    """admin takes over erin's claim 20 minutes in: the claim is his (the first claim time
    kept for the SLA figures), the card shows him and since when, the thread is told once; a
    replay of his press and a second press change nothing."""
    card = await claimed_by_erin(console)
    await console.feed("wait 15m")
    out = await console.feed(f"admin press {card} Take over")
    in_thread_now = Said("entraide", "#help › Q1", mentions=("admin",), questions=("Q1",))
    assert (in_thread_now, took_over("admin")) in console.facts(out)
    mine = (
        Said("entraide", "only admin", questions=("Q1",)),
        message("escalation.took_over_private", ref="Q1"),
    )
    assert mine in console.facts(out)
    assert f"· entraide edited {card}" in out
    shown = console.text(card)
    assert message("escalation.card_taken_over", member="admin", after=20 * 60) in shown
    assert message("escalation.card_claimed", member="erin", after=5 * 60) not in shown
    assert "<@erin>" not in shown
    assert buttons_of(console, card) == ["Resolve", "Return to community", "Take over"]
    status, who, claimed_at, held_since = await holder(console)
    assert (status, who) == ("claimed", "admin")
    assert claimed_at != held_since  # the first claim (erin's) still counts for the SLA

    edited = edits(console, card)
    assert await press(console, ADMIN, card, "take_over", "replayed.take")
    assert not await press(console, ADMIN, card, "take_over", "replayed.take")
    assert console.facts(console.transcript[-1:]) == [
        (Said("entraide", "only admin", questions=("Q1",)), ALREADY_YOURS)
    ]
    assert in_thread(console, "took over Q1") == 1
    assert edits(console, card) == edited
    assert (await holder(console))[:2] == ("claimed", "admin")

    # erin takes it back: told once more, the card edited once more
    await console.feed(f"erin press {card} Take over")
    assert told(console, took_over("erin")) == 1
    assert edits(console, card) == edited + 1
    assert "Taken over by @erin" in card_text(console, card)


async def test_only_staff_take_over(console: ConsoleDriver) -> None:
    """A member who sees the card (misconfigured staff channel) can't take it over."""
    await console.feed(
        "admin /entraide channels set-staff #general", "dave: Refund for my last invoice please"
    )
    card = card_of(console, "Q1")
    await console.feed(f"erin press {card} Claim")
    out = await console.feed(f"dave press {card} Take over")
    assert console.said(out[-1]) == Said("entraide", "only dave")
    assert console.text(out[-1]) == message("escalation.staff_only")
    assert (await holder(console))[:2] == ("claimed", "erin")


async def test_resolve_after_a_take_over_ends_the_card(console: ConsoleDriver) -> None:
    """Taken over, then resolved: the card says who resolved it and has no buttons left; a
    late Take over says it is no longer waiting for staff."""
    card = await claimed_by_erin(console)
    await console.feed(f"admin press {card} Take over", f"admin press {card} Resolve")
    assert "✅ Resolved by @admin" in card_text(console, card)
    assert buttons_of(console, card) == []
    assert await press(console, ERIN, card, "take_over", "late.take")
    assert console.said(console.transcript[-1]) == Said("entraide", "only erin", questions=("Q1",))
    assert console.text(console.transcript[-1]) == message("escalation.already_closed", ref="Q1")


async def test_a_failed_thread_line_is_told_on_the_replay_once(
    console: ConsoleDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The platform refuses the thread's "took over" line: the take over is stored, the
    event is not marked handled; its replay tells the thread then, once."""
    card = await claimed_by_erin(console)
    real_send = console.adapter.send
    refused: list[str] = []

    async def refuse_once(community: Community, where: Conversation, reply: Reply) -> Any:
        if "took over" in reply.text and not refused:
            refused.append(reply.text)
            raise DeliveryError("thread archived")
        return await real_send(community, where, reply)

    monkeypatch.setattr(console.adapter, "send", refuse_once)
    assert not await press(console, ADMIN, card, "take_over", "flaky.take")
    assert refused
    assert (await holder(console))[:2] == ("claimed", "admin")
    assert in_thread(console, "took over Q1") == 0
    assert await press(console, ADMIN, card, "take_over", "flaky.take")
    assert not await press(console, ADMIN, card, "take_over", "flaky.take")
    assert told(console, took_over("admin")) == 1
    assert "Taken over by @admin" in card_text(console, card)


async def test_take_over_on_an_unclaimed_escalation_is_a_claim(console: ConsoleDriver) -> None:
    """A Take over pressed on a card nobody holds (behind its state, e.g. after a Return that
    raced it) claims it: "is on", not "took over"."""
    await console.feed("dave: I was charged twice, I need a refund")
    card = card_of(console, "Q1")
    assert await press(console, ADMIN, card, "take_over", "early.take")
    assert told(console, claimed("admin")) == 1
    assert in_thread(console, "took over") == 0
    assert "Claimed by @admin" in card_text(console, card)
    status, who, claimed_at, held_since = await holder(console)
    assert (status, who) == ("claimed", "admin")
    assert claimed_at == held_since


async def test_a_stale_card_is_brought_up_to_date_by_the_refused_claim(
    console: ConsoleDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The platform refused the card's edit on erin's claim, so it still offers Claim; admin
    presses it: refused privately (the claim stays hers, the thread told once), and the card
    now shows erin with Resolve, Return and Take over."""
    await console.feed("dave: I was charged twice, I need a refund")
    card = card_of(console, "Q1")
    real_edit = console.adapter.edit
    refused: list[str] = []

    async def refuse_once(
        community: Community, where: Conversation, message_id: str, reply: Reply
    ) -> None:
        if not refused:
            refused.append(message_id)
            raise DeliveryError("missing access")
        await real_edit(community, where, message_id, reply)

    monkeypatch.setattr(console.adapter, "edit", refuse_once)
    await console.feed(f"erin press {card} Claim")
    assert refused
    assert buttons_of(console, card) == ["Claim", "Resolve", "Return to community"]
    out = await console.feed(f"admin press {card} Claim")
    assert any("(only admin)" in line and "already claimed by @erin" in line for line in out)
    assert (await holder(console))[:2] == ("claimed", "erin")
    assert in_thread(console, "from staff is on Q1") == 1
    assert buttons_of(console, card) == ["Resolve", "Return to community", "Take over"]
    assert "Claimed by @erin" in card_text(console, card)
