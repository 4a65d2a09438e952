"""Suggestion replies."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cogs._articles import numbered
from bot.cogs.suggestions import _history
from bot.cogs.suggestions._history import Item
from bot.core.replies import Button, Reply
from bot.runtime.context import Context
from bot.storage.history import SolvedThread

SOLVED_ACTION = "kb.solved"
UNHELPFUL_ACTION = "kb.unhelpful"


async def suggestions(ctx: Context, question_id: int, ref: str, items: Sequence[Item]) -> Reply:
    """Up to three articles and earlier threads, an excerpt each, and the feedback buttons."""
    threads = sum(1 for item in items if isinstance(item, SolvedThread))
    if not threads:
        header = "suggestions.header"
    else:
        header = (
            "suggestions.header_history" if threads == len(items) else "suggestions.header_mixed"
        )
    lines = [ctx.t(header, ref=ref)]
    for number, item in enumerate(items, start=1):
        if isinstance(item, SolvedThread):
            lines.append(await _history.line(ctx, number, item))
        else:
            lines.extend(numbered(ctx, [item], start=number))
    if len(items) == 1:
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
            for n in range(len(items))
        ]
    unhelpful = Button(ctx.t("suggestions.button_unhelpful"), UNHELPFUL_ACTION, str(question_id))
    return Reply("\n".join(lines), buttons=(*solved, unhelpful))


def solved_by_kb(ctx: Context, ref: str, title: str) -> Reply:
    """Public note that the asker found the answer in an article."""
    return Reply(ctx.t("suggestions.solved_by_kb", ref=ref, title=title))


async def solved_by_history(ctx: Context, ref: str, thread: SolvedThread) -> Reply:
    """Public note that an earlier thread's answer solved the question."""
    earlier = await _history.thread_link(ctx, thread)
    text = ctx.t(
        "suggestions.solved_by_history", ref=ref, earlier=earlier, author=thread.author_external_id
    )
    return Reply(text)
