"""What the bot did during a replay, read from its database (read-only; the bench's only SQL).

No storage function answers these bench questions (cards by cause, escalations left open on
finished questions, the first helpful mark of each question), so they are asked here, in one
place, on a read connection.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import aiosqlite

# One row a question: its status, when it was first marked helpful (a standing mark that
# counts, as in the insights, or an accept) and its escalation, if any.
_QUESTIONS = """
SELECT q.created_at, q.first_answer_at, q.status, q.closed_at,
       (SELECT MIN(h.marked_at) FROM helpful_marks h JOIN answers a ON a.id = h.answer_id
         WHERE a.question_id = q.id AND (h.refusal IS NULL OR h.refusal = 'daily_cap')),
       (SELECT acc.accepted_at FROM accepted_answers acc WHERE acc.question_id = q.id),
       e.reason, e.status
FROM questions q LEFT JOIN escalations e ON e.question_id = q.id
WHERE q.community_id = ? AND q.deleted_at IS NULL
"""
_COUNTS = """
SELECT (SELECT COUNT(*) FROM answers WHERE community_id = ? AND deleted_at IS NULL),
       (SELECT COUNT(*) FROM helpful_marks WHERE community_id = ?),
       (SELECT COUNT(*) FROM nudges WHERE community_id = ?)
"""
OPEN = ("open", "claimed")


@dataclass
class BotRecords:
    """The bot's side of the replay table."""

    sla_minutes: int = 0
    questions: int = 0
    answers: int = 0
    helpful_marks: int = 0
    nudges: int = 0
    cards: Counter[str] = field(default_factory=Counter)  # escalations by reason
    unanswered_at_sla: int = 0  # no answer from another member before the SLA
    sensitive_unanswered: int = 0  # sensitive cards on those questions (no SLA card for them)
    unhelped_at_sla: int = 0  # no helpful mark or accept before the SLA
    sensitive_unhelped: int = 0  # sensitive cards on those questions
    never_helped: int = 0
    sla_cards_after_help: int = 0  # SLA card on a question helped before the card
    open_escalations: int = 0
    open_on_done: int = 0  # still open or claimed, question solved or closed as answered
    solved: int = 0
    closed: int = 0


def _time(text: object) -> datetime | None:
    return datetime.fromisoformat(str(text)) if text else None


async def read_records(conn: aiosqlite.Connection, community_id: int, sla: timedelta) -> BotRecords:
    """Count what the bot recorded for one community."""
    records = BotRecords(sla_minutes=int(sla.total_seconds() // 60))
    cur = await conn.execute(_COUNTS, (community_id,) * 3)
    row = await cur.fetchone()
    assert row is not None
    records.answers, records.helpful_marks, records.nudges = (int(x) for x in row)
    cur = await conn.execute(_QUESTIONS, (community_id,))
    for question in await cur.fetchall():
        created_text, answered, status, closed_at, marked, accepted, reason, e_status = question
        created = datetime.fromisoformat(created_text)
        helped = min((t for t in (_time(marked), _time(accepted)) if t), default=None)
        first = _time(answered)
        unanswered = first is None or first - created >= sla
        records.questions += 1
        records.unanswered_at_sla += unanswered
        records.solved += status == "solved"
        records.closed += closed_at is not None and status != "solved"
        records.never_helped += helped is None
        unhelped = helped is None or helped - created >= sla
        records.unhelped_at_sla += unhelped
        if reason is None:
            continue
        records.cards[str(reason)] += 1
        records.sensitive_unanswered += reason == "sensitive" and unanswered
        records.sensitive_unhelped += reason == "sensitive" and unhelped
        if reason == "sla" and helped is not None and helped - created < sla:
            records.sla_cards_after_help += 1
        if e_status in OPEN:
            records.open_escalations += 1
            records.open_on_done += status == "solved" or closed_at is not None
    return records
