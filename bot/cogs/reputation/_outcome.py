"""What an award operation did, and the one way ledger rows are written for it.

Each operation (in _marks, _accepts, _removals) is one BEGIN IMMEDIATE transaction with its
checks; ledger rows are written before the bot says anything, and a replayed event finds the
mark (or the ledger key) already there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import aiosqlite

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


async def record(
    tx: aiosqlite.Connection,
    community_id: int,
    member_id: int,
    delta: int,
    kind: str,
    reason: str,
    at: datetime,
    event_id: str,
    question_id: int | None,
    answer_id: int | None,
    actor_id: int | None,
) -> None:
    await rep.record(
        tx,
        community_id=community_id,
        member_id=member_id,
        delta=delta,
        kind=kind,
        reason=reason,
        at=at,
        source_event_id=event_id,
        question_id=question_id,
        answer_id=answer_id,
        actor_id=actor_id,
    )
