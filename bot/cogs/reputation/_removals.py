"""Points that go away: a deleted answer's, and admins' corrections."""

from __future__ import annotations

from datetime import datetime

from bot.cogs.reputation._accepts import reverse_accept
from bot.cogs.reputation._outcome import Outcome, record
from bot.storage import awards
from bot.storage import reputation as rep
from bot.storage.db import Database


async def answer_deleted(
    db: Database, community_id: int, message_id: str, event_id: str, at: datetime
) -> Outcome:
    """A deleted answer gives back every point it earned (marks and accept)."""
    changed: set[int] = set()
    async with db.transaction() as tx:
        answer = await awards.answer_by_message(tx, community_id, message_id, deleted=True)
        if answer is None:
            return Outcome("not_answer")
        for found in await awards.marks_on(tx, answer.id):
            await awards.remove_mark(tx, found.id)
            if found.points and found.receiver_id is not None:
                await record(
                    tx,
                    community_id,
                    found.receiver_id,
                    -found.points,
                    "helpful",
                    "answer_deleted",
                    at,
                    f"{event_id}:mark{found.id}",
                    answer.question_id,
                    answer.id,
                    found.giver_id,
                )
                changed.add(found.receiver_id)
        current = await awards.accept_on(tx, answer.id)
        if current is not None:
            reversed_for = await reverse_accept(
                tx, community_id, current, "answer_deleted", event_id, at, None
            )
            changed.update(reversed_for)
            await awards.clear_accept(tx, current.question_id)
    return Outcome("reversed", answer, changed=tuple(sorted(changed)))


async def adjust(
    db: Database,
    community_id: int,
    member_id: int,
    amount: int,
    note: str,
    admin_id: int,
    event_id: str,
    at: datetime,
) -> Outcome:
    """An admin's correction, recorded with the admin as actor."""
    async with db.transaction() as tx:
        written = await rep.record(
            tx,
            community_id=community_id,
            member_id=member_id,
            delta=amount,
            kind="adjust",
            reason="adjust",
            at=at,
            source_event_id=event_id,
            actor_id=admin_id,
            note=note,
        )
    return Outcome("adjusted" if written else "already", points=amount, changed=(member_id,))
