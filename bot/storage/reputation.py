"""The reputation ledger (append-only; totals follow by trigger) and the marks behind it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite


@dataclass(frozen=True)
class LedgerRow:
    """One ledger row as /rep history shows it."""

    delta: int
    kind: str
    reason: str
    note: str
    actor: str | None
    question_number: int | None
    created_at: str


async def record(
    tx: aiosqlite.Connection,
    *,
    community_id: int,
    member_id: int,
    delta: int,
    kind: str,
    reason: str,
    at: datetime,
    source_event_id: str | None = None,
    question_id: int | None = None,
    answer_id: int | None = None,
    actor_id: int | None = None,
    note: str = "",
) -> bool:
    """Append a ledger row; False if this event already produced it (replay)."""
    cur = await tx.execute(
        "INSERT INTO reputation_ledger (community_id, member_id, delta, kind, reason, note,"
        " source_event_id, question_id, answer_id, actor_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (
            community_id,
            member_id,
            delta,
            kind,
            reason,
            note,
            source_event_id,
            question_id,
            answer_id,
            actor_id,
            at.isoformat(),
        ),
    )
    return cur.rowcount == 1


async def _scalar(conn: aiosqlite.Connection, sql: str, params: tuple[Any, ...]) -> int:
    cur = await conn.execute(sql, params)
    row = await cur.fetchone()
    return int(row[0] or 0) if row else 0


async def total(conn: aiosqlite.Connection, community_id: int, member_id: int) -> int:
    """A member's total points."""
    return await _scalar(
        conn,
        "SELECT total FROM reputation_totals WHERE community_id = ? AND member_id = ?",
        (community_id, member_id),
    )


async def points_since(
    conn: aiosqlite.Connection, community_id: int, member_id: int, start: datetime
) -> int:
    """Points a member gained (net) since `start`."""
    return await _scalar(
        conn,
        "SELECT SUM(delta) FROM reputation_ledger INDEXED BY ledger_member"
        " WHERE community_id = ? AND member_id = ? AND created_at >= ?",
        (community_id, member_id, start.isoformat()),
    )


async def helpful_earned_since(
    conn: aiosqlite.Connection, community_id: int, member_id: int, start: datetime
) -> int:
    """Net points a member got since `start` from helpful marks and reused answers (the
    daily cap counts both)."""
    return await _scalar(
        conn,
        "SELECT SUM(delta) FROM reputation_ledger WHERE community_id = ? AND member_id = ?"
        " AND kind IN ('helpful', 'reused') AND created_at >= ?",
        (community_id, member_id, start.isoformat()),
    )


async def awards_given_since(
    conn: aiosqlite.Connection, community_id: int, giver_id: int, receiver_id: int, start: datetime
) -> int:
    """Helpful awards a giver made to a receiver since `start` (reversals don't refund)."""
    return await _scalar(
        conn,
        "SELECT COUNT(*) FROM reputation_ledger WHERE community_id = ? AND actor_id = ?"
        " AND member_id = ? AND kind = 'helpful' AND delta > 0 AND created_at >= ?",
        (community_id, giver_id, receiver_id, start.isoformat()),
    )


async def distinct_givers(
    conn: aiosqlite.Connection, community_id: int, member_id: int, enough: int
) -> int:
    """How many different members stand behind a member's points now, counted up to `enough`
    (ranks only ask whether there are enough; a top helper has tens of thousands)."""
    # The markers first, read from the receiver's index in giver order and stopped at
    # `enough`; the accepts only when they fall short. One query for both let PostgreSQL
    # hash every accept of the member before its LIMIT (126-152 ms for a top helper, against
    # 0.3 ms for this first read: bench/README.md, reputation on PostgreSQL).
    cur = await conn.execute(
        "SELECT DISTINCT giver_id FROM helpful_marks"
        " WHERE community_id = ? AND receiver_id = ? AND points > 0 ORDER BY giver_id LIMIT ?",
        (community_id, member_id, enough),
    )
    givers = {int(row[0]) for row in await cur.fetchall()}
    if len(givers) >= enough:
        return enough
    cur = await conn.execute(
        # CROSS JOIN keeps this order (the member's answers, then their accepts): left to
        # itself SQLite reads every accept of the community by accepted_answers_at (0012),
        # 200-300 ms at 300,000 questions for a member with one mark.
        "SELECT DISTINCT aa.accepter_id FROM answers a CROSS JOIN accepted_answers aa"
        " ON aa.answer_id = a.id"
        " WHERE a.author_id = ? AND aa.community_id = ? AND aa.author_points > 0 LIMIT ?",
        (member_id, community_id, enough),
    )
    givers |= {int(row[0]) for row in await cur.fetchall()}
    return min(len(givers), enough)


