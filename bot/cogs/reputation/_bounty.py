"""Bounties: escrow from the sponsor; the whole amount follows the question's accepted answer
(back to escrow on /unaccept, when the accepted answer is deleted, or moved to the next one
accepted); half back to a member sponsor after 7 days in escrow without an accepted answer
(the Stack Overflow rule). Each move is ledger rows and the bounty's state row, written in
the transaction of the accept, withdrawal or deletion that caused it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import aiosqlite

from bot.cogs.reputation import _rules
from bot.cogs.reputation._outcome import Source
from bot.storage import bounties
from bot.storage import reputation as rep
from bot.storage.questions import Question
from bot.storage.store import Store

if TYPE_CHECKING:
    from bot.scheduler.timers import Timers

MIN_AMOUNT, MAX_AMOUNT = 50, 500
LASTS = timedelta(days=7)
TIMER = "bounty"
PART = ":bounty"  # tells a bounty's ledger rows from the accept's rows of the same event


def timer_key(question_number: int) -> str:
    """The bounty timer's key: the question's reference (Q3)."""
    return f"Q{question_number}"


async def offer(
    tx: aiosqlite.Connection, source: Source, question: Question, amount: int, from_staff: bool
) -> str:
    """Put a bounty on an open question: 'offered', 'already' or 'too_poor'."""
    if await bounties.of(tx, question.id) is not None:
        return "already"
    sponsor = source.actor_id
    assert sponsor is not None
    if not from_staff:
        if await rep.total(tx, source.community_id, sponsor) < amount:
            return "too_poor"
        await source.write(tx, sponsor, -amount, "bounty", "escrow", question.id)
    await bounties.create(
        tx, source.community_id, question.id, sponsor, amount, from_staff, source.at
    )
    return "offered"


async def follow(
    tx: aiosqlite.Connection,
    source: Source,
    timers: Timers,
    question_id: int,
    question_number: int,
    author_id: int | None,
    reason: str,
) -> _rules.BountyMove | None:
    """Move a question's bounty to the author of its accepted answer now (None: no accepted
    answer any more); `reason` names the holder's loss (unaccept, moved, answer_deleted)."""
    move = _rules.bounty_move(await bounties.of(tx, question_id), author_id)
    if move is None:
        return None
    if move.take_from is not None:
        await source.write(
            tx, move.take_from, -move.amount, "bounty", reason, question_id, part=PART
        )
    if move.give_to is not None:
        await source.write(tx, move.give_to, move.amount, "bounty", "award", question_id, part=PART)
    await bounties.set_holder(tx, question_id, move.give_to, source.at)
    key = timer_key(question_number)
    if move.give_to is not None:
        await timers.cancel(tx, source.community_id, TIMER, key)
    else:
        # Back in escrow: 7 days from now without an accepted answer, half goes back.
        due = source.at + LASTS
        await timers.schedule(
            tx, source.community_id, TIMER, key, due, {"question_id": question_id}
        )
    return move


def members(move: _rules.BountyMove | None) -> list[int]:
    """Whose totals a bounty's move changed."""
    if move is None:
        return []
    return [m for m in (move.take_from, move.give_to) if m is not None]


async def expire(db: Store, community_id: int, question_id: int, at: datetime) -> int:
    """End a bounty still in escrow; half goes back to a member sponsor. Returns the refund."""
    async with db.transaction() as tx:
        bounty = await bounties.of(tx, question_id)
        if bounty is None or bounty.status != "open":
            return 0
        refund = 0 if bounty.from_staff or bounty.sponsor_id is None else bounty.amount // 2
        if refund and bounty.sponsor_id is not None:
            source = Source(community_id, f"bounty:{question_id}:expired", at, None)
            await source.write(tx, bounty.sponsor_id, refund, "bounty", "refund", question_id)
        await bounties.expire(tx, question_id, at)
    return refund
