"""Internal question events that several features raise (not a feature: no `setup`)."""

from __future__ import annotations

from collections.abc import Callable

from bot.context import Context
from bot.core.commands import ArgumentError
from bot.core.events import QuestionSolved
from bot.core.identity import Conversation
from bot.core.replies import Button
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


# The Still need help button: shown by the thread intro and the accept reminder, handled by
# the escalation feature (the asker calls staff at once).
STILL_NEED_HELP = "escalation.ask"


def still_need_help(t: Callable[..., str], question_id: int) -> Button:
    """The Still need help button of a question."""
    return Button(t("escalation.button_help"), STILL_NEED_HELP, str(question_id))
