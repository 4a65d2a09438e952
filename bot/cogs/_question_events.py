"""Internal question events that several features raise (not a feature: no `setup`)."""

from __future__ import annotations

from bot.context import Context
from bot.core.events import QuestionSolved
from bot.core.identity import Conversation
from bot.storage.questions import Question


def thread_of(question: Question) -> Conversation:
    """Where a question's conversation happens."""
    return Conversation(question.channel_id, question.thread_id)


async def announce_solved(ctx: Context, question: Question, resolution: str) -> None:
    """Tell every feature a question was solved; its event id makes it happen once."""
    await ctx.app.dispatch(
        QuestionSolved(
            event_id=f"question.{question.id}.solved",
            community=ctx.event.community,
            author=ctx.event.author,
            at=ctx.event.at,
            question_id=question.id,
            number=question.number,
            resolution=resolution,
            conversation=thread_of(question),
        )
    )
