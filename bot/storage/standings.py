"""Where members stand: leaderboards over the ledger, ranks, opt-outs, scheduled posts."""

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


_VISIBLE = (
    " AND m.is_bot = 0"
    " AND NOT EXISTS (SELECT 1 FROM leaderboard_optouts o"
    "  WHERE o.community_id = m.community_id AND o.member_id = m.id)"
)


async def top(
    conn: aiosqlite.Connection,
    community_id: int,
    *,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    hide_staff: bool,
) -> list[Standing]:
    """The best `limit` members by points in [start, end), or of all time when start is None."""
    staff = " AND m.is_staff = 0" if hide_staff else ""
    if start is None:
        # Walks the totals index from the top and stops after `limit` visible members.
        cur = await conn.execute(
            "SELECT t.member_id, m.external_id, m.display_name, t.total"
            " FROM reputation_totals t JOIN members m ON m.id = t.member_id"
            f" WHERE t.community_id = ? AND t.total > 0{_VISIBLE}{staff}"
            " ORDER BY t.total DESC, t.member_id LIMIT ?",
            (community_id, limit),
        )
    else:
        cur = await conn.execute(
            "WITH period AS ("
            " SELECT member_id, SUM(delta) AS points"
            " FROM reputation_ledger INDEXED BY ledger_period"
            " WHERE community_id = ? AND created_at >= ? AND created_at < ? GROUP BY member_id)"
            " SELECT p.member_id, m.external_id, m.display_name, p.points"
            " FROM period p JOIN members m ON m.id = p.member_id"
            f" WHERE p.points > 0{_VISIBLE}{staff}"
            " ORDER BY p.points DESC, p.member_id LIMIT ?",
            (community_id, start.isoformat(), (end or datetime.max).isoformat(), limit),
        )
    return [Standing(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in await cur.fetchall()]


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
