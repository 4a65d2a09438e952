"""Points earned by helping, and who helped most: the ranking behind leaderboards (and the
insights' top helpers of a period).

Helping points are helpful marks, accepted answers and bounties earned, with their
reversals. A member's total (/rep, ranks) also holds the asker's bonus for accepting,
admins' adjustments and a sponsor's bounty escrow and refund: none of those is helping.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.storage.standings import Standing

# Which ledger rows are helping. Migration 0019 (0017 before it) repeats it word for word in
# its trigger (with NEW.) and in the partial index `ledger_helping`, which SQLite uses only
# for a query holding this exact expression; tests/storage/test_helping.py checks they agree.
HELPING = (
    "(kind IN ('helpful', 'accepted', 'reused')"
    " OR (kind = 'bounty' AND reason NOT IN ('escrow', 'refund')))"
)

VISIBLE = (
    " AND m.is_bot = 0"
    " AND NOT EXISTS (SELECT 1 FROM leaderboard_optouts o"
    "  WHERE o.community_id = m.community_id AND o.member_id = m.id)"
)


async def top_helpers(
    conn: aiosqlite.Connection,
    community_id: int,
    *,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    hide_staff: bool = True,
) -> list[Standing]:
    """The `limit` members with the most helping points in [start, end) (all time when start
    is None; up to now when end is None), best first; bots and opted-out members left out."""
    staff = " AND m.is_staff = 0" if hide_staff else ""
    if start is None and end is None:
        # Walks the helping totals from the top and stops after `limit` visible members.
        cur = await conn.execute(
            "SELECT t.member_id, m.external_id, m.display_name, t.total"
            " FROM helping_totals t JOIN members m ON m.id = t.member_id"
            f" WHERE t.community_id = ? AND t.total > 0{VISIBLE}{staff}"
            " ORDER BY t.total DESC, t.member_id LIMIT ?",
            (community_id, limit),
        )
    else:
        cur = await conn.execute(
            "WITH period AS ("
            " SELECT member_id, SUM(delta) AS points"
            " FROM reputation_ledger INDEXED BY ledger_helping"
            f" WHERE community_id = ? AND created_at >= ? AND created_at < ? AND {HELPING}"
            " GROUP BY member_id)"
            " SELECT p.member_id, m.external_id, m.display_name, p.points"
            " FROM period p JOIN members m ON m.id = p.member_id"
            f" WHERE p.points > 0{VISIBLE}{staff}"
            " ORDER BY p.points DESC, p.member_id LIMIT ?",
            (
                community_id,
                (start or datetime.min).isoformat(),
                (end or datetime.max).isoformat(),
                limit,
            ),
        )
    return [Standing(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in await cur.fetchall()]


async def first_time_helpers(
    conn: aiosqlite.Connection, community_id: int, member_ids: list[int], start: datetime
) -> set[int]:
    """Which of these members had never earned helping points before `start` (🌱)."""
    new = set()
    for member_id in member_ids:
        cur = await conn.execute(
            "SELECT EXISTS (SELECT 1 FROM reputation_ledger INDEXED BY ledger_member"
            " WHERE community_id = ? AND member_id = ? AND created_at < ? AND delta > 0"
            f" AND {HELPING})",
            (community_id, member_id, start.isoformat()),
        )
        row = await cur.fetchone()
        if not (row and row[0]):
            new.add(member_id)
    return new


async def total(conn: aiosqlite.Connection, community_id: int, member_id: int) -> int:
    """A member's helping points of all time."""
    cur = await conn.execute(
        "SELECT total FROM helping_totals WHERE community_id = ? AND member_id = ?",
        (community_id, member_id),
    )
    row = await cur.fetchone()
    return int(row[0]) if row else 0
