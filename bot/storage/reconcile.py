"""What the reconnect sweep reads and writes: per-channel cursors (the newest message handled
in a channel or thread, never moving back), the threads worth a look, the standing marks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite


async def get(conn: aiosqlite.Connection, community_id: int, channel_id: str) -> int | None:
    """The newest message id handled in this channel, or None if it was never watched."""
    cur = await conn.execute(
        "SELECT last_message_id FROM channel_cursors WHERE community_id = ? AND channel_id = ?",
        (community_id, channel_id),
    )
    row = await cur.fetchone()
    return int(row[0]) if row else None


async def advance(
    tx: aiosqlite.Connection, community_id: int, channel_id: str, message_id: int, at: datetime
) -> None:
    """Move the cursor forward to `message_id`; an older id (late, replayed) changes nothing."""
    await tx.execute(
        "INSERT INTO channel_cursors (community_id, channel_id, last_message_id, updated_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (community_id, channel_id) DO UPDATE SET"
        " last_message_id = excluded.last_message_id,"  # only when newer: see WHERE
        " updated_at = excluded.updated_at"
        " WHERE excluded.last_message_id > channel_cursors.last_message_id",
        (community_id, channel_id, message_id, at.isoformat()),
    )


async def unsolved_threads(conn: aiosqlite.Connection, community_id: int, limit: int) -> list[str]:
    """Threads of the newest unsolved questions (those a missed reply or mark could change)."""
    cur = await conn.execute(
        "SELECT thread_id FROM questions WHERE community_id = ? AND thread_id IS NOT NULL"
        " AND status != 'solved' AND deleted_at IS NULL ORDER BY id DESC LIMIT ?",
        (community_id, limit),
    )
    return [str(row[0]) for row in await cur.fetchall()]


@dataclass(frozen=True)
class Giver:
    """A member whose helpful mark stands on an answer."""

    external_id: str
    name: str
    is_staff: bool


async def mark_givers(
    conn: aiosqlite.Connection, community_id: int, message_id: str
) -> list[Giver]:
    """Who holds a standing helpful mark on the answer posted as this message."""
    cur = await conn.execute(
        "SELECT m.external_id, m.display_name, m.is_staff FROM helpful_marks hm"
        " JOIN answers a ON a.id = hm.answer_id JOIN members m ON m.id = hm.giver_id"
        " WHERE a.community_id = ? AND a.message_id = ? AND a.deleted_at IS NULL ORDER BY hm.id",
        (community_id, message_id),
    )
    return [Giver(str(r[0]), str(r[1]), bool(r[2])) for r in await cur.fetchall()]


async def is_answer(conn: aiosqlite.Connection, community_id: int, message_id: str) -> bool:
    """Whether this message is a recorded answer, not deleted (only answers carry marks)."""
    cur = await conn.execute(
        "SELECT 1 FROM answers WHERE community_id = ? AND message_id = ? AND deleted_at IS NULL",
        (community_id, message_id),
    )
    return await cur.fetchone() is not None


async def is_question_thread(conn: aiosqlite.Connection, community_id: int, thread_id: str) -> bool:
    """Whether this thread is a question's (so every reply in it matters)."""
    cur = await conn.execute(
        "SELECT 1 FROM questions WHERE community_id = ? AND thread_id = ?",
        (community_id, thread_id),
    )
    return await cur.fetchone() is not None
