"""Suggestion replies."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cogs._articles import numbered
from bot.core.replies import Button, Reply
from bot.retrieval.articles import Article
from bot.runtime.context import Context

SOLVED_ACTION = "kb.solved"
UNHELPFUL_ACTION = "kb.unhelpful"


def suggestions(ctx: Context, question_id: int, ref: str, articles: Sequence[Article]) -> Reply:
    """Up to three articles with an excerpt each, and the feedback buttons."""
    lines = [ctx.t("suggestions.header", ref=ref), *numbered(ctx, articles)]
    if len(articles) == 1:
        solved = [
            Button(ctx.t("suggestions.button_solved"), SOLVED_ACTION, f"{question_id}:0", "success")
        ]
    else:
        solved = [
            Button(
                ctx.t("suggestions.button_solved_n", number=n + 1),
                SOLVED_ACTION,
                f"{question_id}:{n}",
                "success",
            )
            for n in range(len(articles))
        ]
    unhelpful = Button(ctx.t("suggestions.button_unhelpful"), UNHELPFUL_ACTION, str(question_id))
    return Reply("\n".join(lines), buttons=(*solved, unhelpful))


def solved_by_kb(ctx: Context, ref: str, title: str) -> Reply:
    """Public note that the asker found the answer in an article."""
    return Reply(ctx.t("suggestions.solved_by_kb", ref=ref, title=title))
