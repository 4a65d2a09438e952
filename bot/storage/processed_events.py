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


async def claim(
    tx: aiosqlite.Connection,
    community_id: int,
    event_id: str,
    owner: str,
    now: datetime,
    until: datetime,
) -> bool:
    """Take this event for `owner` until `until`; False while another process's claim on
    it hasn't run out."""
    cur = await tx.execute(
        "INSERT INTO event_claims (community_id, event_id, owner, claimed_until)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (community_id, event_id) DO UPDATE SET"
        " owner = excluded.owner, claimed_until = excluded.claimed_until"
        " WHERE event_claims.claimed_until <= ?",
        (community_id, event_id, owner, until.isoformat(), now.isoformat()),
    )
    return cur.rowcount > 0


async def unclaim(tx: aiosqlite.Connection, community_id: int, event_id: str) -> None:
    """Drop the claim on an event (handled, failed, or waiting for its message)."""
    await tx.execute(
        "DELETE FROM event_claims WHERE community_id = ? AND event_id = ?",
        (community_id, event_id),
    )
