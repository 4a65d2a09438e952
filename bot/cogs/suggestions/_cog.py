"""Suggestion handlers: offer articles on new questions, take feedback, record gaps."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite
import numpy as np

from bot.cogs._question_events import announce_solved, thread_of, withdraw_history
from bot.cogs.suggestions import _history, _logic, _render
from bot.core.cog import Cog, listen, on_button
from bot.core.events import ButtonPressed, EarlierAnswerReused, QuestionOpened, QuestionSolved
from bot.core.replies import Reply
from bot.retrieval.history import question_of
from bot.runtime.context import Context
from bot.storage import knowledge, questions
from bot.storage.history import SolvedThread
from bot.storage.knowledge import Shown
from bot.storage.questions import Question


class SuggestionsCog(Cog):
    """Answers new questions from the knowledge base when it is confident, else stays quiet."""

    name = "suggestions"
    member_tables = ("kb_feedback",)

    @listen(QuestionOpened)
    async def on_question(self, ctx: Context, event: QuestionOpened) -> None:
        """Offer confident articles and earlier solved threads in the question's thread."""
        if not ctx.config.suggestions:
            return
        kb = ctx.services.knowledge
        async with ctx.services.db.read() as conn:
            shown = await knowledge.shown_for(conn, event.question_id)
            feedback = await knowledge.feedback_of(conn, ctx.community_id)
        if shown is not None and shown.message_id is not None:
            return  # already offered: a replay
        if shown is None:
            vectors = await kb.embed(event.text) if ctx.config.history_suggestions else None
            hits = await kb.search(
                event.text,
                ctx.language,
                adjust=lambda vector: _logic.adjustments(feedback, vector, event.text),
            )
            gate = kb.gate(ctx.language)
            chosen = [hit.article.key for hit in _logic.confident(hits, ctx.config, gate)]
            chosen += _history.keys(
                await _history.confident(ctx, event.question_id, event.text, vectors, feedback)
            )
            async with ctx.services.db.transaction() as tx:
                if not chosen:
                    await knowledge.set_outcome(tx, event.question_id, "silent")
                    return
                shown = await knowledge.record_shown(
                    tx, ctx.community_id, event.question_id, chosen, event.at
                )
                await knowledge.set_outcome(tx, event.question_id, "suggested")
        items = await _history.items(ctx, shown.articles)
        if not items:
            return
        reply = await _render.suggestions(ctx, event.question_id, f"Q{event.number}", items)
        message_id = await ctx.send(event.conversation, reply)
        async with ctx.services.db.transaction() as tx:
            await knowledge.set_shown_message(tx, event.question_id, message_id)

    async def _load(self, ctx: Context, question_id: int) -> tuple[Question, Shown] | None:
        async with ctx.services.db.read() as conn:
            question = await questions.by_id(conn, ctx.community_id, question_id)
            shown = await knowledge.shown_for(conn, question_id)
        if question is None or shown is None:
            await ctx.tell("error.button_expired")
            return None
        return question, shown

    @on_button(_render.SOLVED_ACTION)
    async def solved(self, ctx: Context, event: ButtonPressed) -> None:
        """'This solved it': a vote for the article; from the asker it also solves the question."""
        question_id, _, position = event.value.partition(":")
        loaded = await self._load(ctx, int(question_id or 0))
        if loaded is None:
            return
        question, shown = loaded
        index = int(position or 0)
        if not 0 <= index < len(shown.articles):
            await ctx.tell("error.button_expired")
            return
        key = shown.articles[index]
        earlier = question_of(key)
        thread: SolvedThread | None = None
        if earlier is not None:
            found = next(iter(await _history.items(ctx, [key])), None)
            if not isinstance(found, SolvedThread):
                await ctx.tell("error.button_expired")  # the earlier thread is gone
                return
            thread = found
        vectors = await ctx.services.knowledge.embed(question.text)
        is_asker = question.asker_external_id == ctx.event.author.id
        solve_now = is_asker and question.status != "solved"
        resolution = "kb" if thread is None else "history"
        async with ctx.services.db.transaction() as tx:
            await self._vote(tx, ctx, question, [key], 1, vectors)
            if solve_now:
                await questions.mark_solved(tx, question, event.at, ctx.member_id, resolution)
                await knowledge.set_outcome(tx, question.id, "solved")
        if not solve_now:
            await ctx.tell("suggestions.thanks_helpful")
            return
        if thread is None:
            article = ctx.services.knowledge.by_key(key)
            title = article.title if article else key
            await ctx.send(thread_of(question), _render.solved_by_kb(ctx, question.ref, title))
        else:
            reply = await _render.solved_by_history(ctx, question.ref, thread)
            await ctx.send(thread_of(question), reply)
        await announce_solved(ctx, question, resolution)
        if thread is not None:
            await ctx.emit(
                EarlierAnswerReused,
                event_id=f"{ctx.event.event_id}:reuse",
                question_id=question.id,
                number=question.number,
                answer_id=thread.answer_id,
                receiver_id=thread.author_id,
                added=True,
            )

    @on_button(_render.UNHELPFUL_ACTION)
    async def unhelpful(self, ctx: Context, event: ButtonPressed) -> None:
        """'Not helpful': a vote against every article shown; the community takes over."""
        loaded = await self._load(ctx, int(event.value or 0))
        if loaded is None:
            return
        question, shown = loaded
        vectors = await ctx.services.knowledge.embed(question.text)
        is_asker = question.asker_external_id == event.author.id
        async with ctx.services.db.transaction() as tx:
            await self._vote(tx, ctx, question, shown.articles, -1, vectors)
            if is_asker and question.status != "solved":
                await knowledge.set_outcome(tx, question.id, "rejected")
        if is_asker and await withdraw_history(ctx, question):
            text = ctx.t("suggestions.history_withdrawn", ref=question.ref)
            await ctx.send(thread_of(question), Reply(text))
            return
        await ctx.tell("suggestions.thanks_unhelpful")

    async def _vote(
        self,
        tx: aiosqlite.Connection,
        ctx: Context,
        question: Question,
        article_keys: Sequence[str],
        verdict: int,
        vectors: np.ndarray | None,
    ) -> None:
        """Store the presser's verdict on each article for this question's phrasing."""
        for article_key in article_keys:
            await knowledge.add_feedback(
                tx,
                community_id=ctx.community_id,
                question_id=question.id,
                article=article_key,
                member_id=ctx.member_id,
                verdict=verdict,
                query_text=question.text,
                query_vector=None if vectors is None else vectors[0],
                at=ctx.event.at,
            )

    @listen(QuestionSolved)
    async def on_solved(self, ctx: Context, event: QuestionSolved) -> None:
        """A question people solved after the knowledge base failed is a knowledge gap (earlier
        threads shown instead of an article count as no article)."""
        if event.resolution not in ("community", "staff"):
            return
        async with ctx.services.db.transaction() as tx:
            outcome = await knowledge.outcome_of(tx, event.question_id)
            shown = await knowledge.shown_for(tx, event.question_id)
            no_article = shown is None or all(question_of(k) is not None for k in shown.articles)
            if outcome in ("silent", "rejected") or (outcome == "suggested" and no_article):
                await knowledge.add_gap(tx, ctx.community_id, event.question_id, event.at)

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """Feedback keeps a copy of its question's text: gone (with its vector) wherever the
        question's own text goes, i.e. the member's unsolved questions. Verdicts stay, tied to
        the anonymous member row, for ranking."""
        await knowledge.blank_feedback_of(tx, community_id, member_id)
