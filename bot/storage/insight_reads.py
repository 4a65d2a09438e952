"""The reads behind Insights: a period's questions and its member figures (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import aiosqlite

from bot.storage.awards import HELPFUL_ANSWER, HELPFUL_MARK

# One pass over the period's questions (index questions_created); every other table is
# reached by primary key or question_id, so the cost follows the period, not the history.
# Rows come back to Python because medians and local days (zoneinfo) aren't SQL aggregates.
# The first response is read from the answers themselves (deleted ones included: they were
# a response), never from questions.first_answer_at, so an answer stored out of order can't
# move it. Answers are replies by someone other than the asker, and the dispatcher drops
# bots' messages: every answer row is a response from another member.
_ASKED = f"""
SELECT q.number, q.channel_id, q.created_at, fa.created_at, fa.by_staff,
       (SELECT MIN(a.created_at) FROM answers a
         WHERE a.question_id = q.id
           AND (a.id = acc.answer_id OR EXISTS (SELECT 1 FROM helpful_marks h
                                                 WHERE h.answer_id = a.id AND {HELPFUL_MARK}))),
       CASE WHEN q.status = 'solved' THEN q.resolution END, q.solved_at, q.closed_at,
       q.status = 'solved' AND acc.answer_id IS NOT NULL,
       acc.answer_id IS NOT NULL AND acc.answer_id = fa.id,
       e.created_at, e.status, e.claimed_at, e.closed_at,
       EXISTS (SELECT 1 FROM nudges n WHERE n.question_id = q.id),
       EXISTS (SELECT 1 FROM nudges n JOIN answers a
                 ON a.question_id = n.question_id AND a.author_id = n.member_id
                AND a.created_at >= n.sent_at
               WHERE n.question_id = q.id)
FROM questions q
LEFT JOIN members m ON m.id = q.asker_id
LEFT JOIN answers fa ON fa.id = (SELECT a.id FROM answers a WHERE a.question_id = q.id
                                 ORDER BY a.created_at, a.id LIMIT 1)
LEFT JOIN accepted_answers acc ON acc.question_id = q.id
LEFT JOIN escalations e ON e.question_id = q.id
WHERE q.community_id = ? AND q.created_at >= ? AND q.created_at < ?
  AND q.deleted_at IS NULL AND COALESCE(m.is_bot, 0) = 0
"""


_ACTIVE = """
SELECT COUNT(*) FROM (
  SELECT asker_id AS who FROM questions
   WHERE community_id = :c AND created_at >= :s AND created_at < :e
  UNION SELECT author_id FROM answers
   WHERE community_id = :c AND created_at >= :s AND created_at < :e
  UNION SELECT giver_id FROM helpful_marks
   WHERE community_id = :c AND marked_at >= :s AND marked_at < :e
) AS active JOIN members m ON m.id = who WHERE m.is_bot = 0
"""
# Candidates: helped in the period; kept when nothing of theirs was helpful before it. The
# cheap mark check comes first: most candidates fail it and skip the accept check.
_NEW_HELPERS = f"""
SELECT COUNT(*) FROM (
  SELECT h.receiver_id AS who FROM helpful_marks h
   WHERE h.community_id = :c AND h.marked_at >= :s AND h.marked_at < :e AND {HELPFUL_MARK}
  UNION SELECT a.author_id FROM accepted_answers x JOIN answers a ON a.id = x.answer_id
   WHERE x.community_id = :c AND x.accepted_at >= :s AND x.accepted_at < :e
) AS helped JOIN members m ON m.id = who
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
FROM (SELECT a.author_id, COUNT(*) AS answers,
             SUM(CASE WHEN {HELPFUL_ANSWER} THEN 1 ELSE 0 END) AS helpful
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
class AnswerTally:
    """One author's live answers of a period, how many are helpful now, and their points."""

    author_id: int | None
    name: str
    answers: int
    helpful: int
    points: int
    is_staff: bool


@dataclass(frozen=True)
class Standing:
    """A member's all-time helping total."""

    member_id: int
    name: str
    total: int


async def _count(
    conn: aiosqlite.Connection, sql: str, params: tuple[object, ...] | dict[str, object]
) -> int:
    cur = await conn.execute(sql, params)
    row = await cur.fetchone()
    return int(row[0]) if row else 0


async def asked_rows(
    conn: aiosqlite.Connection, community_id: int, start: str, end: str
) -> list[tuple[Any, ...]]:
    """The counted questions asked in [start, end) (stamps), as plain tuples in _ASKED order."""
    cur = await conn.execute(_ASKED, (community_id, start, end))
    cur.row_factory = None  # plain tuples: read by position, faster than sqlite3.Row
    return cast(list[tuple[Any, ...]], list(await cur.fetchall()))


async def answer_tallies(
    conn: aiosqlite.Connection, community_id: int, start: str, end: str
) -> list[AnswerTally]:
    """Per author (bots aside), the live answers written in [start, end) (stamps)."""
    cur = await conn.execute(_TALLIES, {"c": community_id, "s": start, "e": end})
    return [
        AnswerTally(
            None if row[0] is None else int(row[0]),
            str(row[1]),
            int(row[2]),
            int(row[3]),
            int(row[4]),
            bool(row[5]),
        )
        for row in await cur.fetchall()
    ]


async def member_pool(conn: aiosqlite.Connection, community_id: int) -> int:
    """How many members are neither bots nor staff."""
    return await _count(conn, _POOL, (community_id,))


async def top_standings(
    conn: aiosqlite.Connection, community_id: int, limit: int
) -> list[Standing]:
    """The highest all-time helping totals of members (not bots, not staff), best first."""
    cur = await conn.execute(_TOP, (community_id, limit))
    return [Standing(int(r[0]), str(r[1]), int(r[2])) for r in await cur.fetchall()]


async def active_members(
    conn: aiosqlite.Connection, community_id: int, start: str, end: str
) -> int:
    """Members (not bots) who asked, answered or marked in [start, end) (stamps)."""
    return await _count(conn, _ACTIVE, {"c": community_id, "s": start, "e": end})


async def new_helpers(conn: aiosqlite.Connection, community_id: int, start: str, end: str) -> int:
    """Members first found helpful in [start, end) (stamps)."""
    return await _count(conn, _NEW_HELPERS, {"c": community_id, "s": start, "e": end})
