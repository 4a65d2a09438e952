"""Cached BM25 tokens of article texts, keyed by a hash of text, language and tokenizer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite


async def load(conn: aiosqlite.Connection, hashes: Iterable[str]) -> dict[str, list[str]]:
    """Tokens already computed for these hashes."""
    wanted = list(hashes)
    found: dict[str, list[str]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        cur = await conn.execute(
            f"SELECT content_hash, tokens FROM article_tokens WHERE content_hash IN ({marks})",
            chunk,
        )
        for row in await cur.fetchall():
            found[str(row[0])] = str(row[1]).split()
    return found


async def store(tx: aiosqlite.Connection, tokens: dict[str, list[str]], at: datetime) -> None:
    """Save newly computed tokens."""
    await tx.executemany(
        "INSERT INTO article_tokens (content_hash, tokens, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (content_hash) DO UPDATE SET tokens = excluded.tokens,"
        " created_at = excluded.created_at",
        [(h, " ".join(t), at.isoformat()) for h, t in tokens.items()],
    )


async def prune(tx: aiosqlite.Connection, keep: set[str]) -> int:
    """Delete tokens of articles that changed or are gone; returns how many."""
    cur = await tx.execute("SELECT content_hash FROM article_tokens")
    stale = [str(row[0]) for row in await cur.fetchall() if row[0] not in keep]
    for start in range(0, len(stale), 500):
        chunk = stale[start : start + 500]
        await tx.execute(
            f"DELETE FROM article_tokens WHERE content_hash IN ({','.join('?' * len(chunk))})",
            chunk,
        )
    return len(stale)
