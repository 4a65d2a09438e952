"""The questions asked in a period, one row each with what the figures need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.insights.stats import stamp

# One pass over the period's questions (index questions_created); every other table is
# reached by primary key or question_id, so the cost follows the period, not the history.
# Rows come back to Python because medians and local days (zoneinfo) aren't SQL aggregates.
_SQL = """
SELECT q.created_at, q.first_answer_at, fa.by_staff,
       CASE WHEN q.status = 'solved' AND q.resolution IS NOT NULL
            THEN q.resolution ELSE 'unsolved' END,
       q.status = 'solved' AND acc.answer_id IS NOT NULL,
       acc.answer_id IS NOT NULL AND acc.answer_id = fa.id,
       e.created_at, COALESCE(e.claimed_at, e.closed_at),
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


@dataclass(frozen=True)
class Asked:
    """One question of the period as the figures see it."""

    created: datetime
    first_answer: datetime | None
    first_by_staff: bool  # the earliest answer was by staff
    outcome: str  # one of OUTCOMES
    solved_by_accept: bool
    accepted_first: bool  # the accepted answer is the earliest answer
    escalated: datetime | None
    staff_response: datetime | None  # claimed, else resolved or returned without a claim
    nudged: bool
    nudge_answered: bool

    @property
    def wait(self) -> float | None:
        """Seconds to the first answer."""
        if self.first_answer is None:
            return None
        return (self.first_answer - self.created).total_seconds()


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


async def fetch(
    conn: aiosqlite.Connection, community_id: int, start: datetime, end: datetime
) -> list[Asked]:
    """The counted questions asked in [start, end): not deleted, asker not a bot."""
    cur = await conn.execute(_SQL, (community_id, stamp(start), stamp(end)))
    return [
        Asked(
            created=datetime.fromisoformat(row[0]),
            first_answer=_time(row[1]),
            first_by_staff=bool(row[2]),
            outcome=str(row[3]),
            solved_by_accept=bool(row[4]),
            accepted_first=bool(row[5]),
            escalated=_time(row[6]),
            staff_response=_time(row[7]),
            nudged=bool(row[8]),
            nudge_answered=bool(row[9]),
        )
        for row in await cur.fetchall()
    ]
