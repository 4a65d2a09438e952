"""What the knowledge-base features remember: suggestions shown, feedback, knowledge gaps."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import aiosqlite
import numpy as np

from bot.storage.awards import HELPFUL_ANSWER


@dataclass(frozen=True)
class Shown:
    """The suggestion message of a question."""

    question_id: int
    message_id: str | None
    articles: tuple[str, ...]


@dataclass(frozen=True)
class Feedback:
    """One member's verdict on one article for one question."""

    article: str
    verdict: int
    query_text: str
    query_vector: np.ndarray | None


async def set_outcome(tx: aiosqlite.Connection, question_id: int, outcome: str) -> None:
    """Record what the knowledge base did for a question (silent, suggested, rejected, solved)."""
    await tx.execute("UPDATE questions SET kb_outcome = ? WHERE id = ?", (outcome, question_id))


async def outcome_of(tx: aiosqlite.Connection, question_id: int) -> str | None:
    """What the knowledge base did for a question, or None (not recorded, or no such row)."""
    cur = await tx.execute("SELECT kb_outcome FROM questions WHERE id = ?", (question_id,))
    row = await cur.fetchone()
    return None if row is None else row[0]


async def record_shown(
    tx: aiosqlite.Connection,
    community_id: int,
    question_id: int,
    articles: list[str],
    at: datetime,
) -> Shown:
    """Remember which articles a question was offered (once); returns the stored row."""
    await tx.execute(
        "INSERT INTO kb_suggestions (community_id, question_id, articles, created_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (community_id, question_id, json.dumps(articles), at.isoformat()),
    )
    shown = await shown_for(tx, question_id)
    assert shown is not None
    return shown


async def shown_for(tx: aiosqlite.Connection, question_id: int) -> Shown | None:
    """The suggestions a question got, if any."""
    cur = await tx.execute(
        "SELECT question_id, message_id, articles FROM kb_suggestions WHERE question_id = ?",
        (question_id,),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    return Shown(int(row[0]), row[1], tuple(json.loads(row[2])))


async def set_shown_message(tx: aiosqlite.Connection, question_id: int, message_id: str) -> None:
    """The id of the message that showed the suggestions."""
    await tx.execute(
        "UPDATE kb_suggestions SET message_id = ? WHERE question_id = ?", (message_id, question_id)
    )


async def add_feedback(
    tx: aiosqlite.Connection,
    *,
    community_id: int,
    question_id: int,
    article: str,
    member_id: int,
    verdict: int,
    query_text: str,
    query_vector: np.ndarray | None,
    at: datetime,
) -> bool:
    """Store a verdict; False if this member already judged this article for this question."""
    blob = None if query_vector is None else query_vector.astype(np.float32).tobytes()
    cur = await tx.execute(
        "INSERT INTO kb_feedback (community_id, question_id, article, member_id,"
        " verdict, query_text, query_vector, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (community_id, question_id, article, member_id, verdict, query_text, blob, at.isoformat()),
    )
    return (cur.rowcount or 0) > 0


async def feedback_of(conn: aiosqlite.Connection, community_id: int) -> list[Feedback]:
    """Every verdict given in a community (what ranking learns from)."""
    cur = await conn.execute(
        "SELECT article, verdict, query_text, query_vector FROM kb_feedback WHERE community_id = ?",
        (community_id,),
    )
    return [
        Feedback(
            str(row[0]),
            int(row[1]),
            str(row[2]),
            None if row[3] is None else np.frombuffer(row[3], dtype=np.float32),
        )
        for row in await cur.fetchall()
    ]


async def add_gap(
    tx: aiosqlite.Connection, community_id: int, question_id: int, at: datetime
) -> None:
    """Mark a question as one the knowledge base could not answer but people did."""
    await tx.execute(
        "INSERT INTO kb_gaps (community_id, question_id, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (community_id, question_id, at.isoformat()),
    )


# Answered without the knowledge base: no article was shown (no suggestion row: nothing
# matched, or the question came before the suggestions; or only earlier threads, keys
# 'history:<id>'), and an answer was accepted or marked helpful (refusal null or daily_cap,
# as the insights count it), solved or not.
_HELPED_WITHOUT_ARTICLE = """
SELECT q.id, q.number, q.text, q.created_at FROM questions q
WHERE q.community_id = :c AND q.deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM kb_suggestions s, json_each(s.articles) shown
                  WHERE s.question_id = q.id AND shown.value NOT LIKE 'history:%')
  AND (EXISTS (SELECT 1 FROM accepted_answers x WHERE x.question_id = q.id)
       OR EXISTS (SELECT 1 FROM answers a JOIN helpful_marks h ON h.answer_id = a.id
                   WHERE a.question_id = q.id
                     AND (h.refusal IS NULL OR h.refusal = 'daily_cap')))
"""


# An article a member shared with /kb post that helped: the knowledge base had the answer
# (suggestions missed it), so the question is no gap in it.
_SHARED_ARTICLE_HELPED = f"""
EXISTS (SELECT 1 FROM answers a WHERE a.question_id = q.id AND a.deleted_at IS NULL
          AND a.shared_article IS NOT NULL AND {HELPFUL_ANSWER})
"""


async def gaps_of(conn: aiosqlite.Connection, community_id: int) -> list[tuple[int, str]]:
    """(question number, question text) of every knowledge gap, oldest question first: the
    recorded ones (solved by people after the knowledge base failed) and every question
    answered helpfully without any article shown; neither if a shared article helped."""
    cur = await conn.execute(
        "SELECT q.number, q.text FROM ("
        " SELECT q.id, q.number, q.text, q.created_at FROM kb_gaps g"
        " JOIN questions q ON q.id = g.question_id WHERE g.community_id = :c"
        f" UNION {_HELPED_WITHOUT_ARTICLE}) q WHERE NOT {_SHARED_ARTICLE_HELPED}"
        " ORDER BY q.created_at, q.id",
        {"c": community_id},
    )
    return [(int(row[0]), str(row[1])) for row in await cur.fetchall()]


async def blank_feedback_of(tx: aiosqlite.Connection, community_id: int, member_id: int) -> None:
    """Blank feedback's copy of a member's unsolved questions (text and vector); verdicts stay."""
    await tx.execute(
        "UPDATE kb_feedback SET query_text = '', query_vector = NULL"
        " WHERE community_id = ? AND question_id IN (SELECT id FROM questions"
        " WHERE community_id = ? AND asker_id = ? AND status != 'solved')",
        (community_id, community_id, member_id),
    )
