"""Bounties' state: in escrow ('open'), held by the accepted answer's author ('awarded'), or
ended ('expired'). The points themselves move as ledger rows, written by the caller in the
same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite


@dataclass(frozen=True)
class Bounty:
    """A question's bounty and who holds it now."""

    question_id: int
    sponsor_id: int | None
    amount: int
    from_staff: bool
    status: str
    awarded_to: int | None


async def of(conn: aiosqlite.Connection, question_id: int) -> Bounty | None:
    """The bounty on a question, if any."""
    cur = await conn.execute(
        "SELECT question_id, sponsor_id, amount, from_staff, status, awarded_to FROM bounties"
        " WHERE question_id = ?",
        (question_id,),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    return Bounty(int(row[0]), row[1], int(row[2]), bool(row[3]), str(row[4]), row[5])


async def create(
    tx: aiosqlite.Connection,
    community_id: int,
    question_id: int,
    sponsor_id: int,
    amount: int,
    from_staff: bool,
    at: datetime,
) -> None:
    """Record a new bounty, in escrow."""
    await tx.execute(
        "INSERT INTO bounties (question_id, community_id, sponsor_id, amount, from_staff,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (question_id, community_id, sponsor_id, amount, int(from_staff), at.isoformat()),
    )


async def set_holder(
    tx: aiosqlite.Connection, question_id: int, holder_id: int | None, at: datetime
) -> None:
    """Give the bounty to a member ('awarded'), or put it back in escrow ('open') with None."""
    await tx.execute(
        "UPDATE bounties SET status = ?, awarded_to = ?, resolved_at = ? WHERE question_id = ?",
        (
            "open" if holder_id is None else "awarded",
            holder_id,
            None if holder_id is None else at.isoformat(),
            question_id,
        ),
    )


async def expire(tx: aiosqlite.Connection, question_id: int, at: datetime) -> None:
    """End a bounty left in escrow."""
    await tx.execute(
        "UPDATE bounties SET status = 'expired', awarded_to = NULL, resolved_at = ?"
        " WHERE question_id = ?",
        (at.isoformat(), question_id),
    )
