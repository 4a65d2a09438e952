"""The staff card (private channel), its later states, and the /escalations listing."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from bot.core.identity import UNKNOWN_MEMBER
from bot.core.limits import CARD, excerpt
from bot.core.replies import Button, Reply
from bot.storage.escalations import Escalation
from bot.storage.questions import Question

CLAIM, RESOLVE, RETURN = "escalation.claim", "escalation.resolve", "escalation.return"
TAKE_OVER = "escalation.take_over"
PAGE_SIZE = 10
Translate = Callable[..., str]


def cause(
    t: Translate,
    question: Question,
    reason: str,
    policy: str | None,
    waited_seconds: float,
    requester: str | None = None,
) -> str:
    """The card's first line: why staff get it (the policy that sent it, the asker's call,
    or a sensitive topic), with the true wait since the question was asked."""
    if reason == "sensitive":
        return t("escalation.card_sensitive", ref=question.ref)
    if reason == "asker":
        asker = requester or question.asker_external_id or "?"
        return t("escalation.card_requested", ref=question.ref, asker=asker, waited=waited_seconds)
    return t(f"escalation.card_{policy or 'unsolved'}", ref=question.ref, waited=waited_seconds)


def card(
    t: Translate,
    question: Question,
    headline: str,
    asked: int,
    points: int,
    hits: list[str],
    assignee: str | None,
) -> Reply:
    """Everything staff need in one message; it pings only the assignee (if any)."""
    lines = [
        headline,
        t(
            "escalation.card_history",
            asker=question.asker_external_id or "?",
            asked=asked,
            points=points,
        ),
        "> " + excerpt(" ".join(question.text.split()), CARD),
    ]
    if hits:
        lines.append(t("escalation.card_hits", titles="; ".join(hits)))
    if assignee:
        lines.append(t("escalation.card_assigned", member=assignee))
    return Reply(
        "\n".join(lines), buttons=buttons(t, question.id, "open"), mentions=_only(assignee)
    )


def buttons(t: Translate, question_id: int, status: str) -> tuple[Button, ...]:
    """What staff can still do: Claim, Resolve, Return while open; Resolve, Return and Take
    over once claimed (no second Claim); none once over."""
    value = str(question_id)
    claim = Button(t("escalation.button_claim"), CLAIM, value, "primary")
    resolve = Button(t("escalation.button_resolve"), RESOLVE, value, "success")
    give_back = Button(t("escalation.button_return"), RETURN, value)
    if status == "open":
        return (claim, resolve, give_back)
    if status == "claimed":
        return (resolve, give_back, Button(t("escalation.button_take_over"), TAKE_OVER, value))
    return ()


def shown(record: Escalation) -> str:
    """What the card shows, as stored in card_status: the status, and for a claim which hold
    (a take over changes the holder, not the status, and must edit the card again)."""
    if record.status == "claimed":
        return f"claimed#{record.holds}"
    return record.status


def card_now(t: Translate, record: Escalation, how: str | None) -> Reply:
    """The card edited to show who holds it, or how it ended (no buttons then, no pings)."""
    who = (record.closed_by if record.status != "claimed" else record.claimed_by) or "?"
    after = 0.0
    if record.closed_at:
        after = (_at(record.closed_at) - _at(record.created_at)).total_seconds()
    if record.status == "closed":
        outcome = record.outcome or "solved"
        if outcome == "deleted" and who in ("?", UNKNOWN_MEMBER.id):
            outcome = "deleted_unknown"  # the platform didn't say who: no name, not a wrong one
        line = t(
            f"escalation.card_closed_{outcome}",
            ref=record.ref,
            how=t(f"escalation.how_{how or 'community'}"),
            member=who,
            after=after,
        )
    elif record.status == "claimed":
        since = record.held_since or record.created_at
        after = (_at(since) - _at(record.created_at)).total_seconds()
        key = "card_taken_over" if record.taken_over else "card_claimed"
        line = t(f"escalation.{key}", member=who, after=after)
    else:
        line = t(f"escalation.card_{record.status}", member=who, after=after)
    text = f"{record.card_text}\n{line}" if record.card_text else line
    return Reply(text, buttons=buttons(t, record.question_id, record.status))


def listing(t: Translate, items: list[Escalation], total: int, page: int, now: datetime) -> str:
    """/escalations: one page of open and claimed ones, their true wait, how to see more."""
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if not total:
        return t("escalation.none_open")
    if not items:
        return t("escalation.list_no_page", page=page, total=total, pages=pages)
    lines = [t("escalation.list_header", total=total)]
    for item in items:
        lines.append(
            t(
                f"escalation.list_{item.status}",
                ref=item.ref,
                waited=now - _at(item.question_created_at),
                member=item.claimed_by or "?",
            )
        )
    if pages > 1:
        key = "escalation.list_more" if page < pages else "escalation.list_last"
        lines.append(t(key, page=page, pages=pages, next=page + 1))
    return "\n".join(lines)


def _at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def _only(member: str | None) -> tuple[str, ...]:
    return (member,) if member else ()
