"""Knowledge-base commands."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.cogs._question_events import question_here
from bot.cogs.kb import _drafts, _logic, _render
from bot.core.cog import Cog
from bot.core.commands import ArgumentError, Option, command
from bot.core.limits import excerpt
from bot.runtime.context import Context
from bot.storage import awards, history, knowledge

log = logging.getLogger(__name__)

MAX_GAP_TOPICS = 5


class KnowledgeCog(Cog):
    """/kb search, show, reload and gaps."""

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
        found = ctx.services.knowledge.article(article.strip().lower(), ctx.language)
        if found is None:
            raise ArgumentError("kb.not_found", slug=article)
        await ctx.reply(_render.article(ctx, found), ephemeral=True)

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
        report = await ctx.services.knowledge.reload()
        await ctx.tell("kb.approved", name=name, articles=report.articles)


def _not_writable(folder: Path, exc: OSError) -> ArgumentError:
    """The member is told which folder the bot can't write; the operator gets the cause."""
    log.warning("knowledge overlay %s is not writable: %s", folder, exc)
    return ArgumentError("kb.not_writable", folder=str(folder))
