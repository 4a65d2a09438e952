"""Handlers: reactions and commands in, awards through _marks/_accepts, ranks after."""

from __future__ import annotations

import logging

import aiosqlite

from bot.cogs._question_events import (
    announce_solved,
    question_here,
    thread_of,
    withdraw_history,
)
from bot.cogs.reputation import (
    _accepts,
    _bounty,
    _forget,
    _marks,
    _ranks,
    _removals,
    _render,
    _rules,
    _seen,
)
from bot.cogs.reputation._outcome import Outcome, Source
from bot.cogs.reputation._reuse import ReuseHandlers
from bot.core.cog import Cog, listen, on_timer
from bot.core.commands import ArgumentError, Option, command
from bot.core.events import AnswerMarkedHelpful, MarksSeen, MessageDeleted, ReactionChanged
from bot.core.limits import NOTE, excerpt
from bot.core.periods import week_start
from bot.core.replies import Reply
from bot.runtime.context import CommunityContext, Context
from bot.storage import awards, questions
from bot.storage import reputation as rep
from bot.storage.communities import external_id, member_row
from bot.storage.questions import Question
from bot.storage.timers import Timer

log = logging.getLogger(__name__)

MAX_ADJUST = 10_000
TOPIC_QUESTIONS = 20


class ReputationCog(ReuseHandlers, Cog):
    """Awards, reversals and ranks; /helpful, /accept, /unaccept, /rep."""

    name = "reputation"
    member_tables = (
        "reputation_ledger",
        "reputation_totals",
        "helpful_marks",
        "accepted_answers",
        "bounties",
        "member_ranks",
        "rank_announcements",
        "helping_totals",
    )

    @listen(ReactionChanged)
    async def on_reaction(self, ctx: Context, event: ReactionChanged) -> None:
        """The configured emoji on an answer marks it helpful; removing it takes that back."""
        if event.emoji != ctx.config.helpful_emoji:
            return
        if event.added:
            await self._mark(ctx, event.message_id, quiet_if_not_answer=True)
            return
        outcome = await _marks.unmark_helpful(ctx.services.db, _source(ctx), event.message_id)
        if outcome.status == "not_answer":
            await _marks.unless_known(ctx, event.message_id)
        await _ranks.follow(ctx, outcome.changed)

    @listen(MarksSeen)
    async def on_marks_seen(self, ctx: Context, event: MarksSeen) -> None:
        """Who reacts now, read back by the platform: the difference with the stored marks."""
        await _seen.settle(ctx, event)

    @command("helpful", Option("message", "message"))
    async def helpful(self, ctx: Context, message: str) -> None:
        """Mark an answer helpful (like reacting with the helpful emoji)."""
        await self._mark(ctx, message, quiet_if_not_answer=False)

    async def _mark(self, ctx: Context, message_id: str, *, quiet_if_not_answer: bool) -> None:
        outcome = await _marks.mark_helpful(ctx.services.db, _source(ctx), ctx.config, message_id)
        if outcome.status == "not_answer":
            if not quiet_if_not_answer:
                raise ArgumentError("reputation.not_an_answer")
            await _marks.unless_known(ctx, message_id)
            return
        if outcome.status == "already":
            if not quiet_if_not_answer:
                await ctx.tell("reputation.already_marked")
            return
        receiver = await self._external(ctx, outcome.receiver_id)
        if outcome.refusal is not None:
            await ctx.reply(
                _render.refusal(ctx, outcome.refusal, receiver, outcome.points), ephemeral=True
            )
        elif not quiet_if_not_answer:
            await ctx.reply(_render.marked(ctx, outcome, receiver), ephemeral=True)
        await _ranks.follow(ctx, outcome.changed)
        if outcome.points and outcome.answer and outcome.receiver_id and receiver:
            await self._announce_helpful(ctx, outcome, receiver)

    async def _announce_helpful(self, ctx: Context, outcome: Outcome, receiver: str) -> None:
        """Let the onboarding feature know (deduplicated by the mark's identity)."""
        assert outcome.answer is not None
        assert outcome.receiver_id is not None
        await ctx.emit(
            AnswerMarkedHelpful,
            event_id=f"answer.{outcome.answer.id}.helpful.{ctx.member_id}",
            answer_id=outcome.answer.id,
            question_id=outcome.answer.question_id,
            receiver_id=outcome.receiver_id,
            receiver=receiver,
        )

    @command("accept", Option("message", "message"))
    async def accept(self, ctx: Context, message: str) -> None:
        """Accept an answer as the solution of your question (askers and moderators)."""
        async with ctx.services.db.read() as conn:
            answer = await awards.answer_by_message(conn, ctx.community_id, message)
            question = (
                await questions.by_id(conn, ctx.community_id, answer.question_id)
                if answer
                else None
            )
        if answer is None or question is None:
            raise ArgumentError("reputation.not_an_answer")
        if question.asker_id != ctx.member_id and not ctx.event.author.is_moderator:
            raise ArgumentError(
                "reputation.accept_not_yours", ref=question.ref, asker=question.asker_external_id
            )
        outcome = await _accepts.accept(
            ctx.services.db, _source(ctx), ctx.config, ctx.services.timers, answer
        )
        if outcome.status == "already":
            raise ArgumentError("reputation.already_accepted", ref=question.ref)
        author = await self._external(ctx, answer.author_id)
        if outcome.refusal is not None:
            await ctx.reply(_render.refusal(ctx, outcome.refusal, author, 0), ephemeral=True)
        key = "reputation.accepted" if outcome.points else "reputation.accepted_no_points"
        text = ctx.t(key, member=author or "?", ref=question.ref, points=outcome.points)
        await ctx.send(thread_of(question), Reply(text, mentions=(author,) if author else ()))
        await self._tell_bounty(ctx, question, outcome.bounty)
        await _ranks.follow(ctx, outcome.changed)
        if outcome.status == "accepted_and_solved":
            resolution = "staff" if answer.by_staff else "community"
            await announce_solved(ctx, question, resolution)

    async def _tell_bounty(
        self, ctx: Context, question: Question, move: _rules.BountyMove | None
    ) -> None:
        """Say in the thread where a bounty went: to an answer's author, or back to escrow."""
        if move is None:
            return
        if move.give_to is not None:
            member = await self._external(ctx, move.give_to)
            text = ctx.t("reputation.bounty_awarded", member=member or "?", amount=move.amount)
        else:
            text = ctx.t("reputation.bounty_returned", amount=move.amount, ref=question.ref)
        await ctx.send(thread_of(question), Reply(text))

    @command("bounty", Option("amount", "int"), Option("question", "question", required=False))
    async def bounty(self, ctx: Context, amount: int, question: int | None = None) -> None:
        """Offer AMOUNT of your points (50-500) to the answer you accept; staff offer freely."""
        if not _bounty.MIN_AMOUNT <= amount <= _bounty.MAX_AMOUNT:
            raise ArgumentError(
                "reputation.bounty_range", low=_bounty.MIN_AMOUNT, high=_bounty.MAX_AMOUNT
            )
        found = await question_here(ctx, question)
        staff = ctx.event.author.is_moderator
        if found.asker_id != ctx.member_id and not staff:
            raise ArgumentError("reputation.bounty_not_yours", ref=found.ref)
        if found.status == "solved":
            raise ArgumentError("questions.already_solved", ref=found.ref)
        async with ctx.services.db.transaction() as tx:
            result = await _bounty.offer(tx, _source(ctx), found, amount, staff)
            if result == "offered":
                await ctx.services.timers.schedule(
                    tx,
                    ctx.community_id,
                    _bounty.TIMER,
                    _bounty.timer_key(found.number),
                    ctx.event.at + _bounty.LASTS,
                    {"question_id": found.id},
                )
        if result != "offered":
            raise ArgumentError(f"reputation.bounty_{result}", ref=found.ref, amount=amount)
        text = ctx.t(
            "reputation.bounty_offered", member=ctx.event.author.id, amount=amount, ref=found.ref
        )
        await ctx.send(thread_of(found), Reply(text))
        await _ranks.follow(ctx, (ctx.member_id,))

    @on_timer(_bounty.TIMER)
    async def on_bounty_due(self, ctx: CommunityContext, timer: Timer) -> None:
        """Seven days without an accepted answer: the bounty ends, half goes back."""
        question_id = int(timer.payload["question_id"])
        await _bounty.expire(
            ctx.services.db, ctx.community_id, question_id, ctx.services.clock.now()
        )

    @command("unaccept", Option("question", "question", required=False))
    async def unaccept(self, ctx: Context, question: int | None = None) -> None:
        """Withdraw the accepted answer of a question (in its thread, or give its number)."""
        found = await question_here(ctx, question)
        if found.asker_id != ctx.member_id and not ctx.event.author.is_moderator:
            raise ArgumentError(
                "reputation.accept_not_yours", ref=found.ref, asker=found.asker_external_id
            )
        outcome = await _accepts.unaccept(
            ctx.services.db, _source(ctx), ctx.services.timers, found.id
        )
        if outcome.status == "not_accepted":
            if await withdraw_history(ctx, found):
                await ctx.send(
                    thread_of(found), Reply(ctx.t("suggestions.history_withdrawn", ref=found.ref))
                )
                return
            raise ArgumentError("reputation.not_accepted", ref=found.ref)
        await ctx.send(thread_of(found), Reply(ctx.t("reputation.unaccepted", ref=found.ref)))
        await self._tell_bounty(ctx, found, outcome.bounty)
        await _ranks.follow(ctx, outcome.changed)

    @listen(MessageDeleted)
    async def on_delete(self, ctx: Context, event: MessageDeleted) -> None:
        """A deleted answer gives its points back (and the bounty it held, to escrow)."""
        outcome = await _removals.answer_deleted(
            ctx.services.db, _source(ctx), ctx.services.timers, event.message_id
        )
        if outcome.bounty is not None and outcome.answer is not None:
            async with ctx.services.db.read() as conn:
                question = await questions.by_id(conn, ctx.community_id, outcome.answer.question_id)
            if question is not None:
                await self._tell_bounty(ctx, question, outcome.bounty)
        await _ranks.follow(ctx, outcome.changed)

    @command("rep", Option("member", "member", required=False))
    async def rep_card(self, ctx: Context, member: str | None = None) -> None:
        """Your points, rank and progress (or another member's)."""
        who = member or ctx.event.author.id
        member_id = await self._member_row(ctx, who)
        config = ctx.config
        async with ctx.services.db.read() as conn:
            total = await rep.total(conn, ctx.community_id, member_id)
            givers = await rep.distinct_givers(
                conn, ctx.community_id, member_id, config.rank_min_givers
            )
            start = week_start(ctx.event.at, config.timezone)
            week = await rep.points_since(conn, ctx.community_id, member_id, start)
            helped = await rep.helped_questions(conn, ctx.community_id, member_id, TOPIC_QUESTIONS)
        rank = _rules.rank_for(total, givers, config)
        topics = await self._topics(ctx, helped)
        await ctx.reply(_render.card(ctx, who, total, rank, givers, week, topics), ephemeral=True)

    async def _topics(self, ctx: Context, texts: list[str]) -> list[str]:
        """Tags of the articles closest to the questions a member helped on (BM25: cheap)."""
        counts: dict[str, int] = {}
        for text in texts:
            hits = await ctx.services.knowledge.search(text, ctx.language, limit=1, mode="bm25")
            if hits and hits[0].coverage >= ctx.config.suggest_min_coverage:
                for tag in hits[0].article.tags:
                    counts[tag] = counts.get(tag, 0) + 1
        return [tag for tag, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]

    @command(
        "rep adjust",
        Option("member", "member"),
        Option("amount", "int"),
        Option("reason", "text"),
        admin_only=True,
    )
    async def adjust(self, ctx: Context, member: str, amount: int, reason: str) -> None:
        """Add or remove points by hand, with a reason (admins); recorded in the ledger."""
        if amount == 0 or abs(amount) > MAX_ADJUST:
            raise ArgumentError("reputation.bad_amount", limit=MAX_ADJUST, value=amount)
        member_id = await self._member_row(ctx, member)
        reason = excerpt(reason, NOTE)  # stored and echoed alike
        outcome = await _removals.adjust(ctx.services.db, _source(ctx), member_id, amount, reason)
        async with ctx.services.db.read() as conn:
            total = await rep.total(conn, ctx.community_id, member_id)
        await ctx.tell(
            "reputation.adjusted", member=member, amount=amount, note=reason, total=total
        )
        await _ranks.follow(ctx, outcome.changed)

    @command("rep history", Option("member", "member"), admin_only=True)
    async def history(self, ctx: Context, member: str) -> None:
        """A member's latest point changes, with who and why (admins)."""
        member_id = await self._member_row(ctx, member)
        async with ctx.services.db.read() as conn:
            rows = await rep.history(conn, ctx.community_id, member_id)
        await ctx.reply(_render.history(ctx, member, rows), ephemeral=True)

    async def _member_row(self, ctx: Context, external_id: str) -> int:
        async with ctx.services.db.transaction() as tx:
            return await member_row(tx, ctx.community_id, external_id, ctx.event.at)

    async def _external(self, ctx: Context, member_id: int | None) -> str | None:
        if member_id is None:
            return None
        async with ctx.services.db.read() as conn:
            return await external_id(conn, member_id)

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """Ledger rows, totals, marks, accepts, bounties and the rank all stay, tied to the
        anonymous member row (their points still count; a kept rank isn't announced again);
        only ledger text that may name them is rewritten."""
        await _forget.anonymise_ledger(tx, community_id, member_id)


def _source(ctx: Context) -> Source:
    """The event behind an award: its ledger rows carry its id, time and member."""
    return Source(ctx.community_id, ctx.event.event_id, ctx.event.at, ctx.member_id)
