"""Internal question events that several features raise (not a feature: no `setup`)."""

from __future__ import annotations

from bot.context import Context
from bot.core.commands import ArgumentError
from bot.core.events import QuestionSolved
from bot.core.identity import Conversation
from bot.storage import questions
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


async def question_here(ctx: Context, number: int | None) -> Question:
    """The question a command means: Q<number> if given, else the thread it runs in."""
    async with ctx.app.db.read() as conn:
        if number is None:
            thread = ctx.conversation.thread_id if ctx.conversation else None
            found = await questions.by_thread(conn, ctx.community_id, thread or "")
        else:
            found = await questions.by_number(conn, ctx.community_id, number)
    if found is None:
        raise ArgumentError("questions.which_question")
    return found
