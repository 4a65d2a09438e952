"""Helpful marks: give and take back, with the abuse checks (see _rules)."""

from __future__ import annotations

from datetime import timedelta

from bot.cogs.reputation import _rules
from bot.cogs.reputation._outcome import Outcome, Source
from bot.core.periods import day_start
from bot.core.unseen import Unseen
from bot.runtime.context import Context
from bot.settings import CommunityDefaults
from bot.storage import awards, questions
from bot.storage import reputation as rep
from bot.storage.store import Store


async def mark_helpful(
    db: Store, source: Source, config: CommunityDefaults, message_id: str
) -> Outcome:
    """A member (the source's actor) marks an answer helpful."""
    giver_id = source.actor_id
    assert giver_id is not None
    cid, at = source.community_id, source.at
    async with db.transaction() as tx:
        answer = await awards.answer_by_message(tx, cid, message_id)
        if answer is None:
            return Outcome("not_answer")
        if await awards.mark(tx, answer.id, giver_id) is not None:
            return Outcome("already", answer)
        receiver = answer.author_id
        today = day_start(at, config.timezone)
        recently = at - timedelta(minutes=config.back_and_forth_minutes)
        facts = _rules.MarkFacts(
            giver_id=giver_id,
            receiver_id=receiver,
            giver_since=await rep.member_since(tx, giver_id),
            at=at,
            given_today_to_receiver=(
                await rep.awards_given_since(tx, cid, giver_id, receiver, today) if receiver else 0
            ),
            receiver_awarded_giver_recently=bool(
                receiver
                and config.back_and_forth_minutes
                and await rep.awards_given_since(tx, cid, receiver, giver_id, recently)
            ),
            receiver_helpful_today=(
                await rep.helpful_earned_since(tx, cid, receiver, today) if receiver else 0
            ),
            shared=answer.shared,
        )
        points, refusal = _rules.helpful_points(facts, config)
        await awards.add_mark(tx, cid, answer, giver_id, points, refusal, at)
        if points and receiver is not None:
            await source.write(
                tx, receiver, points, "helpful", "mark", answer.question_id, answer.id
            )
    changed = (receiver,) if points and receiver is not None else ()
    return Outcome("marked", answer, points, refusal, receiver, changed)


async def unmark_helpful(db: Store, source: Source, message_id: str) -> Outcome:
    """A member takes a helpful mark back: exactly its points are reversed."""
    giver_id = source.actor_id
    assert giver_id is not None
    async with db.transaction() as tx:
        answer = await awards.answer_by_message(tx, source.community_id, message_id)
        if answer is None:
            return Outcome("not_answer")
        found = await awards.mark(tx, answer.id, giver_id)
        if found is None:
            return Outcome("not_marked", answer)
        await awards.remove_mark(tx, found.id)
        receiver = found.receiver_id
        if found.points and receiver is not None:
            await source.write(
                tx, receiver, -found.points, "helpful", "unmark", answer.question_id, answer.id
            )
    changed = (receiver,) if found.points and receiver is not None else ()
    return Outcome("unmarked", answer, -found.points, None, receiver, changed)


async def unless_known(ctx: Context, message_id: str) -> None:
    """A reaction on no answer: fine on a question or a deleted answer; on a message the bot
    has never seen it may be an answer still on its way (Unseen: not marked processed)."""
    async with ctx.services.db.read() as conn:
        if await awards.answer_by_message(conn, ctx.community_id, message_id, deleted=True):
            return
        if await questions.by_root_message(conn, ctx.community_id, message_id):
            return
    raise Unseen(message_id)
