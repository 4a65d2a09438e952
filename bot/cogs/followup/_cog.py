"""Closing the loop with askers, on durable timers like every other delay."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from bot.cogs._question_events import still_need_help, thread_of
from bot.cogs.escalation import card as escalation_card
from bot.core.cog import Cog, listen, on_timer
from bot.core.events import AnswerMarkedHelpful, ArticleShared, QuestionSolved, ReplyPosted
from bot.core.replies import Reply
from bot.runtime.context import CommunityContext, Context
from bot.storage import awards, questions
from bot.storage import timers as timer_rows
from bot.storage.timers import Timer

REMIND, CLOSE = "accept_reminder", "close_inactive"


class FollowupCog(Cog):
    """One private reminder to accept; answered questions close after days of silence."""

    name = "followup"

    @listen(AnswerMarkedHelpful)
    async def on_helpful(self, ctx: Context, event: AnswerMarkedHelpful) -> None:
        """A helpful answer and no accept yet: remind the asker later, once per question."""
        hours = ctx.config.accept_reminder_hours
        key = f"question:{event.question_id}"
        async with ctx.services.db.transaction() as tx:
            if not hours or await timer_rows.ever_done(tx, ctx.community_id, REMIND, key):
                return
            if await awards.accepted(tx, event.question_id) is not None:
                return
            await ctx.services.timers.schedule(
                tx,
                ctx.community_id,
                REMIND,
                key,
                event.at + timedelta(hours=hours),
                {"question_id": event.question_id},
            )

    @listen(ReplyPosted, ArticleShared)
    async def on_reply(self, ctx: Context, event: ReplyPosted) -> None:
        """Activity in an answered thread moves its closing time."""
        hours = ctx.config.close_inactive_hours
        async with ctx.services.db.transaction() as tx:
            question = await questions.by_thread(
                tx, ctx.community_id, event.conversation.thread_id or ""
            )
            if question is None or question.status == "solved":
                return
            await questions.update(tx, question.id, closed_at=None)  # talking again: reopen
            if not hours:
                return
            await ctx.services.timers.schedule(
                tx,
                ctx.community_id,
                CLOSE,
                f"question:{question.id}",
                event.at + timedelta(hours=hours),
                {"question_id": question.id, "since": event.at.isoformat()},
            )

    @listen(QuestionSolved)
    async def on_solved(self, ctx: Context, event: QuestionSolved) -> None:
        """Solved: nothing left to follow up."""
        async with ctx.services.db.transaction() as tx:
            for kind in (REMIND, CLOSE):
                await ctx.services.timers.cancel(
                    tx, ctx.community_id, kind, f"question:{event.question_id}"
                )

    @on_timer(REMIND)
    async def remind(self, ctx: CommunityContext, timer: Timer) -> None:
        """Privately ask the asker to accept the answer that helped."""
        async with ctx.services.db.read() as conn:
            question = await questions.by_id(
                conn, ctx.community_id, int(timer.payload["question_id"])
            )
            accepted = await awards.accepted(conn, question.id) if question else None
        if question is None or accepted is not None:
            return
        if question.status == "solved" or not question.asker_external_id:
            return
        text = ctx.t("followup.remind", member=question.asker_external_id, ref=question.ref)
        reply = Reply(text, buttons=(still_need_help(ctx.translator, question.id),))
        # Closed DMs stay closed: retrying would only repeat it (ctx.dm logs it).
        await ctx.dm(question.asker_external_id, reply)

    @on_timer(CLOSE)
    async def close(self, ctx: CommunityContext, timer: Timer) -> None:
        """Answered and quiet for days: closed as answered (not counted as solved)."""
        now = ctx.services.clock.now()
        async with ctx.services.db.transaction() as tx:
            question = await questions.by_id(
                tx, ctx.community_id, int(timer.payload["question_id"])
            )
            if question is None or question.status == "solved":
                return
            if question.first_answer_at is None:
                return  # no answer: escalation, not closing, is what it needs
            await questions.update(tx, question.id, closed_at=now.isoformat())
        # Closed as answered: a question still with staff is no longer theirs to answer.
        await escalation_card.close(
            ctx.services, ctx.community_id, question.id, "closed", None, now
        )
        quiet = now - _quiet_since(timer, ctx.config.close_inactive_hours)
        await ctx.send(
            thread_of(question), Reply(ctx.t("followup.closed", ref=question.ref, quiet=quiet))
        )

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """No table of its own, but pending accept reminders would DM the forgotten asker."""
        for question_id in await questions.ids_by_asker(tx, community_id, member_id):
            await self.services.timers.cancel(tx, community_id, REMIND, f"question:{question_id}")


def _quiet_since(timer: Timer, hours: int) -> datetime:
    """The thread's last activity: the true silence is said, even when the close runs late."""
    since = timer.payload.get("since")
    if since:
        return datetime.fromisoformat(str(since))
    # A timer scheduled before "since" was recorded: due at the last reply + the delay.
    return timer.due_at - timedelta(hours=hours)
