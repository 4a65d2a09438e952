"""How far the community got with a question: what escalation at the SLA decides on."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.storage.awards import HELPFUL_ANSWER

# Helpful as everywhere else (storage.awards): accepted, or a standing mark not refused as
# suspect (the daily cap limits points, not helpfulness).
_HELPED = (
    "EXISTS (SELECT 1 FROM answers a WHERE a.question_id = q.id AND a.deleted_at IS NULL"
    f" AND {HELPFUL_ANSWER})"
)
_ANSWERED = (
    "EXISTS (SELECT 1 FROM answers a WHERE a.question_id = q.id AND a.deleted_at IS NULL"
    " AND (q.asker_id IS NULL OR a.author_id IS NOT q.asker_id))"
)


@dataclass(frozen=True)
class Help:
    """A question's state as the escalation policy sees it."""

    answered: bool  # a live answer from another member (staff included)
    helped: bool  # a live answer marked helpful or accepted
    solved: bool
    closed: bool  # closed as answered (follow-up), not reopened since
    deleted: bool  # its root message was deleted


async def of(conn: aiosqlite.Connection, question_id: int) -> Help | None:
    """What the community did for a question so far; None if there is no such question."""
    cur = await conn.execute(
        f"SELECT {_ANSWERED}, {_HELPED}, q.status = 'solved', q.closed_at IS NOT NULL,"
        " q.deleted_at IS NOT NULL FROM questions q WHERE q.id = ?",
        (question_id,),
    )
    row = await cur.fetchone()
    return Help(*(bool(v) for v in row)) if row else None
