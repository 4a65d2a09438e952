"""Retention: blanking stored message texts older than a cutoff (rows, times and links stay)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

ERASE = (
    # Feedback first: it is found through its question's age as well as its own.
    "UPDATE kb_feedback SET query_text = '' WHERE community_id = :c AND query_text != ''"
    " AND (created_at < :cutoff OR question_id IN"
    " (SELECT id FROM questions WHERE community_id = :c AND created_at < :cutoff))",
    "UPDATE questions SET text = '' WHERE community_id = :c AND created_at < :cutoff"
    " AND text != ''",
    "UPDATE answers SET text = '' WHERE community_id = :c AND created_at < :cutoff AND text != ''",
)


async def erase_before(tx: aiosqlite.Connection, community_id: int, cutoff: datetime) -> int:
    """Blank the message texts created before `cutoff`; how many were blanked."""
    params = {"c": community_id, "cutoff": cutoff.isoformat()}
    erased = 0
    for sql in ERASE:
        cur = await tx.execute(sql, params)
        erased += max(cur.rowcount, 0)
    return erased
