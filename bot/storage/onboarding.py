"""Onboarding invitations: who was invited once, and the open questions they might take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite


@dataclass(frozen=True)
class OpenQuestion:
    """An open question a new helper could be invited to."""

    id: int
    number: int
    text: str


async def invited(conn: aiosqlite.Connection, community_id: int, member_id: int) -> bool:
    """Whether a member was already invited (an invitation comes once)."""
    cur = await conn.execute(
        "SELECT 1 FROM onboarding_invites WHERE community_id = ? AND member_id = ?",
        (community_id, member_id),
    )
    return await cur.fetchone() is not None


async def open_for(
    conn: aiosqlite.Connection, community_id: int, member_id: int, limit: int
) -> list[OpenQuestion]:
    """The latest open questions in a thread, neither asked nor answered by this member."""
    cur = await conn.execute(
        "SELECT q.id, q.number, q.text FROM questions q"
        " WHERE q.community_id = ? AND q.status IN ('open', 'nudged')"
        " AND q.deleted_at IS NULL AND q.thread_id IS NOT NULL"
        " AND (q.asker_id IS NULL OR q.asker_id != ?)"
        " AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.question_id = q.id"
        "  AND a.author_id = ?)"
        " ORDER BY q.id DESC LIMIT ?",
        (community_id, member_id, member_id, limit),
    )
    return [OpenQuestion(int(r[0]), int(r[1]), str(r[2])) for r in await cur.fetchall()]


async def record_invite(
    tx: aiosqlite.Connection, community_id: int, member_id: int, question_id: int, at: datetime
) -> bool:
    """Record an invitation before sending it; False if this member was invited already."""
    cur = await tx.execute(
        "INSERT INTO onboarding_invites (community_id, member_id, question_id, invited_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (community_id, member_id, question_id, at.isoformat()),
    )
    return cur.rowcount == 1


async def drop_question(tx: aiosqlite.Connection, community_id: int, member_id: int) -> None:
    """Keep a member's invitation row but unlink the question it named."""
    await tx.execute(
        "UPDATE onboarding_invites SET question_id = NULL WHERE community_id = ? AND member_id = ?",
        (community_id, member_id),
    )
