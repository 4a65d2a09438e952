"""Questions, their status history, and the answers posted in their threads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

MAX_STORED_TEXT = 4000  # longer posts are kept truncated; nothing needs more to rank or show


@dataclass(frozen=True)
class Question:
    """One question row."""

    id: int
    community_id: int
    number: int
    origin_id: str
    channel_id: str
    root_message_id: str | None
    thread_id: str | None
    intro_message_id: str | None
    asker_id: int | None
    asker_external_id: str | None
    text: str
    status: str
    resolution: str | None
    created_at: str
    first_answer_at: str | None
    solved_at: str | None

    @property
    def ref(self) -> str:
        """How users refer to it: Q<number>."""
        return f"Q{self.number}"


_SELECT = (
    "SELECT q.id, q.community_id, q.number, q.origin_id, q.channel_id, q.root_message_id,"
    " q.thread_id, q.intro_message_id, q.asker_id, m.external_id AS asker_external_id, q.text,"
    " q.status, q.resolution, q.created_at, q.first_answer_at, q.solved_at"
    " FROM questions q LEFT JOIN members m ON m.id = q.asker_id"
)


def _row(row: Any) -> Question:
    # Column order of _SELECT matches the dataclass fields.
    return Question(*tuple(row))


async def _one(tx: aiosqlite.Connection, where: str, params: tuple[Any, ...]) -> Question | None:
    cur = await tx.execute(f"{_SELECT} WHERE {where}", params)
    row = await cur.fetchone()
    return _row(row) if row else None


async def create(
    tx: aiosqlite.Connection,
    *,
    community_id: int,
    origin_id: str,
    channel_id: str,
    asker_id: int,
    text: str,
    language: str,
    at: datetime,
    root_message_id: str | None = None,
    thread_id: str | None = None,
) -> tuple[Question, bool]:
    """Insert a question unless its origin was seen; returns (question, created)."""
    existing = await by_origin(tx, community_id, origin_id)
    if existing is not None:
        return existing, False
    cur = await tx.execute(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM questions WHERE community_id = ?",
        (community_id,),
    )
    number_row = await cur.fetchone()
    number = int(number_row[0]) if number_row else 1
    cur = await tx.execute(
        "INSERT INTO questions (community_id, number, origin_id, channel_id, root_message_id,"
        " thread_id, asker_id, text, language, status, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?) RETURNING id",
        (
            community_id,
            number,
            origin_id,
            channel_id,
            root_message_id,
            thread_id,
            asker_id,
            text[:MAX_STORED_TEXT],
            language,
            at.isoformat(),
        ),
    )
    created = await cur.fetchone()  # RETURNING, not lastrowid: PostgreSQL has none
    assert created is not None
    await log_status(tx, int(created[0]), None, "open", at, asker_id)
    question = await by_origin(tx, community_id, origin_id)
    assert question is not None
    return question, True


async def by_origin(tx: aiosqlite.Connection, community_id: int, origin_id: str) -> Question | None:
    """The question created from a message or /ask event."""
    return await _one(tx, "q.community_id = ? AND q.origin_id = ?", (community_id, origin_id))


async def by_id(tx: aiosqlite.Connection, community_id: int, question_id: int) -> Question | None:
    """A question by its row id, within a community."""
    return await _one(tx, "q.community_id = ? AND q.id = ?", (community_id, question_id))


async def by_number(tx: aiosqlite.Connection, community_id: int, number: int) -> Question | None:
    """The question Q<number> of a community."""
    return await _one(tx, "q.community_id = ? AND q.number = ?", (community_id, number))


async def by_thread(tx: aiosqlite.Connection, community_id: int, thread_id: str) -> Question | None:
    """The question whose thread this is."""
    return await _one(tx, "q.community_id = ? AND q.thread_id = ?", (community_id, thread_id))


async def by_root_message(
    tx: aiosqlite.Connection, community_id: int, message_id: str
) -> Question | None:
    """The question posted as this message."""
    return await _one(
        tx, "q.community_id = ? AND q.root_message_id = ?", (community_id, message_id)
    )


async def update(tx: aiosqlite.Connection, question_id: int, **fields: Any) -> None:
    """Set columns of a question (names come from our code, never from users)."""
    columns = ", ".join(f"{name} = ?" for name in fields)
    await tx.execute(
        f"UPDATE questions SET {columns} WHERE id = ?", (*fields.values(), question_id)
    )


async def log_status(
    tx: aiosqlite.Connection,
    question_id: int,
    old: str | None,
    new: str,
    at: datetime,
    actor_id: int | None,
) -> None:
    """Append a status transition."""
    await tx.execute(
        "INSERT INTO question_status_log (question_id, old_status, new_status, at, actor_id)"
        " VALUES (?, ?, ?, ?, ?)",
        (question_id, old, new, at.isoformat(), actor_id),
    )


async def times_solved(conn: aiosqlite.Connection, question_id: int) -> int:
    """How many times a question has been solved (more than once if its asker reopened it)."""
    async with conn.execute(
        "SELECT COUNT(*) FROM question_status_log WHERE question_id = ? AND new_status = 'solved'",
        (question_id,),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def change_status(
    tx: aiosqlite.Connection,
    question: Question,
    new: str,
    at: datetime,
    actor_id: int | None,
    **fields: Any,
) -> None:
    """Move a question to a new status, recording the transition."""
    await update(tx, question.id, status=new, **fields)
    await log_status(tx, question.id, question.status, new, at, actor_id)


async def mark_solved(
    tx: aiosqlite.Connection,
    question: Question,
    at: datetime,
    by_member_id: int,
    resolution: str,
) -> None:
    """Close a question, recording when, by whom and how it was solved."""
    await change_status(
        tx,
        question,
        "solved",
        at,
        by_member_id,
        solved_at=at.isoformat(),
        solved_by=by_member_id,
        resolution=resolution,
    )


async def reopen(
    tx: aiosqlite.Connection, question: Question, at: datetime, actor_id: int | None
) -> None:
    """Undo a solve (its asker took the solution back): open again, or answered if it was."""
    status = "answered" if question.first_answer_at else "open"
    await change_status(
        tx, question, status, at, actor_id, solved_at=None, solved_by=None, resolution=None
    )


async def add_answer(
    tx: aiosqlite.Connection,
    *,
    community_id: int,
    question_id: int,
    message_id: str,
    author_id: int,
    by_staff: bool,
    text: str,
    at: datetime,
    shared_article: str | None = None,
) -> bool:
    """Record a reply (or an article shared with /kb post: its slug) as an answer; False if
    this message was already recorded."""
    cur = await tx.execute(
        "INSERT INTO answers (community_id, question_id, message_id, author_id, by_staff, text,"
        " created_at, shared_article) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (community_id, message_id) DO NOTHING",
        (
            community_id,
            question_id,
            message_id,
            author_id,
            int(by_staff),
            text[:MAX_STORED_TEXT],
            at.isoformat(),
            shared_article,
        ),
    )
    return (cur.rowcount or 0) > 0


async def answer_authors(tx: aiosqlite.Connection, question_id: int) -> list[tuple[int, bool]]:
    """(author row id, by staff) of the live answers of a question."""
    cur = await tx.execute(
        "SELECT author_id, by_staff FROM answers WHERE question_id = ? AND deleted_at IS NULL",
        (question_id,),
    )
    return [(int(row[0]), bool(row[1])) for row in await cur.fetchall()]


async def edit_text(
    tx: aiosqlite.Connection,
    community_id: int,
    message_id: str,
    text: str,
    at: datetime,
) -> None:
    """Keep stored texts in step with edits (question roots and answers)."""
    stored = text[:MAX_STORED_TEXT]
    await tx.execute(
        "UPDATE answers SET text = ?, edited_at = ? WHERE community_id = ? AND message_id = ?",
        (stored, at.isoformat(), community_id, message_id),
    )
    await tx.execute(
        "UPDATE questions SET text = ? WHERE community_id = ? AND root_message_id = ?",
        (stored, community_id, message_id),
    )


async def mark_deleted(
    tx: aiosqlite.Connection, community_id: int, message_id: str, at: datetime
) -> None:
    """Flag a deleted answer or question root (rows stay for statistics)."""
    for table, column in (("answers", "message_id"), ("questions", "root_message_id")):
        await tx.execute(
            f"UPDATE {table} SET deleted_at = ? WHERE community_id = ? AND {column} = ?"
            " AND deleted_at IS NULL",
            (at.isoformat(), community_id, message_id),
        )


async def count_by_asker(conn: aiosqlite.Connection, community_id: int, asker_id: int) -> int:
    """How many questions a member has asked here."""
    cur = await conn.execute(
        "SELECT COUNT(*) FROM questions WHERE community_id = ? AND asker_id = ?",
        (community_id, asker_id),
    )
    row = await cur.fetchone()
    return int(row[0]) if row else 0


async def blank_texts_of(tx: aiosqlite.Connection, community_id: int, member_id: int) -> None:
    """Blank a member's answers and their questions unless solved (forget, in its transaction)."""
    await tx.execute(
        "UPDATE questions SET text = '' WHERE community_id = ? AND asker_id = ?"
        " AND status != 'solved'",
        (community_id, member_id),
    )
    await tx.execute(
        "UPDATE answers SET text = '' WHERE community_id = ? AND author_id = ?",
        (community_id, member_id),
    )


async def ids_by_asker(conn: aiosqlite.Connection, community_id: int, asker_id: int) -> list[int]:
    """Row ids of the questions a member has asked here."""
    cur = await conn.execute(
        "SELECT id FROM questions WHERE community_id = ? AND asker_id = ?",
        (community_id, asker_id),
    )
    return [int(row[0]) for row in await cur.fetchall()]
