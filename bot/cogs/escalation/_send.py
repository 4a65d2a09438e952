"""Sending a question to staff: recorded once, then the public line and the staff card."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.cogs._question_events import show_state, thread_of
from bot.cogs.escalation import _logic, _render
from bot.core.identity import Conversation
from bot.core.replies import Reply
from bot.storage import communities, escalations, questions
from bot.storage import reputation as rep

if TYPE_CHECKING:
    from bot.core.services import Services

REPING = "escalation_reping"


async def escalate(
    services: Services,
    community_id: int,
    question_id: int,
    reason: str,
    at: datetime,
    *,
    policy: str | None = None,
    requester: str | None = None,
) -> None:
    """Record once (the asker may open again what staff returned or what closed itself),
    then post the public line and the staff card; each step is recorded, so a replay
    resumes where it stopped."""
    config = await services.community_config(community_id)
    async with services.db.transaction() as tx:
        question = await questions.by_id(tx, community_id, question_id)
        if question is None or question.status == "solved" or not question.thread_id:
            return
        last = await escalations.last_assignee(tx, community_id)
        assignee = _logic.next_on_duty(config.on_duty, last)
        opened = await escalations.open_once(
            tx, community_id, question.id, reason, assignee, at, policy
        )
        if not opened and reason == "asker":
            opened = await escalations.reopen(tx, question.id, reason, assignee, at)
        if opened:
            if question.status != "escalated":
                await questions.change_status(tx, question, "escalated", at, None)
            if assignee:
                await services.timers.schedule(
                    tx,
                    community_id,
                    REPING,
                    f"question:{question.id}",
                    at + timedelta(minutes=config.reping_minutes),
                    {"question_id": question.id},
                )
        record = await escalations.of(tx, question.id)
        asker = question.asker_id
        asked = await questions.count_by_asker(tx, community_id, asker) if asker else 0
        points = await rep.total(tx, community_id, asker) if asker else 0
        community = await communities.by_id(tx, community_id)
    if record is None or community is None or record.status not in escalations.ACTIVE:
        return
    chat = services.chat(community)
    t = services.messages.translator(config.language)
    if record.notice_id is None:
        notice = await chat.send(
            community, thread_of(question), Reply(t("escalation.public_notice"))
        )
        async with services.db.transaction() as tx:
            await escalations.update(tx, question.id, notice_id=notice)
    if record.staff_message_id is None:
        hits = [
            h.article.title
            for h in await services.knowledge.search(question.text, config.language, limit=3)
        ]
        # The true wait: from the question to the moment it went to staff.
        waited = (at - datetime.fromisoformat(question.created_at)).total_seconds()
        headline = _render.cause(t, question, record.reason, record.policy, waited, requester)
        reply = _render.card(t, question, headline, asked, points, hits, record.assignee)
        channel = config.staff_channel
        message_id = await chat.send(community, Conversation(channel), reply)
        async with services.db.transaction() as tx:
            await escalations.update(
                tx,
                question.id,
                staff_message_id=message_id,
                staff_channel=channel,
                card_text=reply.text,
                card_status="open",
            )
    await show_state(services, community_id, question.id)  # the Staff tag of a forum post
