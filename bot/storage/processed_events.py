"""Platform events already handled, so a redelivered event changes nothing twice."""

from __future__ import annotations

from datetime import datetime

import aiosqlite


async def was_processed(tx: aiosqlite.Connection, community_id: int, event_id: str) -> bool:
    """Whether this event id was fully handled before."""
    cur = await tx.execute(
        "SELECT 1 FROM processed_events WHERE community_id = ? AND event_id = ?",
        (community_id, event_id),
    )
    return await cur.fetchone() is not None


async def mark_processed(
    tx: aiosqlite.Connection, community_id: int, event_id: str, at: datetime
) -> None:
    """Record that every cog handled this event."""
    await tx.execute(
        "INSERT INTO processed_events (community_id, event_id, processed_at)"
        " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (community_id, event_id, at.isoformat()),
    )
