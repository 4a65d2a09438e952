"""Where members stand: leaderboard places and opt-outs, ranks and their announcements
(the ranking itself is bot/storage/helping.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite


@dataclass(frozen=True)
class Standing:
    """A member's place on a leaderboard."""

    member_id: int
    external_id: str
    name: str
    points: int


async def set_optout(
    tx: aiosqlite.Connection, community_id: int, member_id: int, out: bool, at: datetime
) -> bool:
    """Opt a member out of (or back into) leaderboards; False if nothing changed."""
    if out:
        cur = await tx.execute(
            "INSERT INTO leaderboard_optouts (community_id, member_id, since) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (community_id, member_id, at.isoformat()),
        )
    else:
        cur = await tx.execute(
            "DELETE FROM leaderboard_optouts WHERE community_id = ? AND member_id = ?",
            (community_id, member_id),
        )
    return cur.rowcount == 1


async def rank_of(conn: aiosqlite.Connection, community_id: int, member_id: int) -> str | None:
    """The rank a member was last given."""
    cur = await conn.execute(
        "SELECT rank FROM member_ranks WHERE community_id = ? AND member_id = ?",
        (community_id, member_id),
    )
    row = await cur.fetchone()
    return str(row[0]) if row else None


async def set_rank(
    tx: aiosqlite.Connection, community_id: int, member_id: int, rank: str, at: datetime
) -> None:
    """Store a member's new rank."""
    await tx.execute(
        "INSERT INTO member_ranks (community_id, member_id, rank, since) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (community_id, member_id) DO UPDATE SET rank = excluded.rank,"
        " since = excluded.since",
        (community_id, member_id, rank, at.isoformat()),
    )


async def claim_announcement(
    tx: aiosqlite.Connection, community_id: int, member_id: int, rank: str, at: datetime
) -> bool:
    """Record that a member's promotion to `rank` is announced; False if it ever was."""
    cur = await tx.execute(
        "INSERT INTO rank_announcements (community_id, member_id, rank, announced_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (community_id, member_id, rank, at.isoformat()),
    )
    return cur.rowcount == 1
