"""The questions asked in a period, one row each with what the figures need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import aiosqlite

from bot.insights.model import QuestionRow
from bot.insights.stats import stamp
from bot.storage import insight_reads


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
    resolution: str | None  # kb, history, community, staff or asker when solved now
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
        for row in await insight_reads.asked_rows(conn, community_id, stamp(start), stamp(end))
    ]
