"""The staff card (private channel) and the one public line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.core.replies import Button, Reply
from bot.storage.escalations import Escalation
from bot.storage.questions import Question

CLAIM, RESOLVE, RETURN = "escalation.claim", "escalation.resolve", "escalation.return"
Translate = Callable[..., str]


def card(
    t: Translate,
    question: Question,
    reason: str,
    asked: int,
    points: int,
    hits: list[str],
    waited_minutes: int,
    assignee: str | None,
) -> Reply:
    """Everything staff need in one message; it pings only the assignee (if any)."""
    lines = [
        t(f"escalation.card_{reason}", ref=question.ref, minutes=waited_minutes),
        t(
            "escalation.card_asker",
            asker=question.asker_external_id or "?",
            asked=asked,
            points=points,
        ),
        "> " + " ".join(question.text.split())[:600],
    ]
    if hits:
        lines.append(t("escalation.card_hits", titles="; ".join(hits)))
    if assignee:
        lines.append(t("escalation.card_assigned", member=assignee))
    buttons = (
        Button(t("escalation.button_claim"), CLAIM, str(question.id), "primary"),
        Button(t("escalation.button_resolve"), RESOLVE, str(question.id), "success"),
        Button(t("escalation.button_return"), RETURN, str(question.id)),
    )
    return Reply("\n".join(lines), buttons=buttons, mentions=(assignee,) if assignee else ())


def listing(t: Translate, items: list[Escalation], now: datetime) -> str:
    """/escalations: open and claimed ones with their age."""
    if not items:
        return t("escalation.none_open")
    lines = [t("escalation.list_header")]
    for item in items:
        minutes = int((now - datetime.fromisoformat(item.created_at)).total_seconds() // 60)
        lines.append(
            t(
                f"escalation.list_{item.status}",
                ref=f"Q{item.number}",
                minutes=minutes,
                member=item.assignee or "",
            )
        )
    return "\n".join(lines)
