"""Handlers: SLA timer or sensitive words → staff card; Claim / Resolve / Return; re-pings."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import aiosqlite

from bot.cogs._question_events import announce_solved, thread_of
from bot.cogs.escalation import _logic, _render
from bot.context import Context
from bot.core.cog import Cog, listen, on_button
from bot.core.commands import command
from bot.core.events import ButtonPressed, QuestionOpened, QuestionSolved
from bot.core.identity import Conversation
from bot.core.replies import Reply
from bot.storage import anonymise, communities, escalations, questions
from bot.storage import reputation as rep
from bot.storage.timers import Timer

log = logging.getLogger(__name__)

DUE, REPING = "escalate", "escalation_reping"


class EscalationCog(Cog):
    """Brings staff in when the community can't answer in time, or shouldn't."""

    name = "escalation"
    member_tables = ("escalations",)

    async def load(self) -> None:
        """Escalation timers come here."""
        self.app.timers.handle(DUE, self.on_due)
        self.app.timers.handle(REPING, self.on_reping)

    @listen(QuestionOpened)
    async def on_question(self, ctx: Context, event: QuestionOpened) -> None:
        """Sensitive words: to staff now. Otherwise, to staff if unsolved after the SLA."""
        if _logic.sensitive(event.text, ctx.config.sensitive_keywords, ctx.language):
            await self.escalate(ctx.community_id, event.question_id, "sensitive", event.at)
            return
        async with ctx.app.db.transaction() as tx:
            await ctx.app.timers.schedule(
                tx,
                ctx.community_id,
                DUE,
                f"question:{event.question_id}",
                event.at + timedelta(minutes=ctx.config.sla_minutes),
                {"question_id": event.question_id},
            )

    @listen(QuestionSolved)
    async def on_solved(self, ctx: Context, event: QuestionSolved) -> None:
        """Solved before the SLA: nothing to escalate."""
        async with ctx.app.db.transaction() as tx:
            await ctx.app.timers.cancel(tx, ctx.community_id, DUE, f"question:{event.question_id}")

    async def on_due(self, timer: Timer) -> None:
        """The SLA passed."""
        question_id = int(timer.payload["question_id"])
        await self.escalate(timer.community_id, question_id, "sla", self.app.clock.now())

    async def escalate(
        self, community_id: int, question_id: int, reason: str, at: datetime
    ) -> None:
        """Record once, then post the public line and the staff card (each step resumable)."""
        app = self.app
        config = await app.community_config(community_id)
        async with app.db.transaction() as tx:
            question = await questions.by_id(tx, community_id, question_id)
            if question is None or question.status == "solved" or not question.thread_id:
                return
            last = await escalations.last_assignee(tx, community_id)
            assignee = _logic.next_on_duty(config.on_duty, last)
            if await escalations.open_once(tx, community_id, question.id, reason, assignee, at):
                await questions.change_status(tx, question, "escalated", at, None)
                if assignee:
                    await app.timers.schedule(
                        tx,
                        community_id,
                        REPING,
                        f"question:{question.id}",
                        at + timedelta(minutes=config.reping_minutes),
                        {"question_id": question.id},
                    )
            record = await escalations.of(tx, question.id)
            asker = question.asker_id
            asked = await questions.count_by_asker(tx, community_id, asker) if asker else 0
            points = await rep.total(tx, community_id, asker) if asker else 0
            community = await communities.by_id(tx, community_id)
        if record is None or community is None:
            return
        chat = app.chat(community)

        t = app.messages.translator(config.language)
        if record.notice_id is None:
            notice = await chat.send(
                community, thread_of(question), Reply(t("escalation.public_notice"))
            )
            async with app.db.transaction() as tx:
                await escalations.update(tx, question.id, notice_id=notice)
        if record.staff_message_id is None:
            hits = [
                h.article.title
                for h in await app.knowledge.search(question.text, config.language, limit=3)
            ]
            waited = int((at - datetime.fromisoformat(question.created_at)).total_seconds() // 60)
            reply = _render.card(t, question, reason, asked, points, hits, waited, record.assignee)
            message_id = await chat.send(community, Conversation(config.staff_channel), reply)
            async with app.db.transaction() as tx:
                await escalations.update(tx, question.id, staff_message_id=message_id)

    async def on_reping(self, timer: Timer) -> None:
        """Still unclaimed: ping the assignee again in the staff channel."""
        community_id = timer.community_id
        config = await self.app.community_config(community_id)
        async with self.app.db.read() as conn:
            record = await escalations.of(conn, int(timer.payload["question_id"]))
            community = await communities.by_id(conn, community_id)
        if record is None or community is None or record.status != "open" or not record.assignee:
            return
        text = self.app.messages.get(
            config.language, "escalation.reping", member=record.assignee, ref=f"Q{record.number}"
        )
        reply = Reply(text, mentions=(record.assignee,))
        await self.app.chat(community).send(community, Conversation(config.staff_channel), reply)

    @on_button(_render.CLAIM)
    async def claim(self, ctx: Context, event: ButtonPressed) -> None:
        """A staff member takes it; the thread learns who is on it."""
        question = await self._staff_action(ctx, event, "claimed")
        if question is not None:
            text = ctx.t("escalation.claimed", member=ctx.event.author.id, ref=question.ref)
            await ctx.send(thread_of(question), Reply(text))
            await ctx.tell("escalation.claimed_private", ref=question.ref)

    @on_button(_render.RESOLVE)
    async def resolve(self, ctx: Context, event: ButtonPressed) -> None:
        """Solved by staff."""
        question = await self._staff_action(ctx, event, "resolved")
        if question is None:
            return
        text = ctx.t("escalation.resolved", member=ctx.event.author.id, ref=question.ref)
        await ctx.send(thread_of(question), Reply(text))
        await announce_solved(ctx, question, "staff")

    @on_button(_render.RETURN)
    async def give_back(self, ctx: Context, event: ButtonPressed) -> None:
        """Back to the community: the question is open again."""
        question = await self._staff_action(ctx, event, "returned")
        if question is None:
            return
        await ctx.send(thread_of(question), Reply(ctx.t("escalation.returned", ref=question.ref)))

    async def _staff_action(
        self, ctx: Context, event: ButtonPressed, status: str
    ) -> questions.Question | None:
        if not ctx.event.author.is_moderator:
            await ctx.tell("escalation.staff_only")
            return None
        async with ctx.app.db.transaction() as tx:
            question = await questions.by_id(tx, ctx.community_id, int(event.value or 0))
            record = await escalations.of(tx, question.id) if question else None
            if question is None or record is None:
                await ctx.tell("error.button_expired")
                return None
            if record.status in ("resolved", "returned"):
                await ctx.tell("escalation.already_closed", ref=question.ref)
                return None
            fields: dict[str, object] = {"status": status}
            if status == "claimed":
                fields.update(claimed_by=ctx.member_id, claimed_at=ctx.event.at.isoformat())
            else:
                fields["closed_at"] = ctx.event.at.isoformat()
            await escalations.update(tx, question.id, **fields)
            # The question follows in the same transaction: solved by staff, or open again.
            if status == "resolved" and question.status != "solved":
                await questions.mark_solved(tx, question, ctx.event.at, ctx.member_id, "staff")
            elif status == "returned" and question.status == "escalated":
                await questions.change_status(tx, question, "open", ctx.event.at, ctx.member_id)
        return question

    @command("escalations", staff_only=True)
    async def listing(self, ctx: Context) -> None:
        """Open and claimed escalations, oldest first, with their age (staff)."""
        async with ctx.app.db.read() as conn:
            items = await escalations.active(conn, ctx.community_id)
        await ctx.reply(_render.listing(ctx.t, items, ctx.event.at), ephemeral=True)

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """Claims stay, by the anonymous row (SLA figures); an escalation pushed to them loses
        its assignee: it held their platform id, and a re-ping would mention nobody."""
        found = await anonymise.identity(tx, community_id, member_id)
        if found is not None:
            await tx.execute(
                "UPDATE escalations SET assignee = NULL WHERE community_id = ? AND assignee = ?",
                (community_id, found[0]),
            )
