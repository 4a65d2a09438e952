"""Points that go away: a deleted answer's, and admins' corrections."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.reputation import _bounty
from bot.cogs.reputation._accepts import reverse_accept
from bot.cogs.reputation._outcome import Outcome, Source
from bot.storage import awards
from bot.storage.store import Store

if TYPE_CHECKING:
    from bot.scheduler.timers import Timers


async def answer_deleted(db: Store, source: Source, timers: Timers, message_id: str) -> Outcome:
    """A deleted answer gives back every point it earned (marks and accept); a bounty it
    held goes back to escrow."""
    changed: set[int] = set()
    async with db.transaction() as tx:
        answer = await awards.answer_by_message(tx, source.community_id, message_id, deleted=True)
        if answer is None:
            return Outcome("not_answer")
        for found in await awards.marks_on(tx, answer.id):
            await awards.remove_mark(tx, found.id)
            if found.points and found.receiver_id is not None:
                await source.write(
                    tx,
                    found.receiver_id,
                    -found.points,
                    "helpful",
                    "answer_deleted",
                    answer.question_id,
                    answer.id,
                    part=f":mark{found.id}",
                    actor_id=found.giver_id,
                )
                changed.add(found.receiver_id)
        current = await awards.accept_on(tx, answer.id)
        bounty = None
        if current is not None:
            changed.update(await reverse_accept(tx, source, current, "answer_deleted"))
            await awards.clear_accept(tx, current.question_id)
            bounty = await _bounty.follow(
                tx,
                source,
                timers,
                answer.question_id,
                answer.question_number,
                None,
                "answer_deleted",
            )
            changed.update(_bounty.members(bounty))
    return Outcome("reversed", answer, changed=tuple(sorted(changed)), bounty=bounty)


async def adjust(db: Store, source: Source, member_id: int, amount: int, note: str) -> Outcome:
    """An admin's correction, recorded with the admin as actor."""
    async with db.transaction() as tx:
        written = await source.write(tx, member_id, amount, "adjust", "adjust", note=note)
    return Outcome("adjusted" if written else "already", points=amount, changed=(member_id,))
