"""After a member's second answer marked helpful, invite them (privately) to another one."""

from __future__ import annotations

import logging

import aiosqlite

from bot.cogs.onboarding import _logic
from bot.core.cog import Cog, listen
from bot.core.events import AnswerMarkedHelpful
from bot.core.limits import excerpt
from bot.core.replies import Reply
from bot.runtime.context import Context
from bot.storage import onboarding
from bot.storage import reputation as rep

log = logging.getLogger(__name__)

INVITE_AFTER = 2  # answers marked helpful
CANDIDATES = 50  # most recent open questions considered


class OnboardingCog(Cog):
    """Invites new helpers to an open question close to what they already answered."""

    name = "onboarding"
    member_tables = ("onboarding_invites",)

    @listen(AnswerMarkedHelpful)
    async def on_helpful(self, ctx: Context, event: AnswerMarkedHelpful) -> None:
        """Once per member: the second helpful answer brings one invitation."""
        if not ctx.config.onboarding_invites:
            return
        member_id = event.receiver_id
        async with ctx.services.db.read() as conn:
            answers = await rep.helpful_answers_of(conn, ctx.community_id, member_id, INVITE_AFTER)
            if answers < INVITE_AFTER:
                return
            if await onboarding.invited(conn, ctx.community_id, member_id):
                return
            helped = await rep.helped_questions(conn, ctx.community_id, member_id, 10)
            open_questions = await onboarding.open_for(
                conn, ctx.community_id, member_id, CANDIDATES
            )
        texts = [q.text for q in open_questions]
        vectors = await ctx.services.knowledge.embed_many([*helped, *texts]) if texts else None
        chosen = _logic.best_match(helped, texts, vectors, ctx.language)
        if chosen is None:
            return  # nothing close enough: try again at their next helpful answer
        question = open_questions[chosen]
        async with ctx.services.db.transaction() as tx:
            if not await onboarding.record_invite(
                tx, ctx.community_id, member_id, question.id, event.at
            ):
                return
        invite = ctx.t(
            "onboarding.invite",
            member=event.receiver,
            ref=f"Q{question.number}",
            text=_excerpt(question.text),
        )
        chat = ctx.chat
        await chat.send_dm(ctx.event.community, event.receiver, Reply(invite))

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """The invitation row stays, without its question: it holds no text, and it stops a
        second invitation to an anonymous row nobody can receive."""
        await onboarding.drop_question(tx, community_id, member_id)


def _excerpt(text: str, limit: int = 140) -> str:
    return excerpt(" ".join(text.split()), limit)
