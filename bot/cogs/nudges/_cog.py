"""Handlers: schedule a nudge per question, cancel it on an answer, send it when due."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from bot.cogs._question_events import thread_of
from bot.cogs.nudges import _logic, _render
from bot.core.cog import Cog, listen, on_button, on_timer
from bot.core.commands import ArgumentError, Option, command
from bot.core.events import (
    ArticleShared,
    ButtonPressed,
    QuestionOpened,
    QuestionSolved,
    ReplyPosted,
)
from bot.core.replies import Reply
from bot.expertise import ranking
from bot.runtime.context import CommunityContext, Context
from bot.storage import nudges, questions
from bot.storage.timers import Timer

KIND = "nudge"


def _key(question_id: int) -> str:
    return f"question:{question_id}"


class NudgesCog(Cog):
    """Nudges experts about unanswered questions; /nudges and /expertise preferences."""

    name = "nudges"
    member_tables = ("member_prefs", "nudges")  # expertise_topics: the expertise cog

    @listen(QuestionOpened)
    async def on_question(self, ctx: Context, event: QuestionOpened) -> None:
        """Nudge experts if nobody has answered after the delay (per channel if set)."""
        if ctx.config.nudge_experts == 0:
            return
        minutes = await self._delay(ctx, event.conversation.channel_id)
        async with ctx.services.db.transaction() as tx:
            await ctx.services.timers.schedule(
                tx,
                ctx.community_id,
                KIND,
                _key(event.question_id),
                event.at + timedelta(minutes=minutes),
                {"question_id": event.question_id},
            )

    async def _delay(self, ctx: Context, channel_id: str) -> int:
        async with ctx.services.db.read() as conn:
            minutes = await nudges.channel_delay(conn, ctx.community_id, channel_id)
        return ctx.config.nudge_delay_minutes if minutes is None else minutes

    @listen(ReplyPosted, ArticleShared)
    async def on_reply(self, ctx: Context, event: ReplyPosted) -> None:
        """An answer arrived: the pending nudge is cancelled."""
        async with ctx.services.db.transaction() as tx:
            question = await questions.by_thread(
                tx, ctx.community_id, event.conversation.thread_id or ""
            )
            if question is not None and question.asker_id != ctx.member_id:
                await ctx.services.timers.cancel(tx, ctx.community_id, KIND, _key(question.id))

    @listen(QuestionSolved)
    async def on_solved(self, ctx: Context, event: QuestionSolved) -> None:
        """A solved question needs no nudge."""
        async with ctx.services.db.transaction() as tx:
            await ctx.services.timers.cancel(tx, ctx.community_id, KIND, _key(event.question_id))

    @on_timer(KIND)
    async def on_due(self, ctx: CommunityContext, timer: Timer) -> None:
        """Nudge the best available experts; a re-run after a crash re-sends, never adds."""
        services = ctx.services
        now = services.clock.now()
        async with services.db.read() as conn:
            question = await questions.by_id(
                conn, ctx.community_id, int(timer.payload["question_id"])
            )
            already = await nudges.nudged_for(conn, question.id) if question else set()
        if question is None:
            return
        if question.status != "open" or not question.thread_id:
            return  # answered, solved, escalated or gone meanwhile
        config = ctx.config
        if already:
            chosen = await ranking.members(services, sorted(already))
        else:
            ranked = await ranking.candidates(
                services,
                ctx.community_id,
                config,
                question.text,
                question.asker_id,
                question.id,
                now,
            )
            chosen = [c for c in ranked if c.skip is None][: config.nudge_experts]
        if not chosen:
            return
        modes = {}
        async with services.db.transaction() as tx:
            for c in chosen:
                prefs = await nudges.prefs(tx, ctx.community_id, c.member_id)
                modes[c.external_id] = "dm" if prefs.mode == "dm" else "thread"
                await nudges.record(
                    tx, ctx.community_id, question.id, c.member_id, modes[c.external_id], now
                )
            if question.status == "open":
                await questions.change_status(tx, question, "nudged", now, None)
        # The true wait, not the configured delay: a nudge sent late (the bot was down, or a
        # per-channel delay) says how long the question has really waited.
        waited = now - datetime.fromisoformat(question.created_at)
        t = ctx.translator
        await ctx.dm_or_mention(
            {
                member: _render.by_dm(t, question, member, waited)
                for member, via in modes.items()
                if via == "dm"
            },
            thread_of(question),
            lambda members: _render.in_thread(t, question, members, waited),
            mention_anyway=[member for member, via in modes.items() if via == "thread"],
        )

    @on_button(_render.TAKE_ACTION)
    async def take(self, ctx: Context, event: ButtonPressed) -> None:
        """'I'll take it': the thread learns who is on it."""
        question = await self._pressed(ctx, event, "taken")
        if question is not None:
            text = ctx.t("nudges.taken", member=ctx.event.author.id, ref=question.ref)
            await ctx.send(thread_of(question), Reply(text))

    @on_button(_render.DECLINE_ACTION)
    async def decline(self, ctx: Context, event: ButtonPressed) -> None:
        """'Not for me': noted; they won't be asked about this question again."""
        if await self._pressed(ctx, event, "declined") is not None:
            await ctx.tell("nudges.declined")

    async def _pressed(
        self, ctx: Context, event: ButtonPressed, response: str
    ) -> questions.Question | None:
        async with ctx.services.db.transaction() as tx:
            question = await questions.by_id(tx, ctx.community_id, int(event.value or 0))
            if question is None:
                await ctx.tell("error.button_expired")
                return None
            if not await nudges.respond(tx, question.id, ctx.member_id, response, ctx.event.at):
                await ctx.tell("nudges.not_nudged", ref=question.ref)
                return None
        return question

    @command("nudges", Option("mode", "choice", choices=("on", "off", "dm")))
    async def mode(self, ctx: Context, mode: str) -> None:
        """Turn nudges on or off, or get them by direct message."""
        async with ctx.services.db.transaction() as tx:
            current = await nudges.prefs(tx, ctx.community_id, ctx.member_id)
            await nudges.set_prefs(
                tx,
                ctx.community_id,
                ctx.member_id,
                nudges.Prefs(mode, current.quiet_from, current.quiet_to),
                ctx.event.at,
            )
        await ctx.tell(f"nudges.mode_{mode}")

    @command("nudges quiet", Option("hours", "word"))
    async def quiet(self, ctx: Context, hours: str) -> None:
        """Quiet hours in the community's time zone, e.g. 22-7; 'off' removes them."""
        span = None if hours.lower() == "off" else _logic.parse_quiet(hours)
        if span is None and hours.lower() != "off":
            raise ArgumentError("nudges.bad_quiet", value=hours)
        async with ctx.services.db.transaction() as tx:
            current = await nudges.prefs(tx, ctx.community_id, ctx.member_id)
            start, end = span if span else (None, None)
            await nudges.set_prefs(
                tx,
                ctx.community_id,
                ctx.member_id,
                nudges.Prefs(current.mode, start, end),
                ctx.event.at,
            )
        if span is None:
            await ctx.tell("nudges.quiet_off")
        else:
            await ctx.tell("nudges.quiet_set", hours=hours, timezone=ctx.config.timezone)

    @command(
        "nudges delay", Option("channel", "channel"), Option("minutes", "int"), admin_only=True
    )
    async def delay(self, ctx: Context, channel: str, minutes: int) -> None:
        """Minutes before nudging in one help channel (admins); 0 goes back to the default."""
        if minutes < 0 or minutes > 10_080:
            raise ArgumentError("nudges.bad_delay", value=minutes)
        async with ctx.services.db.transaction() as tx:
            await nudges.set_channel_delay(tx, ctx.community_id, channel, minutes, ctx.event.at)
        shown = minutes or ctx.config.nudge_delay_minutes
        await ctx.tell("nudges.delay_set", channel=channel, delay=timedelta(minutes=shown))

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """Their settings (mode, quiet hours) go; the anonymous row gets nudges off, since its
        past answers would still rank it. Nudges sent stay (no text; nudge statistics)."""
        await nudges.drop_prefs(tx, community_id, member_id)
        await nudges.set_prefs(
            tx, community_id, member_id, nudges.Prefs("off", None, None), self.services.clock.now()
        )
