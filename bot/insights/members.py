"""Member figures of a period: active members, new helpers, superfans, influencers and the
top helpers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

import aiosqlite

from bot.insights.model import MemberFigure
from bot.insights.stats import rate, stamp
from bot.storage.awards import HELPFUL_ANSWER, HELPFUL_MARK
from bot.storage.helping import top_helpers

TOP_HELPERS = 10

_ACTIVE = """
SELECT COUNT(*) FROM (
  SELECT asker_id AS who FROM questions
   WHERE community_id = :c AND created_at >= :s AND created_at < :e
  UNION SELECT author_id FROM answers
   WHERE community_id = :c AND created_at >= :s AND created_at < :e
  UNION SELECT giver_id FROM helpful_marks
   WHERE community_id = :c AND marked_at >= :s AND marked_at < :e
) JOIN members m ON m.id = who WHERE m.is_bot = 0
"""
# Candidates: helped in the period; kept when nothing of theirs was helpful before it. The
# cheap mark check comes first: most candidates fail it and skip the accept check.
_NEW_HELPERS = f"""
SELECT COUNT(*) FROM (
  SELECT h.receiver_id AS who FROM helpful_marks h
   WHERE h.community_id = :c AND h.marked_at >= :s AND h.marked_at < :e AND {HELPFUL_MARK}
  UNION SELECT a.author_id FROM accepted_answers x JOIN answers a ON a.id = x.answer_id
   WHERE x.community_id = :c AND x.accepted_at >= :s AND x.accepted_at < :e
) JOIN members m ON m.id = who
WHERE m.is_bot = 0
  AND NOT EXISTS (SELECT 1 FROM helpful_marks h WHERE h.community_id = :c
                   AND h.receiver_id = who AND h.marked_at < :s AND {HELPFUL_MARK})
  AND NOT EXISTS (SELECT 1 FROM answers a JOIN accepted_answers x ON x.answer_id = a.id
                   WHERE a.author_id = who AND x.accepted_at < :s)
"""
# Live answers written in the period, per author, with how many are helpful now.
_TALLIES = f"""
SELECT t.author_id, COALESCE(m.display_name, ''), t.answers, t.helpful,
       COALESCE(r.total, 0), COALESCE(m.is_staff, 0)
FROM (SELECT a.author_id, COUNT(*) AS answers, SUM({HELPFUL_ANSWER}) AS helpful
        FROM answers a
       WHERE a.community_id = :c AND a.created_at >= :s AND a.created_at < :e
         AND a.deleted_at IS NULL
       GROUP BY a.author_id) t
LEFT JOIN members m ON m.id = t.author_id
LEFT JOIN helping_totals r ON r.community_id = :c AND r.member_id = t.author_id
WHERE COALESCE(m.is_bot, 0) = 0
"""
_POOL = "SELECT COUNT(*) FROM members WHERE community_id = ? AND is_bot = 0 AND is_staff = 0"
_TOP = """
SELECT r.member_id, m.display_name, r.total FROM helping_totals r
JOIN members m ON m.id = r.member_id
WHERE r.community_id = ? AND r.total > 0 AND m.is_bot = 0 AND m.is_staff = 0
ORDER BY r.total DESC, r.member_id LIMIT ?
"""


@dataclass(frozen=True)
class People:
    """The member figures of Insights."""

    active: int = 0
    new_helpers: int = 0
    superfans: list[MemberFigure] = field(default_factory=list)
    superfan_share: float | None = None
    influencers: list[MemberFigure] = field(default_factory=list)
    helpers: list[MemberFigure] = field(default_factory=list)


async def _count(
    conn: aiosqlite.Connection, sql: str, params: tuple[object, ...] | dict[str, object]
) -> int:
    cur = await conn.execute(sql, params)
    row = await cur.fetchone()
    return int(row[0]) if row else 0


def influencers(answerers: list[MemberFigure]) -> list[MemberFigure]:
    """Top quartile by answers and by helpful answers (nearest rank: at least the count of
    the ⌈n/4⌉-th best), with at least 3 answers and 1 helpful; most helpful first."""
    if not answerers:
        return []
    rank = math.ceil(len(answerers) / 4) - 1
    by_answers = sorted((f.answers for f in answerers), reverse=True)[rank]
    by_helpful = sorted((f.helpful_answers for f in answerers), reverse=True)[rank]
    chosen = [
        f
        for f in answerers
        if f.answers >= max(3, by_answers) and f.helpful_answers >= max(1, by_helpful)
    ]
    return sorted(chosen, key=lambda f: (-f.helpful_answers, -f.answers, f.member_id))


async def compute(
    conn: aiosqlite.Connection,
    community_id: int,
    start: datetime,
    end: datetime,
    *,
    rankings: bool = True,
) -> People:
    """The member figures of [start, end); without `rankings`, the figures alone (no
    influencers, no top helpers: what the previous period needs)."""
    span = {"c": community_id, "s": stamp(start), "e": stamp(end)}
    cur = await conn.execute(_TALLIES, span)
    tallies = list(await cur.fetchall())
    helpful_total = sum(int(row[3]) for row in tallies)
    # Staff answer as their job: superfans and influencers are community members.
    answerers = {
        int(row[0]): MemberFigure(int(row[0]), str(row[1]), int(row[2]), int(row[3]), int(row[4]))
        for row in tallies
        if row[0] is not None and not row[5]
    }
    pool = await _count(conn, _POOL, (community_id,))
    cur = await conn.execute(_TOP, (community_id, max(1, math.ceil(pool / 100))))
    superfans = [
        answerers.get(int(row[0]), MemberFigure(int(row[0]), str(row[1]), 0, 0, int(row[2])))
        for row in await cur.fetchall()
    ]
    helpers = []
    if rankings:
        for h in await top_helpers(conn, community_id, start=start, end=end, limit=TOP_HELPERS):
            known = answerers.get(h.member_id)
            answers, helpful = (known.answers, known.helpful_answers) if known else (0, 0)
            helpers.append(MemberFigure(h.member_id, h.name, answers, helpful, h.points))
    return People(
        active=await _count(conn, _ACTIVE, span),
        new_helpers=await _count(conn, _NEW_HELPERS, span),
        superfans=superfans,
        superfan_share=rate(sum(f.helpful_answers for f in superfans), helpful_total),
        influencers=influencers(list(answerers.values())) if rankings else [],
        helpers=helpers,
    )
