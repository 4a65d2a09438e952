"""Points for an earlier answer that solved a new question ("Asked before" suggestions):
facts in one transaction, the decision in _rules.reuse_points, then the ledger row."""

from __future__ import annotations

from bot.cogs.reputation import _ranks, _rules
from bot.cogs.reputation._outcome import Source
from bot.core.cog import listen
from bot.core.events import EarlierAnswerReused
from bot.core.periods import day_start
from bot.runtime.context import Context
from bot.settings import CommunityDefaults
from bot.storage import questions
from bot.storage import reputation as rep
from bot.storage.store import Store

KIND = "reused"


async def credit(
    db: Store, source: Source, config: CommunityDefaults, event: EarlierAnswerReused
) -> tuple[int, ...]:
    """Give the earlier answer's author `points_reused` (once per question, within the
    daily cap); returns whose totals moved."""
    receiver = event.receiver_id
    async with db.transaction() as tx:
        question = await questions.by_id(tx, source.community_id, event.question_id)
        if question is None or receiver is None:
            return ()
        held = await rep.reused_points(tx, source.community_id, event.question_id)
        facts = _rules.ReuseFacts(
            receiver_id=receiver,
            asker_id=question.asker_id,
            already_credited=bool(held),
            receiver_earned_today=await rep.helpful_earned_since(
                tx, source.community_id, receiver, day_start(source.at, config.timezone)
            ),
        )
        points = _rules.reuse_points(facts, config)
        if not points:
            return ()
        await source.write(
            tx, receiver, points, KIND, "history", event.question_id, event.answer_id
        )
    return (receiver,)


async def withdraw(db: Store, source: Source, question_id: int) -> tuple[int, ...]:
    """Take back exactly what an earlier answer earned for this question."""
    async with db.transaction() as tx:
        held = await rep.reused_points(tx, source.community_id, question_id)
        for member_id, points in held.items():
            await source.write(tx, member_id, -points, KIND, "withdrawn", question_id)
    return tuple(held)


class ReuseHandlers:
    """The reputation cog's part for reused answers (mixed into ReputationCog)."""

    @listen(EarlierAnswerReused)
    async def on_reused(self, ctx: Context, event: EarlierAnswerReused) -> None:
        """Credit (or take back) the earlier answer's author."""
        source = Source(ctx.community_id, ctx.event.event_id, ctx.event.at, ctx.member_id)
        if event.added:
            changed = await credit(ctx.services.db, source, ctx.config, event)
        else:
            changed = await withdraw(ctx.services.db, source, event.question_id)
        await _ranks.follow(ctx, changed)
