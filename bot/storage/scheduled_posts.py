"""Once-per-period scheduled work: claimed in the database before it is done."""

from __future__ import annotations

from datetime import datetime

import aiosqlite


async def made(
    conn: aiosqlite.Connection, community_id: int, kind: str, period_end: datetime
) -> bool:
    """Whether this period's run of `kind` was already made (or reserved)."""
    cur = await conn.execute(
        "SELECT 1 FROM scheduled_posts WHERE community_id = ? AND kind = ? AND period_end = ?",
        (community_id, kind, period_end.isoformat()),
    )
    return await cur.fetchone() is not None


async def claim(
    tx: aiosqlite.Connection, community_id: int, kind: str, period_end: datetime, at: datetime
) -> bool:
    """Reserve this period's run of `kind`; False if it was already made (or reserved)."""
    cur = await tx.execute(
        "INSERT INTO scheduled_posts (community_id, kind, period_end, posted_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (community_id, kind, period_end.isoformat(), at.isoformat()),
    )
    return cur.rowcount == 1


async def set_message(
    tx: aiosqlite.Connection, community_id: int, kind: str, period_end: datetime, message_id: str
) -> None:
    """Remember the message a period's run posted."""
    await tx.execute(
        "UPDATE scheduled_posts SET message_id = ?"
        " WHERE community_id = ? AND kind = ? AND period_end = ?",
        (message_id, community_id, kind, period_end.isoformat()),
    )


async def release(
    tx: aiosqlite.Connection, community_id: int, kind: str, period_end: datetime
) -> None:
    """Give back a claimed period whose post surely never went out (its next run makes it)."""
    await tx.execute(
        "DELETE FROM scheduled_posts WHERE community_id = ? AND kind = ? AND period_end = ?"
        " AND message_id IS NULL",
        (community_id, kind, period_end.isoformat()),
    )
