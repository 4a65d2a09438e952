"""Points earned by helping in a period (helpful marks, accepts, bounties won), per member.

Note for the lead (issue 13): the leaderboard is moving to the same rule (part 6) in
standings / period_tallies; once it has a period ranking of helping points, the insights'
top helpers should call it and this module can go. Until then this is the one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

# Helping: helpful marks and accepts (and their reversals), bounties won (and taken back).
# Not the asker's accept bonus, admin adjustments, nor a sponsor's escrow or refund.
HELPING = (
    "(l.kind IN ('helpful', 'accepted')"
    " OR (l.kind = 'bounty' AND l.reason NOT IN ('escrow', 'refund')))"
)


@dataclass(frozen=True)
class Helper:
    """A member and the points they earned helping in the period."""

    member_id: int
    name: str
    points: int


async def top_helpers(
    conn: aiosqlite.Connection,
    community_id: int,
    start: datetime,
    end: datetime,
    *,
    limit: int,
) -> list[Helper]:
    """The best `limit` community members (not staff, not bots) by points earned helping in
    [start, end); ties by member id. Times are stored ISO text: bounds use isoformat()."""
    cur = await conn.execute(
        # Summed first, members joined after: one lookup a member, not one a ledger row.
        "SELECT p.member_id, m.display_name, p.points FROM ("
        " SELECT l.member_id, SUM(l.delta) AS points"
        " FROM reputation_ledger l INDEXED BY ledger_period"
        f" WHERE l.community_id = ? AND l.created_at >= ? AND l.created_at < ? AND {HELPING}"
        " GROUP BY l.member_id) p JOIN members m ON m.id = p.member_id"
        " WHERE p.points > 0 AND m.is_bot = 0 AND m.is_staff = 0"
        " ORDER BY p.points DESC, p.member_id LIMIT ?",
        (community_id, start.isoformat(), end.isoformat(), limit),
    )
    return [Helper(int(r[0]), str(r[1]), int(r[2])) for r in await cur.fetchall()]
