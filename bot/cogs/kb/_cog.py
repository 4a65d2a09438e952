"""Knowledge-base commands."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.cogs._question_events import question_here, thread_of
from bot.cogs.kb import _drafts, _logic, _render
from bot.core.cog import Cog
from bot.core.commands import ArgumentError, Option, command
from bot.core.events import ArticleShared
from bot.core.limits import excerpt
from bot.core.replies import Reply
from bot.retrieval.articles import Article
from bot.runtime.context import Context
from bot.storage import awards, history, knowledge

log = logging.getLogger(__name__)

MAX_GAP_TOPICS = 5


class KnowledgeCog(Cog):
    """/kb search, show, post, reload, gaps, draft and approve."""

    name = "kb"

    @command("kb search", Option("text", "text"))
    async def search(self, ctx: Context, text: str) -> None:
        """Search the knowledge base."""
        hits = await ctx.services.knowledge.search(text, ctx.language, limit=3)
        relevant = [h for h in hits if _logic.worth_listing(h)]
        await ctx.reply(_render.search_results(ctx, text, relevant), ephemeral=True)

    @command("kb show", Option("article", "word"))
    async def show(self, ctx: Context, article: str) -> None:
        """Show one article in full."""
        found = _article(ctx, article)
        await ctx.reply(_render.article(ctx, found), ephemeral=True)

    @command("kb post", Option("article", "word"), Option("question", "question", required=False))
    async def post(self, ctx: Context, article: str, question: int | None = None) -> None:
        """Share an article in a question's thread as your answer (elsewhere: give its number;
        Slack runs no command in a thread)."""
        found_question = await question_here(ctx, question)
        found = _article(ctx, article)
        sharer = ctx.event.author.id
        text = _render.shared(ctx, found, sharer)
        where = thread_of(found_question)
        # Posted first: the answer is this message, and only the platform gives its id. The
        # questions feature records it as the sharer's answer (a replay finds it recorded).
        message_id = await ctx.send(where, Reply(text, mentions=(sharer,)))
        await ctx.emit(
            ArticleShared,
            event_id=f"kb.shared.{message_id}",
            conversation=where,
            message_id=message_id,
            text=text,
            article=found.slug,
        )
        if ctx.conversation != where:  # run elsewhere: say where it went
            await ctx.tell("kb.posted_in", ref=found_question.ref)

    @command("kb reload", admin_only=True)
    async def reload(self, ctx: Context) -> None:
        """Re-read the knowledge base files (only changed articles are re-embedded)."""
        report = await ctx.services.knowledge.reload()
        await ctx.reply(_render.reload_report(ctx, report), ephemeral=True)

    @command("kb gaps", staff_only=True)
    async def gaps(self, ctx: Context) -> None:
        """Topics people asked about that no article answered, most frequent first; those
        the community solved several times come with a thread to draft an article from."""
        async with ctx.services.db.read() as conn:
            gaps = await knowledge.gaps_of(conn, ctx.community_id)
        if not gaps:
            await ctx.tell("kb.no_gaps")
            return
        texts = [text for _, text in gaps]
        vectors = await ctx.services.knowledge.embed_many(texts)
        groups = _logic.cluster(texts, vectors)[:MAX_GAP_TOPICS]
        async with ctx.services.db.read() as conn:
            found = await history.solved_threads(
                conn, ctx.community_id, ctx.config.history_min_marks
            )
        solved = {thread.number: thread for thread in found}
        await ctx.reply(_render.gaps(ctx, gaps, groups, solved), ephemeral=True)

    @command("kb draft", Option("question", "question", required=False), staff_only=True)
    async def draft(self, ctx: Context, question: int | None = None) -> None:
        """Turn a solved question and its accepted answer into an article draft (staff)."""
        found = await question_here(ctx, question)
        async with ctx.services.db.read() as conn:
            answer = await awards.best_answer(conn, found.id)
        if found.status != "solved" or answer is None:
            raise ArgumentError("kb.draft_needs_solution", ref=found.ref)
        title = excerpt(found.text.strip().splitlines()[0], 120)
        kb = ctx.services.knowledge
        taken = {a.slug for a in kb.articles if a.lang == ctx.language}
        try:
            name = await asyncio.to_thread(
                _drafts.write, kb.overlay, ctx.language, title, answer, found.ref, taken
            )
        except OSError as exc:
            raise _not_writable(kb.overlay, exc) from None
        await ctx.tell("kb.drafted", name=name, ref=found.ref)

    @command("kb approve", Option("name", "word"), staff_only=True)
    async def approve(self, ctx: Context, name: str) -> None:
        """Move a draft into the knowledge base and re-index (staff)."""
        overlay = ctx.services.knowledge.overlay
        try:
            moved = await asyncio.to_thread(_drafts.approve, overlay, name.strip().lower())
        except OSError as exc:
            raise _not_writable(overlay, exc) from None
        if moved is None:
            raise ArgumentError("kb.no_draft", name=name)
        report = await ctx.services.knowledge.reload(by=f"approved {name}")
        await ctx.tell("kb.approved", name=name, articles=report.articles)


def _article(ctx: Context, slug: str) -> Article:
    """The article a member named, in the community's language (else English)."""
    found = ctx.services.knowledge.article(slug.strip().lower(), ctx.language)
    if found is None:
        raise ArgumentError("kb.not_found", slug=slug)
    return found


def _not_writable(folder: Path, exc: OSError) -> ArgumentError:
    """The member is told which folder the bot can't write; the operator gets the cause."""
    log.warning("knowledge overlay %s is not writable: %s", folder, exc)
    return ArgumentError("kb.not_writable", folder=str(folder))
