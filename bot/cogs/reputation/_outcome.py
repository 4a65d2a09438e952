"""What an award operation did, and where its ledger rows come from.

Each operation (in _marks, _accepts, _removals, with _bounty's moves) is one BEGIN IMMEDIATE
transaction with its checks; ledger rows are written before the bot says anything, and a
replayed event finds the mark (or the ledger key) already there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import aiosqlite

from bot.cogs.reputation._rules import BountyMove
from bot.storage import reputation as rep
from bot.storage.awards import AnswerRef


@dataclass(frozen=True)
class Outcome:
    """What an award operation did: status, points, and whose totals moved."""

    status: str
    answer: AnswerRef | None = None
    points: int = 0
    refusal: str | None = None
    receiver_id: int | None = None
    changed: tuple[int, ...] = field(default_factory=tuple)
    bounty: BountyMove | None = None  # the question's bounty changed hands


@dataclass(frozen=True)
class Source:
    """The platform event behind an operation: every ledger row it writes carries it."""

    community_id: int
    event_id: str
    at: datetime
    actor_id: int | None

    async def write(
        self,
        tx: aiosqlite.Connection,
        member_id: int,
        delta: int,
        kind: str,
        reason: str,
        question_id: int | None = None,
        answer_id: int | None = None,
        *,
        part: str = "",
        actor_id: int | None = None,
        note: str = "",
    ) -> bool:
        """One ledger row; `part` tells apart several rows of one event for one member."""
        return await rep.record(
            tx,
            community_id=self.community_id,
            member_id=member_id,
            delta=delta,
            kind=kind,
            reason=reason,
            at=self.at,
            source_event_id=self.event_id + part,
            question_id=question_id,
            answer_id=answer_id,
            actor_id=self.actor_id if actor_id is None else actor_id,
            note=note,
        )