async def member_since(conn: aiosqlite.Connection, member_id: int) -> datetime:
    """When a member joined the community (or was first seen there)."""
    cur = await conn.execute(
        "SELECT COALESCE(joined_at, first_seen) FROM members WHERE id = ?", (member_id,)
    )
    row = await cur.fetchone()
    return datetime.fromisoformat(row[0]) if row else datetime.min


async def helped_questions(
    conn: aiosqlite.Connection, community_id: int, member_id: int, limit: int
) -> list[str]:
    """Texts of the latest questions where a member's answer earned points (marks, accepts)."""
    cur = await conn.execute(
        "SELECT q.text FROM questions q WHERE q.id IN ("
        " SELECT question_id FROM reputation_ledger INDEXED BY ledger_received"
        " WHERE community_id = ? AND member_id = ? AND kind IN ('helpful', 'accepted')"
        " AND delta > 0 AND question_id IS NOT NULL ORDER BY created_at DESC LIMIT ?)",
        (community_id, member_id, limit),
    )
    return [str(row[0]) for row in await cur.fetchall() if row[0]]


async def history(
    conn: aiosqlite.Connection, community_id: int, member_id: int, limit: int = 15
) -> list[LedgerRow]:
    """A member's latest ledger rows, newest first."""
    cur = await conn.execute(
        "SELECT l.delta, l.kind, l.reason, l.note, m.external_id, q.number, l.created_at"
        " FROM reputation_ledger l LEFT JOIN members m ON m.id = l.actor_id"
        " LEFT JOIN questions q ON q.id = l.question_id"
        " WHERE l.community_id = ? AND l.member_id = ? ORDER BY l.id DESC LIMIT ?",
        (community_id, member_id, limit),
    )
    return [LedgerRow(*tuple(row)) for row in await cur.fetchall()]


async def helpful_answers_of(
    conn: aiosqlite.Connection, community_id: int, member_id: int, enough: int
) -> int:
    """How many different answers of a member stand marked helpful, counted up to `enough`."""
    return await _scalar(
        conn,
        "SELECT COUNT(*) FROM (SELECT DISTINCT answer_id FROM helpful_marks"
        " WHERE community_id = ? AND receiver_id = ? AND giver_id != receiver_id LIMIT ?)"
        " AS answers",
        (community_id, member_id, enough),
    )


@dataclass(frozen=True)
class LedgerNote:
    """An admin's free-text note on one ledger row."""

    id: int
    member_id: int
    note: str


async def notes(tx: aiosqlite.Connection, community_id: int) -> list[LedgerNote]:
    """The community's ledger rows that carry a note."""
    cur = await tx.execute(
        "SELECT id, member_id, note FROM reputation_ledger WHERE community_id = ? AND note != ''",
        (community_id,),
    )
    return [LedgerNote(int(r[0]), int(r[1]), str(r[2])) for r in await cur.fetchall()]


async def blank_note(tx: aiosqlite.Connection, row_id: int) -> None:
    """Erase one ledger row's note (inside the forget guard, migration 0014)."""
    await tx.execute("UPDATE reputation_ledger SET note = '' WHERE id = ?", (row_id,))


async def reused_points(
    conn: aiosqlite.Connection, community_id: int, question_id: int
) -> dict[int, int]:
    """Net points each member holds for an earlier answer that solved this question."""
    cur = await conn.execute(
        "SELECT member_id, SUM(delta) FROM reputation_ledger WHERE community_id = ?"
        " AND question_id = ? AND kind = 'reused' GROUP BY member_id",
        (community_id, question_id),
    )
    return {int(row[0]): int(row[1]) for row in await cur.fetchall() if int(row[1])}
