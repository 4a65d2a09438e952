"""The questions asked in a period, one row each with what the figures need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import aiosqlite

from bot.insights.model import QuestionRow
from bot.insights.stats import stamp
from bot.storage.awards import HELPFUL_MARK

# One pass over the period's questions (index questions_created); every other table is
# reached by primary key or question_id, so the cost follows the period, not the history.
# Rows come back to Python because medians and local days (zoneinfo) aren't SQL aggregates.
# The first response is read from the answers themselves (deleted ones included: they were
# a response), never from questions.first_answer_at, so an answer stored out of order can't
# move it. Answers are replies by someone other than the asker, and the dispatcher drops
# bots' messages: every answer row is a response from another member.
_SQL = f"""
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


@dataclass
class Asked:
    """One question of the period as the figures see it (not frozen: a month builds ~8,000
    of them twice, and a frozen dataclass's __init__ is several times slower)."""

    number: int
    channel_id: str
    created: datetime
    first_answer: datetime | None  # the earliest answer, deleted or not
    first_by_staff: bool  # the earliest answer was by staff
    first_helpful: datetime | None  # posted time of the earliest answer helpful now
    resolution: str | None  # kb, community, staff or asker when solved now
    solved_at: datetime | None
    closed_at: datetime | None  # closed as answered (not solved)
    solved_by_accept: bool
    accepted_first: bool  # the accepted answer is the earliest answer
    escalated: datetime | None
    escalation_status: str | None
    claimed: datetime | None
    escalation_closed: datetime | None
    nudged: bool
    nudge_answered: bool

    @cached_property
    def outcome(self) -> str:
        """One of OUTCOMES: solved by whom, else closed, helped, unhelped or unanswered."""
        if self.resolution is not None:
            return self.resolution
        if self.closed_at is not None:
            return "closed"
        if self.first_helpful is not None:
            return "helped"
        return "unhelped" if self.first_answer is not None else "unanswered"

    @cached_property
    def wait(self) -> float | None:
        """Seconds to the first answer."""
        return _since(self.created, self.first_answer)

    @property
    def helpful_wait(self) -> float | None:
        """Seconds to the first answer that is helpful now."""
        return _since(self.created, self.first_helpful)

    @property
    def solution_wait(self) -> float | None:
        """Seconds to the solution, for a question solved now."""
        return _since(self.created, self.solved_at) if self.resolution is not None else None

    @property
    def staff_response(self) -> datetime | None:
        """When staff acted on the escalation: claimed, else resolved or returned unclaimed.
        An escalation that closed itself unclaimed (its question solved, closed or deleted
        first) had none: staff never had to act."""
        if self.claimed is not None or self.escalation_status == "closed":
            return self.claimed
        return self.escalation_closed

    def table_row(self) -> QuestionRow:
        """The row of the per-question table."""
        return QuestionRow(
            number=self.number,
            channel_id=self.channel_id,
            asked_at=self.created,
            first_response_at=self.first_answer,
            first_response_by_staff=self.first_by_staff,
            first_helpful_at=self.first_helpful,
            solved_at=self.solved_at if self.resolution is not None else None,
            closed_at=self.closed_at if self.resolution is None else None,
            outcome=self.outcome,
            escalated_at=self.escalated,
        )


def _since(start: datetime, moment: datetime | None) -> float | None:
    return None if moment is None else (moment - start).total_seconds()


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


async def fetch(
    conn: aiosqlite.Connection, community_id: int, start: datetime, end: datetime
) -> list[Asked]:
    """The counted questions asked in [start, end): not deleted, asker not a bot."""
    cur = await conn.execute(_SQL, (community_id, stamp(start), stamp(end)))
    cur.row_factory = None  # plain tuples: read by position, faster than sqlite3.Row
    return [
        Asked(
            number=int(row[0]),
            channel_id=str(row[1]),
            created=datetime.fromisoformat(row[2]),
            first_answer=_time(row[3]),
            first_by_staff=bool(row[4]),
            first_helpful=_time(row[5]),
            resolution=row[6],
            solved_at=_time(row[7]),
            closed_at=_time(row[8]),
            solved_by_accept=bool(row[9]),
            accepted_first=bool(row[10]),
            escalated=_time(row[11]),
            escalation_status=row[12],
            claimed=_time(row[13]),
            escalation_closed=_time(row[14]),
            nudged=bool(row[15]),
            nudge_answered=bool(row[16]),
        )
        for row in await cur.fetchall()
    ]
