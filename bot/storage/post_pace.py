"""Slack's posting pace per channel, shared by the processes of one database."""

from __future__ import annotations

import aiosqlite


async def reserve(conn: aiosqlite.Connection, channel: str, now: float, interval: float) -> float:
    """Take the channel's next slot (one statement: atomic without a lock); returns the time
    (seconds since the epoch) the slot after it starts. A slot `burst` intervals before
    that time may be used at once (see bot.adapters.slack.throttle)."""
    cur = await conn.execute(
        "INSERT INTO post_pace (channel, next_at) VALUES (?, ?) ON CONFLICT (channel) DO UPDATE"
        " SET next_at = CASE WHEN post_pace.next_at > ? THEN post_pace.next_at ELSE ? END + ?"
        " RETURNING next_at",
        (channel, now + interval, now, now, interval),
    )
    row = await cur.fetchone()
    assert row is not None  # an upsert with RETURNING always returns its row
    return float(row[0])
