"""Bounties: escrow from the sponsor, the whole amount to the accepted answer, half back
after 7 days unawarded (the Stack Overflow rule). Each step is a ledger row and a state row
in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.cogs.reputation._outcome import Source
from bot.storage import reputation as rep
from bot.storage.db import Database
from bot.storage.questions import Question

MIN_AMOUNT, MAX_AMOUNT = 50, 500
LASTS = timedelta(days=7)
TIMER = "bounty"


@dataclass(frozen=True)
class Bounty:
    """A question's bounty."""

    sponsor_id: int | None
    amount: int
    from_staff: bool
    status: str


async def of(conn: aiosqlite.Connection, question_id: int) -> Bounty | None:
    """The bounty on a question, if any."""
    cur = await conn.execute(
        "SELECT sponsor_id, amount, from_staff, status FROM bounties WHERE question_id = ?",
        (question_id,),
    )
    row = await cur.fetchone()
    return Bounty(row[0], int(row[1]), bool(row[2]), str(row[3])) if row else None


async def offer(
    tx: aiosqlite.Connection, source: Source, question: Question, amount: int, from_staff: bool
) -> str:
    """Put a bounty on an open question: 'offered', 'already' or 'too_poor'."""
    if await of(tx, question.id) is not None:
        return "already"
    sponsor = source.actor_id
    assert sponsor is not None
    if not from_staff:
        if await rep.total(tx, source.community_id, sponsor) < amount:
            return "too_poor"
        await source.write(tx, sponsor, -amount, "bounty", "escrow", question.id)
    await tx.execute(
        "INSERT INTO bounties (question_id, community_id, sponsor_id, amount, from_staff,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (question.id, source.community_id, sponsor, amount, int(from_staff), source.at.isoformat()),
    )
    return "offered"


async def award(db: Database, source: Source, question_id: int, author_id: int | None) -> int:
    """Give an open bounty to the accepted answer's author; the amount given (0 if none)."""
    async with db.transaction() as tx:
        bounty = await of(tx, question_id)
        if bounty is None or bounty.status != "open" or author_id is None:
            return 0
        if author_id == bounty.sponsor_id:
            return 0  # nobody earns their own bounty; it stays open until it expires
        await source.write(tx, author_id, bounty.amount, "bounty", "award", question_id)
        await _close(tx, question_id, "awarded", author_id, source.at)
    return bounty.amount


async def expire(db: Database, community_id: int, question_id: int, at: datetime) -> int:
    """Close an unawarded bounty; half goes back to a member sponsor. Returns the refund."""
    async with db.transaction() as tx:
        bounty = await of(tx, question_id)
        if bounty is None or bounty.status != "open":
            return 0
        refund = 0 if bounty.from_staff or bounty.sponsor_id is None else bounty.amount // 2
        if refund and bounty.sponsor_id is not None:
            source = Source(community_id, f"bounty:{question_id}:expired", at, None)
            await source.write(tx, bounty.sponsor_id, refund, "bounty", "refund", question_id)
        await _close(tx, question_id, "expired", None, at)
    return refund


async def _close(
    tx: aiosqlite.Connection, question_id: int, status: str, to: int | None, at: datetime
) -> None:
    await tx.execute(
        "UPDATE bounties SET status = ?, awarded_to = ?, resolved_at = ? WHERE question_id = ?",
        (status, to, at.isoformat(), question_id),
    )
