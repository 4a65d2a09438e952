"""Internal question events that several features raise (not a feature: no `setup`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core.commands import ArgumentError
from bot.core.events import CommandInvoked, EarlierAnswerReused, QuestionSolved
from bot.core.identity import Conversation
from bot.core.ports import QuestionState
from bot.core.replies import Button
from bot.runtime.context import Context
from bot.storage import communities, escalations, knowledge, questions
from bot.storage.questions import Question

if TYPE_CHECKING:
    from bot.core.services import Services


def thread_of(question: Question) -> Conversation:
    """Where a question's conversation happens."""
    return Conversation(question.channel_id, question.thread_id)


async def show_state(services: Services, community_id: int, question_id: int) -> None:
    """Show a question's state on its platform (forum tags, ✅) as the database has it now:
    solved, with staff (an open or claimed escalation), or open. Call after the change is
    stored; showing it again changes nothing."""
    async with services.db.read() as conn:
        question = await questions.by_id(conn, community_id, question_id)
        record = await escalations.of(conn, question_id)
        community = await communities.by_id(conn, community_id)
    if question is None or community is None or not question.thread_id:
        return
    state: QuestionState = "open"
    if question.status == "solved":
        state = "solved"
    elif record is not None and record.status in escalations.ACTIVE:
        state = "escalated"
    close = (
        state == "solved" and (await services.community_config(community_id)).forum_close_on_solve
    )
    where = thread_of(question)
    await services.chat(community).show_state(
        community, where, question.root_message_id, state, close=close
    )


async def announce_solved(ctx: Context, question: Question, resolution: str) -> None:
    """Tell every feature a question was solved (its event id makes it happen once per solve:
    a question its asker reopened and that is solved again is news again), then show it
    solved (forum tag, ✅): that runs again on a replay, where it changes nothing."""
    async with ctx.services.db.read() as conn:
        solves = await questions.times_solved(conn, question.id)
    await ctx.emit(
        QuestionSolved,
        event_id=f"question.{question.id}.solved.{solves}",
        question_id=question.id,
        number=question.number,
        resolution=resolution,
        conversation=thread_of(question),
    )
    await show_state(ctx.services, ctx.community_id, question.id)


async def withdraw_history(ctx: Context, question: Question) -> bool:
    """The asker takes back the earlier thread that solved their question: it is open again
    and the earlier answer's points go back (the reputation feature hears the event). False
    if it wasn't solved that way."""
    if question.status != "solved" or question.resolution != "history":
        return False
    async with ctx.services.db.transaction() as tx:
        await questions.reopen(tx, question, ctx.event.at, ctx.member_id)
        await knowledge.set_outcome(tx, question.id, "rejected")
    await ctx.emit(
        EarlierAnswerReused,
        event_id=f"{ctx.event.event_id}:reuse",
        question_id=question.id,
        number=question.number,
        answer_id=None,
        receiver_id=None,
        added=False,
    )
    await show_state(ctx.services, ctx.community_id, question.id)
    return True


async def question_here(ctx: Context, number: int | None) -> Question:
    """The question a command means: Q<number> if given, else the thread it runs in."""
    async with ctx.services.db.read() as conn:
        if number is None:
            thread = ctx.conversation.thread_id if ctx.conversation else None
            found = await questions.by_thread(conn, ctx.community_id, thread or "")
        else:
            found = await questions.by_number(conn, ctx.community_id, number)
    if found is None:
        raise ArgumentError("questions.which_question", example=question_example(ctx))
    return found


def question_example(ctx: Context) -> str:
    """The command being run, with Q3 for its question, as its platform writes it:
    `/bounty AMOUNT Q3` (Slack: `/entraide bounty AMOUNT Q3`)."""
    event = ctx.event
    spec = (
        ctx.services.commands.specs.get(event.name) if isinstance(event, CommandInvoked) else None
    )
    if spec is None:
        return "/solved Q3"
    return ctx.chat.usage(spec).replace("[QUESTION]", "Q3")


# The Still need help button: shown by the thread intro and the accept reminder, handled by
# the escalation feature (the asker calls staff at once).
STILL_NEED_HELP = "escalation.ask"


def still_need_help(t: Callable[..., str], question_id: int) -> Button:
    """The Still need help button of a question."""
    return Button(t("escalation.button_help"), STILL_NEED_HELP, str(question_id))
