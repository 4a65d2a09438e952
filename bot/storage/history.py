"""Solved threads as the community's own answers: which qualify, with their best answer,
and the embeddings cached for them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import aiosqlite
import numpy as np

from bot.storage.anonymise import FORGOTTEN


@dataclass(frozen=True)
class SolvedThread:
    """A question the community solved, with the answer that solved it."""

    question_id: int
    number: int
    text: str
    language: str
    channel_id: str
    thread_id: str | None
    root_message_id: str | None
    answer_id: int
    answer_text: str
    answer_message_id: str
    author_id: int | None
    author_external_id: str
    author_name: str
    marks: int  # members other than its author who marked the answer helpful
    accepted: bool

    @property
    def ref(self) -> str:
        """How members refer to it: Q<number>."""
        return f"Q{self.number}"

    @property
    def title(self) -> str:
        """The question's first line."""
        return self.text.strip().splitlines()[0] if self.text.strip() else ""


@dataclass(frozen=True)
class _Candidate:
    thread: SolvedThread
    by_asker: bool
    resolution: str | None
    by_staff: bool
    created_at: str


# Answers that may have solved their question: marked, accepted, or staff's on a question
# staff solved. Deleted or blanked (forgotten) texts, and forgotten askers, never qualify.
_CANDIDATES = """
SELECT q.id, q.number, q.text, q.language, q.channel_id, q.thread_id, q.root_message_id,
       a.id, a.text, a.message_id, a.author_id, COALESCE(m.external_id, ''),
       COALESCE(m.display_name, ''),
       (SELECT COUNT(*) FROM helpful_marks h
         WHERE h.answer_id = a.id AND h.giver_id != COALESCE(a.author_id, -1)),
       EXISTS (SELECT 1 FROM accepted_answers x WHERE x.answer_id = a.id),
       EXISTS (SELECT 1 FROM helpful_marks h WHERE h.answer_id = a.id
               AND h.giver_id = q.asker_id AND q.asker_id != COALESCE(a.author_id, -1)),
       q.resolution, a.by_staff, a.created_at
  FROM questions q
  JOIN answers a ON a.question_id = q.id
  LEFT JOIN members m ON m.id = a.author_id
  LEFT JOIN members asker ON asker.id = q.asker_id
 WHERE q.community_id = ? AND q.deleted_at IS NULL AND a.deleted_at IS NULL
   AND q.text != '' AND a.text != ''
   AND COALESCE(asker.external_id, '') NOT LIKE ? || '%'
   AND (EXISTS (SELECT 1 FROM helpful_marks h WHERE h.answer_id = a.id)
        OR EXISTS (SELECT 1 FROM accepted_answers x WHERE x.answer_id = a.id)
        OR (q.resolution = 'staff' AND a.by_staff = 1))
 ORDER BY q.id, a.id
"""


async def solved_threads(
    conn: aiosqlite.Connection, community_id: int, min_marks: int
) -> list[SolvedThread]:
    """Every solved thread of a community, oldest first: its answer was accepted, marked
    helpful by the asker or by `min_marks` members, or the question was solved by staff.
    The answer shown is the accepted one, else the most marked (the earliest on a tie), else
    staff's latest."""
    cur = await conn.execute(_CANDIDATES, (community_id, FORGOTTEN))
    by_question: dict[int, list[_Candidate]] = {}
    for row in await cur.fetchall():
        thread = SolvedThread(
            question_id=int(row[0]),
            number=int(row[1]),
            text=str(row[2]),
            language=str(row[3]),
            channel_id=str(row[4]),
            thread_id=row[5],
            root_message_id=row[6],
            answer_id=int(row[7]),
            answer_text=str(row[8]),
            answer_message_id=str(row[9]),
            author_id=None if row[10] is None else int(row[10]),
            author_external_id=str(row[11]),
            author_name=str(row[12]),
            marks=int(row[13]),
            accepted=bool(row[14]),
        )
        candidate = _Candidate(thread, bool(row[15]), row[16], bool(row[17]), str(row[18]))
        by_question.setdefault(thread.question_id, []).append(candidate)
    solved = (_best(found, min_marks) for found in by_question.values())
    return [thread for thread in solved if thread is not None]


