"""The staff card after it was posted: closed with its question's outcome, edited in place.

Public (no underscore) on purpose: the follow-up feature closes a question as answered and
closes its escalation through `close`; nothing else outside this package uses it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from bot.cogs._question_events import show_state
from bot.cogs.escalation import _render
from bot.core.identity import Conversation
from bot.storage import communities, escalations, questions

if TYPE_CHECKING:
    from bot.core.services import Services

log = logging.getLogger(__name__)


async def close(
    services: Services,
    community_id: int,
    question_id: int,
    outcome: str,
    by_member_id: int | None,
    at: datetime,
) -> None:
    """Solved, closed as answered or deleted: an open or claimed escalation closes with that
    outcome (stored first), then its card shows it. Nothing happens twice: a closed
    escalation stays closed, and the card is edited once per state."""
    async with services.db.transaction() as tx:
        closed = await escalations.close_active(tx, question_id, outcome, by_member_id, at)
    if closed and outcome != "solved":  # solved: shown with the question (announce_solved)
        await show_state(services, community_id, question_id)
    await refresh(services, community_id, question_id)


async def refresh(services: Services, community_id: int, question_id: int) -> None:
    """Edit the card to show the escalation's state (claimed by whom since when, resolved,
    returned, closed) and only the buttons that still make sense; recorded, so a replay
    doesn't edit it again (a take over is a new state: the holder changed). Read again after
    each edit: a state that changed meanwhile (a claim and a take over a moment apart, their
    edits crossing) gets its own edit, so the card ends on the latest one."""
    for _ in range(3):  # bounded: a card changing faster than it can be edited waits its turn
        if not await _edit_once(services, community_id, question_id):
            return


async def _edit_once(services: Services, community_id: int, question_id: int) -> bool:
    """One edit if the card shows an older state than the stored one; False if none was due."""
    async with services.db.read() as conn:
        record = await escalations.of(conn, question_id)
        question = await questions.by_id(conn, community_id, question_id)
        community = await communities.by_id(conn, community_id)
    if record is None or question is None or community is None:
        return False
    now_shows = _render.shown(record)
    if record.staff_message_id is None or now_shows in ("open", record.card_status):
        return False
    config = await services.community_config(community_id)
    t = services.messages.translator(config.language)
    reply = _render.card_now(t, record, question.resolution)
    where = Conversation(record.staff_channel or config.staff_channel)
    await services.chat(community).edit(community, where, record.staff_message_id, reply)
    async with services.db.transaction() as tx:
        await escalations.update(tx, question_id, card_status=now_shows)
    log.debug("staff card of %s now shows %s", record.ref, now_shows)
    return True
