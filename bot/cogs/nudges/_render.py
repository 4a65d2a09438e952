"""Nudge messages and their buttons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.cogs.nudges._logic import Candidate
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


def experts(t: Translate, query: str, candidates: list[Candidate], limit: int) -> str:
    """/experts: who would be nudged for a question like `query`, and why."""
    if not candidates:
        return t("nudges.no_experts", query=_excerpt(query, 80))
    lines = [t("nudges.experts_header", query=_excerpt(query, 80), limit=limit)]
    for place, c in enumerate(candidates, start=1):
        why = t(f"nudges.skip_{c.skip}") if c.skip else t("nudges.would_nudge")
        lines.append(
            t(
                "nudges.expert_item",
                place=place,
                member=c.external_id,
                score=f"{c.score:.2f}",
                evidence=c.evidence,
                why=why,
            )
        )
    return "\n".join(lines)