def _best(candidates: list[_Candidate], min_marks: int) -> SolvedThread | None:
    """The answer that solved a question, or None if none did (see solved_threads)."""
    accepted = [c for c in candidates if c.thread.accepted]
    if accepted:
        return accepted[0].thread
    helped = [c for c in candidates if c.by_asker or (min_marks and c.thread.marks >= min_marks)]
    if helped:
        return max(helped, key=lambda c: (c.thread.marks, -c.thread.answer_id)).thread
    staff = [c for c in candidates if c.resolution == "staff" and c.by_staff]
    return max(staff, key=lambda c: c.created_at).thread if staff else None


async def thread_by_question(
    conn: aiosqlite.Connection, community_id: int, question_id: int, min_marks: int
) -> SolvedThread | None:
    """One solved thread (for a suggestion shown earlier), if it still qualifies."""
    found = await solved_threads(conn, community_id, min_marks)
    return next((t for t in found if t.question_id == question_id), None)


async def cached_vectors(
    conn: aiosqlite.Connection, community_id: int, model: str
) -> dict[int, tuple[str, np.ndarray]]:
    """The embeddings kept for a community's threads: question id → (content hash, vectors)."""
    cur = await conn.execute(
        "SELECT question_id, content_hash, dim, count, vectors FROM thread_vectors"
        " WHERE community_id = ? AND model = ?",
        (community_id, model),
    )
    return {
        int(row[0]): (
            str(row[1]),
            np.frombuffer(row[4], dtype=np.float32).reshape(int(row[3]), int(row[2])),
        )
        for row in await cur.fetchall()
    }


async def store_vectors(
    tx: aiosqlite.Connection,
    community_id: int,
    model: str,
    vectors: dict[int, tuple[str, np.ndarray]],
    at: datetime,
) -> None:
    """Keep newly computed thread embeddings (replacing a thread's older ones)."""
    await tx.executemany(
        "INSERT INTO thread_vectors (question_id, community_id, model, content_hash,"
        " dim, count, vectors, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (question_id, model) DO UPDATE SET community_id = excluded.community_id,"
        " content_hash = excluded.content_hash, dim = excluded.dim, count = excluded.count,"
        " vectors = excluded.vectors, created_at = excluded.created_at",
        [
            (
                question_id,
                community_id,
                model,
                content_hash,
                int(v.shape[1]),
                int(v.shape[0]),
                v.astype(np.float32).tobytes(),
                at.isoformat(),
            )
            for question_id, (content_hash, v) in vectors.items()
        ],
    )


async def prune_vectors(tx: aiosqlite.Connection, community_id: int, keep: Iterable[int]) -> None:
    """Drop the embeddings of threads that no longer qualify (deleted, forgotten, unmarked)."""
    kept = set(keep)
    cur = await tx.execute(
        "SELECT DISTINCT question_id FROM thread_vectors WHERE community_id = ?", (community_id,)
    )
    stale = [int(row[0]) for row in await cur.fetchall() if int(row[0]) not in kept]
    for start in range(0, len(stale), 500):
        chunk = stale[start : start + 500]
        await tx.execute(
            f"DELETE FROM thread_vectors WHERE question_id IN ({','.join('?' * len(chunk))})",
            chunk,
        )


async def forget_vectors_of(tx: aiosqlite.Connection, community_id: int, member_id: int) -> None:
    """Embeddings computed from a member's questions or answers (privacy: forget)."""
    await tx.execute(
        "DELETE FROM thread_vectors WHERE community_id = ? AND question_id IN ("
        " SELECT id FROM questions WHERE community_id = ? AND asker_id = ?"
        " UNION SELECT question_id FROM answers WHERE community_id = ? AND author_id = ?)",
        (community_id, community_id, member_id, community_id, member_id),
    )
