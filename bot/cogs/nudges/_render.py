"""Nudge messages and their buttons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.core.limits import NUDGE, excerpt
from bot.core.replies import Button, Reply
from bot.storage.questions import Question

TAKE_ACTION = "nudge.take"
DECLINE_ACTION = "nudge.decline"
Translate = Callable[..., str]


def _excerpt(text: str, limit: int = NUDGE) -> str:
    return excerpt(" ".join(text.split()), limit)


def _buttons(t: Translate, question: Question) -> tuple[Button, ...]:
    return (
        Button(t("nudges.button_take"), TAKE_ACTION, str(question.id), "primary"),
        Button(t("nudges.button_decline"), DECLINE_ACTION, str(question.id)),
    )


def in_thread(t: Translate, question: Question, members: list[str], waited: timedelta) -> Reply:
    """One message in the question's thread, pinging exactly the nudged members."""
    names = " ".join(f"<@{m}>" for m in members)
    text = t("nudges.thread", members=names, ref=question.ref, waited=waited)
    return Reply(text, buttons=_buttons(t, question), mentions=tuple(members))


def by_dm(t: Translate, question: Question, member: str, waited: timedelta) -> Reply:
    """A private nudge, for members who asked for DMs."""
    text = t(
        "nudges.dm", member=member, ref=question.ref, waited=waited, text=_excerpt(question.text)
    )
    return Reply(text, buttons=_buttons(t, question))
