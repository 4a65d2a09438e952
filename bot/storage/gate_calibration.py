"""Calibrated suggestion gates, stored by signature (model, articles, question set)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite


@dataclass(frozen=True)
class Gate:
    """One language's calibrated threshold and how it was found."""

    language: str
    threshold: float
    questions: int
    shown: int


async def load(conn: aiosqlite.Connection, signature: str) -> Gate | None:
    """The gate computed for this signature, if any."""
    cur = await conn.execute(
        "SELECT language, threshold, questions, shown FROM gate_calibration WHERE signature = ?",
        (signature,),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    return Gate(str(row[0]), float(row[1]), int(row[2]), int(row[3]))


async def store(tx: aiosqlite.Connection, signature: str, gate: Gate, at: datetime) -> None:
    """Record a computed gate (once per signature)."""
    await tx.execute(
        "INSERT INTO gate_calibration"
        " (signature, language, threshold, questions, shown, computed_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (signature) DO UPDATE SET language = excluded.language,"
        " threshold = excluded.threshold, questions = excluded.questions,"
        " shown = excluded.shown, computed_at = excluded.computed_at",
        (signature, gate.language, gate.threshold, gate.questions, gate.shown, at.isoformat()),
    )
