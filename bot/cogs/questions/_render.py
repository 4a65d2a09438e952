"""Replies of the question loop."""

from __future__ import annotations

from bot.cogs._question_events import still_need_help
from bot.core.limits import POST, excerpt
from bot.core.replies import Button, Reply, mention
from bot.runtime.context import Context
from bot.storage.questions import Question

SOLVE_ACTION = "question.solve"


def intro(
    ctx: Context, question: Question, asker_external_id: str, answered: bool = False
) -> Reply:
    """The note that opens a question's thread, with the Solved button; once it has answers,
    with Still need help too (the asker calls staff)."""
    text = ctx.t("questions.intro", ref=question.ref, asker=mention(asker_external_id))
    button = Button(ctx.t("questions.button_solved"), SOLVE_ACTION, str(question.id), "success")
    if answered:
        return Reply(text, buttons=(button, still_need_help(ctx.t, question.id)))
    return Reply(text, buttons=(button,))


def solved(ctx: Context, question: Question, by_external_id: str) -> Reply:
    """Public note that a question is solved."""
    return Reply(ctx.t("questions.solved", ref=question.ref, member=mention(by_external_id)))


def asked(ctx: Context, asker_external_id: str, text: str) -> Reply:
    """The post /ask makes in the help channel; the user's text never pings anyone."""
    return Reply(
        ctx.t("questions.asked", asker=mention(asker_external_id), text=excerpt(text, POST))
    )
