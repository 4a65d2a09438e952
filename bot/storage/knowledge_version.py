"""The knowledge base's version: bumped by a reload in any process, polled by the others."""

from __future__ import annotations

from datetime import datetime

import aiosqlite


async def current(conn: aiosqlite.Connection) -> int:
    """The version the last reload (in any process sharing the database) left."""
    cur = await conn.execute("SELECT version FROM knowledge_version WHERE id = 1")
    row = await cur.fetchone()
    return int(row[0]) if row else 0


async def bump(tx: aiosqlite.Connection, now: datetime, by: str) -> int:
    """Count one more change of the knowledge base (a reload, an approved draft); the new
    version."""
    cur = await tx.execute(
        "UPDATE knowledge_version SET version = version + 1, changed_at = ?, changed_by = ?"
        " WHERE id = 1 RETURNING version",
        (now.isoformat(), by),
    )
    row = await cur.fetchone()
    return int(row[0]) if row else 0
