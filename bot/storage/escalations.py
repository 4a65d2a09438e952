"""Escalation rows: opened once per question, then claimed, resolved or returned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite


@dataclass(frozen=True)
class Escalation:
    """A question in the staff channel."""

    question_id: int
    number: int
    reason: str
    status: str
    staff_message_id: str | None
    notice_id: str | None
    assignee: str | None
    created_at: str


_SELECT = (
    "SELECT e.question_id, q.number, e.reason, e.status, e.staff_message_id, e.notice_id,"
    " e.assignee, e.created_at FROM escalations e JOIN questions q ON q.id = e.question_id"
)


def _row(row: Any) -> Escalation:
    return Escalation(*tuple(row))


async def open_once(
    tx: aiosqlite.Connection,
    community_id: int,
    question_id: int,
    reason: str,
    assignee: str | None,
    at: datetime,
) -> bool:
    """Record an escalation unless the question has one already."""
    cur = await tx.execute(
        "INSERT INTO escalations (question_id, community_id, reason, assignee, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (question_id, community_id, reason, assignee, at.isoformat()),
    )
    return cur.rowcount == 1


async def of(conn: aiosqlite.Connection, question_id: int) -> Escalation | None:
    """A question's escalation."""
    cur = await conn.execute(f"{_SELECT} WHERE e.question_id = ?", (question_id,))
    row = await cur.fetchone()
    return _row(row) if row else None


async def update(tx: aiosqlite.Connection, question_id: int, **fields: Any) -> None:
    """Set columns of an escalation (names come from our code, never from users)."""
    columns = ", ".join(f"{name} = ?" for name in fields)
    await tx.execute(
        f"UPDATE escalations SET {columns} WHERE question_id = ?", (*fields.values(), question_id)
    )


async def active(conn: aiosqlite.Connection, community_id: int) -> list[Escalation]:
    """Open and claimed escalations, oldest first."""
    cur = await conn.execute(
        f"{_SELECT} WHERE e.community_id = ? AND e.status IN ('open', 'claimed')"
        " ORDER BY e.created_at",
        (community_id,),
    )
    return [_row(row) for row in await cur.fetchall()]


async def last_assignee(conn: aiosqlite.Connection, community_id: int) -> str | None:
    """Who got the latest pushed escalation (round-robin goes on from there)."""
    cur = await conn.execute(
        "SELECT assignee FROM escalations WHERE community_id = ? AND assignee IS NOT NULL"
        " ORDER BY created_at DESC, question_id DESC LIMIT 1",
        (community_id,),
    )
    row = await cur.fetchone()
    return str(row[0]) if row else None
