"""The state behind awards: answers as reputation sees them, standing marks and accepts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

# What "helpful" means everywhere (insights, the triage queue, escalation at the SLA).
# A mark makes an answer helpful unless it was refused as suspect (self, too_new, pair_limit,
# back_and_forth): the daily cap limits points, not helpfulness, and the busiest helpers hit it.
HELPFUL_MARK = "(h.refusal IS NULL OR h.refusal = 'daily_cap')"
HELPFUL_ANSWER = (
    f"(EXISTS (SELECT 1 FROM helpful_marks h WHERE h.answer_id = a.id AND {HELPFUL_MARK})"
    " OR EXISTS (SELECT 1 FROM accepted_answers x WHERE x.answer_id = a.id))"
)


@dataclass(frozen=True)
class AnswerRef:
    """An answer as reputation needs it: who wrote it, under which question."""

    id: int
    question_id: int
    question_number: int
    author_id: int | None
    asker_id: int | None
    by_staff: bool
    shared: bool = False  # an article the author shared with /kb post, not their own words


@dataclass(frozen=True)
class Mark:
    """A standing helpful mark and the points it gave."""

    id: int
    answer_id: int
    giver_id: int
    receiver_id: int | None
    points: int


@dataclass(frozen=True)
class Accept:
    """A question's accepted answer and the points that accept gave."""

    question_id: int
    answer_id: int
    accepter_id: int | None
    author_points: int
    asker_points: int


async def answer_by_message(
    conn: aiosqlite.Connection, community_id: int, message_id: str, *, deleted: bool = False
) -> AnswerRef | None:
    """The answer posted as this message, if any (deleted ones only if asked)."""
    alive = "" if deleted else " AND a.deleted_at IS NULL"
    cur = await conn.execute(
        "SELECT a.id, a.question_id, q.number, a.author_id, q.asker_id, a.by_staff,"
        " a.shared_article IS NOT NULL FROM answers a JOIN questions q ON q.id = a.question_id"
        f" WHERE a.community_id = ? AND a.message_id = ?{alive}",
        (community_id, message_id),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    return AnswerRef(
        int(row[0]), int(row[1]), int(row[2]), row[3], row[4], bool(row[5]), bool(row[6])
    )


async def mark(conn: aiosqlite.Connection, answer_id: int, giver_id: int) -> Mark | None:
    """The giver's standing mark on an answer."""
    cur = await conn.execute(
        "SELECT id, answer_id, giver_id, receiver_id, points FROM helpful_marks"
        " WHERE answer_id = ? AND giver_id = ?",
        (answer_id, giver_id),
    )
    row = await cur.fetchone()
    return Mark(*tuple(row)) if row else None


async def marks_on(conn: aiosqlite.Connection, answer_id: int) -> list[Mark]:
    """Every standing mark on an answer."""
    cur = await conn.execute(
        "SELECT id, answer_id, giver_id, receiver_id, points FROM helpful_marks"
        " WHERE answer_id = ? ORDER BY id",
        (answer_id,),
    )
    return [Mark(*tuple(row)) for row in await cur.fetchall()]


async def add_mark(
    tx: aiosqlite.Connection,
    community_id: int,
    answer: AnswerRef,
    giver_id: int,
    points: int,
    refusal: str | None,
    at: datetime,
) -> None:
    """Record a standing mark with the points it gave."""
    await tx.execute(
        "INSERT INTO helpful_marks (community_id, answer_id, giver_id, receiver_id, points,"
        " refusal, marked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (community_id, answer.id, giver_id, answer.author_id, points, refusal, at.isoformat()),
    )


async def remove_mark(tx: aiosqlite.Connection, mark_id: int) -> None:
    """Drop a mark (its points are reversed by the caller, in the same transaction)."""
    await tx.execute("DELETE FROM helpful_marks WHERE id = ?", (mark_id,))


async def answer_author(conn: aiosqlite.Connection, answer_id: int) -> int | None:
    """Who wrote an answer (None once anonymised)."""
    cur = await conn.execute("SELECT author_id FROM answers WHERE id = ?", (answer_id,))
    row = await cur.fetchone()
    return row[0] if row else None


async def question_asker(conn: aiosqlite.Connection, question_id: int) -> int | None:
    """Who asked a question (None once anonymised)."""
    cur = await conn.execute("SELECT asker_id FROM questions WHERE id = ?", (question_id,))
    row = await cur.fetchone()
    return row[0] if row else None


async def accepted(conn: aiosqlite.Connection, question_id: int) -> Accept | None:
    """A question's accepted answer."""
    cur = await conn.execute(
        "SELECT question_id, answer_id, accepter_id, author_points, asker_points"
        " FROM accepted_answers WHERE question_id = ?",
        (question_id,),
    )
    row = await cur.fetchone()
    return Accept(*tuple(row)) if row else None


async def accept_on(conn: aiosqlite.Connection, answer_id: int) -> Accept | None:
    """The accept standing on an answer."""
    cur = await conn.execute(
        "SELECT question_id, answer_id, accepter_id, author_points, asker_points"
        " FROM accepted_answers WHERE answer_id = ?",
        (answer_id,),
    )
    row = await cur.fetchone()
    return Accept(*tuple(row)) if row else None


async def set_accept(
    tx: aiosqlite.Connection, community_id: int, accept: Accept, at: datetime
) -> None:
    """Record (or move) a question's accepted answer."""
    await tx.execute(
        "INSERT INTO accepted_answers (question_id, community_id, answer_id, accepter_id,"
        " author_points, asker_points, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (question_id) DO UPDATE SET answer_id = excluded.answer_id,"
        " accepter_id = excluded.accepter_id, author_points = excluded.author_points,"
        " asker_points = excluded.asker_points, accepted_at = excluded.accepted_at",
        (
            accept.question_id,
            community_id,
            accept.answer_id,
            accept.accepter_id,
            accept.author_points,
            accept.asker_points,
            at.isoformat(),
        ),
    )


async def clear_accept(tx: aiosqlite.Connection, question_id: int) -> None:
    """Remove a question's accepted answer."""
    await tx.execute("DELETE FROM accepted_answers WHERE question_id = ?", (question_id,))


async def best_answer(conn: aiosqlite.Connection, question_id: int) -> str | None:
    """The accepted answer's text, else the most-marked (then staff, then first) answer's."""
    cur = await conn.execute(
        "SELECT a.text FROM answers a"
        " LEFT JOIN accepted_answers aa ON aa.answer_id = a.id"
        " LEFT JOIN helpful_marks h ON h.answer_id = a.id"
        " WHERE a.question_id = ? AND a.deleted_at IS NULL AND a.text != ''"
        " GROUP BY a.id, aa.answer_id"
        " ORDER BY aa.answer_id IS NULL, COUNT(h.id) DESC, a.by_staff DESC, a.id"
        " LIMIT 1",
        (question_id,),
    )
    row = await cur.fetchone()
    return str(row[0]) if row else None
