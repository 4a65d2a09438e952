"""Closing the loop with askers, on durable timers like every other delay."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import aiosqlite

from bot.cogs._question_events import still_need_help, thread_of
from bot.cogs.escalation import card as escalation_card
from bot.core.cog import Cog, listen
from bot.core.events import AnswerMarkedHelpful, QuestionSolved, ReplyPosted
from bot.core.ports import DeliveryError
from bot.core.replies import Reply
from bot.runtime.context import Context
from bot.storage import awards, communities, questions
from bot.storage import timers as timer_rows
from bot.storage.timers import Timer

log = logging.getLogger(__name__)

REMIND, CLOSE = "accept_reminder", "close_inactive"


class FollowupCog(Cog):
    """One private reminder to accept; answered questions close after days of silence."""

    name = "followup"

    async def load(self) -> None:
        """Follow-up timers come here."""
        self.app.timers.handle(REMIND, self.remind)
        self.app.timers.handle(CLOSE, self.close)

    @listen(AnswerMarkedHelpful)
    async def on_helpful(self, ctx: Context, event: AnswerMarkedHelpful) -> None:
        """A helpful answer and no accept yet: remind the asker later, once per question."""
        hours = ctx.config.accept_reminder_hours
        key = f"question:{event.question_id}"
        async with ctx.app.db.transaction() as tx:
            if not hours or await timer_rows.ever_done(tx, ctx.community_id, REMIND, key):
                return
            if await awards.accepted(tx, event.question_id) is not None:
                return
            await ctx.app.timers.schedule(
                tx,
                ctx.community_id,
                REMIND,
                key,
                event.at + timedelta(hours=hours),
                {"question_id": event.question_id},
            )

    @listen(ReplyPosted)
    async def on_reply(self, ctx: Context, event: ReplyPosted) -> None:
        """Activity in an answered thread moves its closing time."""
        hours = ctx.config.close_inactive_hours
        async with ctx.app.db.transaction() as tx:
            question = await questions.by_thread(
                tx, ctx.community_id, event.conversation.thread_id or ""
            )
            if question is None or question.status == "solved":
                return
            await questions.update(tx, question.id, closed_at=None)  # talking again: reopen
            if not hours:
                return
            await ctx.app.timers.schedule(
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
        async with ctx.app.db.transaction() as tx:
            for kind in (REMIND, CLOSE):
                await ctx.app.timers.cancel(
                    tx, ctx.community_id, kind, f"question:{event.question_id}"
                )

    async def remind(self, timer: Timer) -> None:
        """Privately ask the asker to accept the answer that helped."""
        async with self.app.db.read() as conn:
            question = await questions.by_id(
                conn, timer.community_id, int(timer.payload["question_id"])
            )
            community = await communities.by_id(conn, timer.community_id)
            accepted = await awards.accepted(conn, question.id) if question else None
        if question is None or community is None or accepted is not None:
            return
        if question.status == "solved" or not question.asker_external_id:
            return
        config = await self.app.community_config(timer.community_id)
        text = self.app.messages.get(
            config.language, "followup.remind", member=question.asker_external_id, ref=question.ref
        )
        try:
            t = self.app.messages.translator(config.language)
            reply = Reply(text, buttons=(still_need_help(t, question.id),))
            await self.app.chat(community).send_dm(community, question.asker_external_id, reply)
        except DeliveryError as exc:  # closed DMs stay closed: retrying would only repeat it
            log.info("accept reminder for %s not delivered: %s", question.ref, exc)

    async def close(self, timer: Timer) -> None:
        """Answered and quiet for days: closed as answered (not counted as solved)."""
        now = self.app.clock.now()
        async with self.app.db.transaction() as tx:
            question = await questions.by_id(
                tx, timer.community_id, int(timer.payload["question_id"])
            )
            community = await communities.by_id(tx, timer.community_id)
            if question is None or community is None or question.status == "solved":
                return
            if question.first_answer_at is None:
                return  # no answer: escalation, not closing, is what it needs
            await questions.update(tx, question.id, closed_at=now.isoformat())
        # Closed as answered: a question still with staff is no longer theirs to answer.
        await escalation_card.close(self.app, timer.community_id, question.id, "closed", None, now)
        config = await self.app.community_config(timer.community_id)
        text = self.app.messages.get(
            config.language,
            "followup.closed",
            ref=question.ref,
            quiet=now - _quiet_since(timer, config.close_inactive_hours),
        )
        await self.app.chat(community).send(community, thread_of(question), Reply(text))

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """No table of its own, but pending accept reminders would DM the forgotten asker."""
        for question_id in await questions.ids_by_asker(tx, community_id, member_id):
            await self.app.timers.cancel(tx, community_id, REMIND, f"question:{question_id}")


def _quiet_since(timer: Timer, hours: int) -> datetime:
    """The thread's last activity: the true silence is said, even when the close runs late."""
    since = timer.payload.get("since")
    if since:
        return datetime.fromisoformat(str(since))
    # A timer scheduled before "since" was recorded: due at the last reply + the delay.
    return timer.due_at - timedelta(hours=hours)
