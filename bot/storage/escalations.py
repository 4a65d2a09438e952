"""Escalation rows: opened once per question (again if the asker asks after it was handed
back), then claimed (and maybe taken over), resolved, returned, or closed by what happened to
the question."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

ACTIVE = ("open", "claimed")


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
    question_created_at: str
    policy: str | None = None
    outcome: str | None = None
    closed_at: str | None = None
    claimed_by: str | None = None  # platform ids (None once anonymised, or nobody)
    closed_by: str | None = None
    staff_channel: str | None = None
    card_text: str | None = None
    card_status: str | None = None
    held_since: str | None = None  # when the holder claimed or took it over
    holds: int = 0  # the claim and each take over since it was (re)opened
    told_holds: int = 0  # how many of them the public thread was told about
    claimed_at: str | None = None  # the first claim (a take over keeps it)

    @property
    def taken_over(self) -> bool:
        """Held by someone who took it over from the first claimer."""
        return self.holds > 1

    @property
    def ref(self) -> str:
        """How users refer to its question: Q<number>."""
        return f"Q{self.number}"


_SELECT = (
    "SELECT e.question_id, q.number, e.reason, e.status, e.staff_message_id, e.notice_id,"
    " e.assignee, e.created_at, q.created_at, e.policy, e.outcome, e.closed_at,"
    " mc.external_id, mb.external_id, e.staff_channel, e.card_text, e.card_status,"
    " e.held_since, e.holds, e.told_holds, e.claimed_at"
    " FROM escalations e JOIN questions q ON q.id = e.question_id"
    " LEFT JOIN members mc ON mc.id = e.claimed_by LEFT JOIN members mb ON mb.id = e.closed_by"
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
    policy: str | None = None,
) -> bool:
    """Record an escalation unless the question has one already."""
    cur = await tx.execute(
        "INSERT INTO escalations (question_id, community_id, reason, assignee, created_at,"
        " policy) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (question_id, community_id, reason, assignee, at.isoformat(), policy),
    )
    return cur.rowcount == 1


async def reopen(
    tx: aiosqlite.Connection, question_id: int, reason: str, assignee: str | None, at: datetime
) -> bool:
    """Open again an escalation staff returned or that closed itself (a new card follows)."""
    cur = await tx.execute(
        "UPDATE escalations SET reason = ?, status = 'open', assignee = ?, created_at = ?,"
        " policy = NULL, staff_message_id = NULL, notice_id = NULL, claimed_by = NULL,"
        " claimed_at = NULL, closed_at = NULL, outcome = NULL, closed_by = NULL,"
        " staff_channel = NULL, card_text = NULL, card_status = NULL, held_since = NULL,"
        " holds = 0, told_holds = 0"
        " WHERE question_id = ? AND status IN ('returned', 'closed')",
        (reason, assignee, at.isoformat(), question_id),
    )
    return cur.rowcount == 1


async def close_active(
    tx: aiosqlite.Connection,
    question_id: int,
    outcome: str,
    by_member_id: int | None,
    at: datetime,
) -> bool:
    """Close an open or claimed escalation with what happened to its question; False if
    there was none (claimed_at stays as it was: NULL unless staff claimed it)."""
    cur = await tx.execute(
        "UPDATE escalations SET status = 'closed', outcome = ?, closed_by = ?, closed_at = ?"
        " WHERE question_id = ? AND status IN ('open', 'claimed')",
        (outcome, by_member_id, at.isoformat(), question_id),
    )
    return cur.rowcount == 1


async def hold(
    tx: aiosqlite.Connection, question_id: int, member_id: int, at: datetime, *, take_over: bool
) -> bool:
    """Claim an open escalation for a staff member, or (take_over) move a claimed one held by
    someone else to them; claimed_at stays the first claim. False if it wasn't so (a race or a
    replay lost: nothing changes)."""
    if take_over:
        cur = await tx.execute(
            "UPDATE escalations SET claimed_by = ?, held_since = ?, holds = holds + 1"
            " WHERE question_id = ?"
            " AND status = 'claimed' AND claimed_by IS NOT ?",
            (member_id, at.isoformat(), question_id, member_id),
        )
    else:
        cur = await tx.execute(
            "UPDATE escalations SET status = 'claimed', claimed_by = ?, claimed_at = ?,"
            " held_since = ?, holds = holds + 1 WHERE question_id = ? AND status = 'open'",
            (member_id, at.isoformat(), at.isoformat(), question_id),
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


async def active(
    conn: aiosqlite.Connection, community_id: int, offset: int = 0, limit: int = -1
) -> list[Escalation]:
    """Open and claimed escalations, oldest first (a page of them with offset and limit)."""
    cur = await conn.execute(
        f"{_SELECT} WHERE e.community_id = ? AND e.status IN ('open', 'claimed')"
        " ORDER BY e.created_at, e.question_id LIMIT ? OFFSET ?",
        (community_id, limit, offset),
    )
    return [_row(row) for row in await cur.fetchall()]


async def count_active(conn: aiosqlite.Connection, community_id: int) -> int:
    """How many escalations are open or claimed."""
    cur = await conn.execute(
        "SELECT COUNT(*) FROM escalations WHERE community_id = ? AND status IN ('open', 'claimed')",
        (community_id,),
    )
    row = await cur.fetchone()
    return int(row[0]) if row else 0


async def last_assignee(conn: aiosqlite.Connection, community_id: int) -> str | None:
    """Who got the latest pushed escalation (round-robin goes on from there)."""
    cur = await conn.execute(
        "SELECT assignee FROM escalations WHERE community_id = ? AND assignee IS NOT NULL"
        " ORDER BY created_at DESC, question_id DESC LIMIT 1",
        (community_id,),
    )
    row = await cur.fetchone()
    return str(row[0]) if row else None


async def forget_assignee(tx: aiosqlite.Connection, community_id: int, external_id: str) -> None:
    """A forgotten staff member is no longer anyone's assignee (a re-ping would name them)."""
    await tx.execute(
        "UPDATE escalations SET assignee = NULL WHERE community_id = ? AND assignee = ?",
        (community_id, external_id),
    )


async def forget_cards(
    tx: aiosqlite.Connection, community_id: int, member_id: int, external_id: str | None
) -> None:
    """The kept card texts quote the question and name the asker, the assignee and whoever
    called staff: those of a forgotten member's questions, or naming them, go."""
    named = f"%<@{external_id}>%" if external_id else None
    await tx.execute(
        "UPDATE escalations SET card_text = NULL WHERE community_id = ? AND (question_id IN"
        " (SELECT id FROM questions WHERE community_id = ? AND asker_id = ?)"
        " OR card_text LIKE ?)",
        (community_id, community_id, member_id, named),
    )
