"""Handlers: SLA timer (by the community's policy), sensitive words or the asker's call →
staff card; Claim / Take over / Resolve / Return; escalations that close with their question."""

from __future__ import annotations

import logging
from datetime import timedelta

import aiosqlite

from bot.cogs._question_events import STILL_NEED_HELP, announce_solved, show_state, thread_of
from bot.cogs.escalation import _claims, _logic, _render, card
from bot.cogs.escalation._send import REPING, escalate
from bot.core.cog import Cog, listen, on_button, on_timer
from bot.core.commands import ArgumentError, Option, command
from bot.core.events import ButtonPressed, MessageDeleted, QuestionOpened, QuestionSolved
from bot.core.identity import Conversation
from bot.core.replies import Reply
from bot.runtime.context import CommunityContext, Context
from bot.storage import anonymise, community_help, escalations, questions
from bot.storage.timers import Timer

log = logging.getLogger(__name__)

DUE = "escalate"


class EscalationCog(Cog):
    """Brings staff in when the community can't help in time, shouldn't, or is asked to."""

    name = "escalation"
    member_tables = ("escalations",)

    @listen(QuestionOpened)
    async def on_question(self, ctx: Context, event: QuestionOpened) -> None:
        """Sensitive words: to staff now. Otherwise, a look at the SLA (0: never)."""
        if _logic.sensitive(event.text, ctx.config.sensitive_keywords, ctx.language):
            await escalate(ctx.services, ctx.community_id, event.question_id, "sensitive", event.at)
            return
        if not ctx.config.sla_minutes:
            return
        async with ctx.services.db.transaction() as tx:
            await ctx.services.timers.schedule(
                tx,
                ctx.community_id,
                DUE,
                f"question:{event.question_id}",
                event.at + timedelta(minutes=ctx.config.sla_minutes),
                {"question_id": event.question_id},
            )

    @listen(QuestionSolved)
    async def on_solved(self, ctx: Context, event: QuestionSolved) -> None:
        """Solved: nothing to escalate, and an open escalation closes with it."""
        async with ctx.services.db.transaction() as tx:
            await ctx.services.timers.cancel(
                tx, ctx.community_id, DUE, f"question:{event.question_id}"
            )
        await card.close(
            ctx.services, ctx.community_id, event.question_id, "solved", ctx.member_id, event.at
        )

    @listen(MessageDeleted)
    async def on_deleted(self, ctx: Context, event: MessageDeleted) -> None:
        """A deleted question leaves staff nothing to do."""
        async with ctx.services.db.read() as conn:
            question = await questions.by_root_message(conn, ctx.community_id, event.message_id)
        if question is None:
            return
        async with ctx.services.db.transaction() as tx:
            await ctx.services.timers.cancel(tx, ctx.community_id, DUE, f"question:{question.id}")
        await card.close(
            ctx.services, ctx.community_id, question.id, "deleted", ctx.member_id, event.at
        )

    @on_timer(DUE)
    async def on_due(self, ctx: CommunityContext, timer: Timer) -> None:
        """The SLA passed: to staff only if the community hasn't helped, as the policy says."""
        question_id = int(timer.payload["question_id"])
        policy = ctx.config.escalate_when
        async with ctx.services.db.read() as conn:
            help = await community_help.of(conn, question_id)
        if help is None or not _logic.due_at_sla(policy, help):
            return
        now = ctx.services.clock.now()
        await escalate(ctx.services, ctx.community_id, question_id, "sla", now, policy=policy)

    @on_timer(REPING)
    async def on_reping(self, ctx: CommunityContext, timer: Timer) -> None:
        """Still unclaimed: ping the assignee again in the staff channel."""
        async with ctx.services.db.read() as conn:
            record = await escalations.of(conn, int(timer.payload["question_id"]))
        if record is None or record.status != "open" or not record.assignee:
            return
        text = ctx.t("escalation.reping", member=record.assignee, ref=record.ref)
        reply = Reply(text, mentions=(record.assignee,))
        await ctx.send(Conversation(ctx.config.staff_channel), reply)

    @command("staff", Option("question", "question", required=False))
    async def call_staff(self, ctx: Context, question: int | None = None) -> None:
        """Ask staff to look at your question now (in its thread, or by number: /staff Q3)."""
        async with ctx.services.db.read() as conn:
            if question is not None:
                found = await questions.by_number(conn, ctx.community_id, question)
                if found is None:
                    raise ArgumentError("questions.not_found", ref=f"Q{question}")
            else:
                thread = ctx.conversation.thread_id if ctx.conversation else None
                found = await questions.by_thread(conn, ctx.community_id, thread or "")
                if found is None:
                    raise ArgumentError("escalation.which_question")
        await self._requested(ctx, found)

    @on_button(STILL_NEED_HELP)
    async def still_need_help(self, ctx: Context, event: ButtonPressed) -> None:
        """The Still need help button (thread intro, accept reminder)."""
        async with ctx.services.db.read() as conn:
            found = await questions.by_id(conn, ctx.community_id, int(event.value or 0))
        if found is None:
            await ctx.tell("error.button_expired")
            return
        await self._requested(ctx, found)

    async def _requested(self, ctx: Context, question: questions.Question) -> None:
        """The asker (or a moderator) calls staff: at once, unless it is with staff or solved."""
        if question.asker_id != ctx.member_id and not ctx.event.author.is_moderator:
            await ctx.tell(
                "escalation.not_asker", asker=question.asker_external_id or "?", ref=question.ref
            )
            return
        if question.status == "solved":
            await ctx.tell("escalation.already_solved", ref=question.ref)
            return
        async with ctx.services.db.read() as conn:
            record = await escalations.of(conn, question.id)
            help = await community_help.of(conn, question.id)
        if help is None or help.deleted:  # nothing left for staff to read
            await ctx.tell("questions.not_found", ref=question.ref)
            return
        if record is not None and record.status in escalations.ACTIVE:
            await ctx.tell("escalation.already_with_staff", ref=question.ref)
            return
        async with ctx.services.db.transaction() as tx:
            await ctx.services.timers.cancel(tx, ctx.community_id, DUE, f"question:{question.id}")
        requester = ctx.event.author.id
        await escalate(
            ctx.services, ctx.community_id, question.id, "asker", ctx.event.at, requester=requester
        )
        await ctx.tell("escalation.requested", ref=question.ref)

    @on_button(_render.CLAIM)
    async def claim(self, ctx: Context, event: ButtonPressed) -> None:
        """A staff member takes it; the thread learns who is on it (someone else's claim is
        refused privately, with the way to take it over)."""
        await _claims.hold(ctx, int(event.value or 0), take_over=False)

    @on_button(_render.TAKE_OVER)
    async def take_over(self, ctx: Context, event: ButtonPressed) -> None:
        """Another staff member takes a claimed escalation over; the thread is told once."""
        await _claims.hold(ctx, int(event.value or 0), take_over=True)

    @on_button(_render.RESOLVE)
    async def resolve(self, ctx: Context, event: ButtonPressed) -> None:
        """Solved by staff."""
        question = await self._staff_action(ctx, event, "resolved")
        if question is None:
            return
        text = ctx.t("escalation.resolved", member=ctx.event.author.id, ref=question.ref)
        await ctx.send(thread_of(question), Reply(text))
        await _claims.show_on_card(ctx, question)
        await announce_solved(ctx, question, "staff")

    @on_button(_render.RETURN)
    async def give_back(self, ctx: Context, event: ButtonPressed) -> None:
        """Back to the community: the question is open again."""
        question = await self._staff_action(ctx, event, "returned")
        if question is None:
            return
        await ctx.send(thread_of(question), Reply(ctx.t("escalation.returned", ref=question.ref)))
        await _claims.show_on_card(ctx, question)
        await show_state(ctx.services, ctx.community_id, question.id)  # no Staff tag any more

    async def _staff_action(
        self, ctx: Context, event: ButtonPressed, status: str
    ) -> questions.Question | None:
        if not ctx.event.author.is_moderator:
            await ctx.tell("escalation.staff_only")
            return None
        async with ctx.services.db.transaction() as tx:
            question = await questions.by_id(tx, ctx.community_id, int(event.value or 0))
            record = await escalations.of(tx, question.id) if question else None
            if question is None or record is None:
                await ctx.tell("error.button_expired")
                return None
            if record.status not in escalations.ACTIVE:
                await ctx.tell("escalation.already_closed", ref=question.ref)
                return None
            await escalations.update(
                tx,
                question.id,
                status=status,
                closed_by=ctx.member_id,
                closed_at=ctx.event.at.isoformat(),
            )
            # The question follows in the same transaction: solved by staff, or open again.
            if status == "resolved" and question.status != "solved":
                await questions.mark_solved(tx, question, ctx.event.at, ctx.member_id, "staff")
            elif status == "returned" and question.status == "escalated":
                await questions.change_status(tx, question, "open", ctx.event.at, ctx.member_id)
        return question

    @command("escalations", Option("page", "int", required=False), staff_only=True)
    async def listing(self, ctx: Context, page: int | None = None) -> None:
        """Open and claimed escalations, oldest first, ten a page: /escalations 2 (staff)."""
        page = page or 1
        offset = (page - 1) * _render.PAGE_SIZE
        async with ctx.services.db.read() as conn:
            total = await escalations.count_active(conn, ctx.community_id)
            items = (
                await escalations.active(conn, ctx.community_id, offset, _render.PAGE_SIZE)
                if offset >= 0
                else []
            )
        text = _render.listing(ctx.t, items, total, page, ctx.event.at)
        await ctx.reply(text, ephemeral=True)

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """Claims stay, by the anonymous row (SLA figures); an escalation pushed to them loses
        its assignee: it held their platform id, and a re-ping would mention nobody. The kept
        card texts of their questions go (they quote them)."""
        found = await anonymise.identity(tx, community_id, member_id)
        if found is not None:
            await escalations.forget_assignee(tx, community_id, found[0])
        await escalations.forget_cards(tx, community_id, member_id, found[0] if found else None)
