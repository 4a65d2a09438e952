"""Earlier solved threads among the suggestions: which to show, and how each reads."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.cogs.suggestions import _logic
from bot.core.identity import Conversation
from bot.core.limits import excerpt
from bot.core.replies import linked
from bot.retrieval.articles import Article
from bot.retrieval.history import ThreadHit, key_of, question_of
from bot.runtime.context import Context
from bot.storage import history
from bot.storage.history import SolvedThread
from bot.storage.knowledge import Feedback

Item = Article | SolvedThread  # one line of a suggestion message
ANSWER_EXCERPT = 160


async def confident(
    ctx: Context,
    question_id: int,
    text: str,
    vectors: np.ndarray | None,
    feedback: Sequence[Feedback],
) -> list[ThreadHit]:
    """The earlier threads worth showing for a new question (none when turned off)."""
    config = ctx.config
    if not config.history_suggestions:
        return []
    hits = await ctx.services.history.search(
        ctx.community_id,
        text,
        ctx.language,
        min_marks=config.history_min_marks,
        limit=config.history_max,
        query_vectors=vectors,
        adjust=lambda vector: _logic.adjustments(feedback, vector, text),
        exclude=(question_id,),
    )
    return _logic.in_rank_order(hits, lambda hit: _floor(hit, ctx), config.history_max)


def _floor(hit: ThreadHit, ctx: Context) -> float:
    """The history gate: a cosine with the model, the share of the question without."""
    if hit.dense is None:
        return ctx.config.history_min_coverage
    return ctx.config.history_min_similarity


def keys(hits: Sequence[ThreadHit]) -> list[str]:
    """How the shown threads are recorded beside article keys."""
    return [key_of(hit.thread.question_id) for hit in hits]


async def items(ctx: Context, shown: Sequence[str]) -> list[Item]:
    """The articles and threads a suggestion showed, in its order; gone ones left out."""
    wanted = {q for q in map(question_of, shown) if q is not None}
    threads: dict[int, SolvedThread] = {}
    if wanted:
        async with ctx.services.db.read() as conn:
            found = await history.solved_threads(
                conn, ctx.community_id, ctx.config.history_min_marks
            )
        threads = {t.question_id: t for t in found if t.question_id in wanted}
    result: list[Item] = []
    for key in shown:
        question = question_of(key)
        item = ctx.services.knowledge.by_key(key) if question is None else threads.get(question)
        if item is not None:
            result.append(item)
    return result


async def thread_link(ctx: Context, thread: SolvedThread) -> str:
    """The earlier thread's ref, linked where the platform has addresses."""
    where = Conversation(thread.channel_id, thread.thread_id)
    return linked(thread.ref, await ctx.chat.link(ctx.community, where))


async def line(ctx: Context, number: int, thread: SolvedThread) -> str:
    """'Asked before: Q12 — title — the answer by @bob (✅ 3): excerpt'."""
    if thread.accepted:
        badge = ctx.t("suggestions.badge_accepted")
    elif thread.marks:
        badge = ctx.t("suggestions.badge_marks", marks=thread.marks)
    else:
        badge = ctx.t("suggestions.badge_staff")
    return ctx.t(
        "suggestions.history_item",
        number=number,
        ref=await thread_link(ctx, thread),
        title=excerpt(thread.title, 90),
        author=thread.author_external_id,
        badge=badge,
        excerpt=excerpt(" ".join(thread.answer_text.split()), ANSWER_EXCERPT),
    )
