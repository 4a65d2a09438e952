"""Cached article embeddings, keyed by content hash and model."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite
import numpy as np


async def load(
    conn: aiosqlite.Connection, model: str, hashes: Iterable[str]
) -> dict[str, np.ndarray]:
    """Vectors already computed for these content hashes."""
    wanted = list(hashes)
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        cur = await conn.execute(
            f"SELECT content_hash, dim, count, vectors FROM article_vectors"
            f" WHERE model = ? AND content_hash IN ({marks})",
            (model, *chunk),
        )
        for row in await cur.fetchall():
            array = np.frombuffer(row[3], dtype=np.float32).reshape(int(row[2]), int(row[1]))
            found[str(row[0])] = array
    return found


async def store(
    tx: aiosqlite.Connection, model: str, vectors: dict[str, np.ndarray], at: datetime
) -> None:
    """Save newly computed vectors."""
    await tx.executemany(
        "INSERT INTO article_vectors"
        " (content_hash, model, dim, count, vectors, created_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (content_hash, model) DO UPDATE SET dim = excluded.dim,"
        " count = excluded.count, vectors = excluded.vectors, created_at = excluded.created_at",
        [
            (
                h,
                model,
                int(v.shape[1]),
                int(v.shape[0]),
                v.astype(np.float32).tobytes(),
                at.isoformat(),
            )
            for h, v in vectors.items()
        ],
    )


async def prune(tx: aiosqlite.Connection, model: str, keep: set[str]) -> int:
    """Delete this model's vectors of articles that changed or are gone; returns how many."""
    cur = await tx.execute("SELECT content_hash FROM article_vectors WHERE model = ?", (model,))
    stale = [str(row[0]) for row in await cur.fetchall() if row[0] not in keep]
    for start in range(0, len(stale), 500):
        chunk = stale[start : start + 500]
        await tx.execute(
            f"DELETE FROM article_vectors WHERE model = ? AND content_hash IN"
            f" ({','.join('?' * len(chunk))})",
            (model, *chunk),
        )
    return len(stale)
