"""Timer rows: what is due, when, with what payload; and how each one ended."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite


@dataclass(frozen=True)
class Timer:
    """A pending action at a time."""

    id: int
    community_id: int
    kind: str
    key: str
    due_at: datetime
    payload: dict[str, Any]
    attempts: int


_COLUMNS = "id, community_id, kind, key, due_at, payload_json, attempts"


def _timer(row: Any) -> Timer:
    return Timer(
        int(row[0]),
        int(row[1]),
        str(row[2]),
        str(row[3]),
        datetime.fromisoformat(row[4]),
        json.loads(row[5]),
        int(row[6]),
    )


async def schedule(
    tx: aiosqlite.Connection,
    community_id: int,
    kind: str,
    key: str,
    due_at: datetime,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    """Add a pending timer, or move the pending one of the same kind and key."""
    await tx.execute(
        "INSERT INTO timers (community_id, kind, key, due_at, payload_json, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (community_id, kind, key) WHERE status = 'pending'"
        " DO UPDATE SET due_at = excluded.due_at, payload_json = excluded.payload_json",
        (community_id, kind, key, due_at.isoformat(), json.dumps(payload), now.isoformat()),
    )


async def cancel(
    tx: aiosqlite.Connection, community_id: int, kind: str, key: str, now: datetime
) -> bool:
    """Cancel the pending timer of that kind and key; False if there was none."""
    cur = await tx.execute(
        "UPDATE timers SET status = 'cancelled', finished_at = ?"
        " WHERE community_id = ? AND kind = ? AND key = ? AND status = 'pending'",
        (now.isoformat(), community_id, kind, key),
    )
    return cur.rowcount > 0


async def due(conn: aiosqlite.Connection, now: datetime) -> list[Timer]:
    """Pending timers due at `now` that no process holds a lease on, oldest first."""
    cur = await conn.execute(
        f"SELECT {_COLUMNS} FROM timers WHERE status = 'pending' AND due_at <= ?"
        " AND (lease_until IS NULL OR lease_until <= ?) ORDER BY due_at, id",
        (now.isoformat(), now.isoformat()),
    )
    return [_timer(row) for row in await cur.fetchall()]


async def next_due(conn: aiosqlite.Connection, after: datetime, until: datetime) -> datetime | None:
    """When the first pending timer falls due in (after, until], if one does."""
    cur = await conn.execute(
        "SELECT MIN(due_at) FROM timers WHERE status = 'pending' AND due_at > ? AND due_at <= ?",
        (after.isoformat(), until.isoformat()),
    )
    row = await cur.fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


async def pending(conn: aiosqlite.Connection) -> list[Timer]:
    """Every pending timer (to arm the scheduler at start)."""
    cur = await conn.execute(
        f"SELECT {_COLUMNS} FROM timers WHERE status = 'pending' ORDER BY due_at, id"
    )
    return [_timer(row) for row in await cur.fetchall()]


async def claim(
    tx: aiosqlite.Connection, timer_id: int, owner: str, now: datetime, until: datetime
) -> bool:
    """Take a due timer for `owner` until `until`; False if it is done, cancelled, or
    another process holds a lease on it that hasn't run out."""
    cur = await tx.execute(
        "UPDATE timers SET lease_owner = ?, lease_until = ?"
        " WHERE id = ? AND status = 'pending' AND (lease_until IS NULL OR lease_until <= ?)",
        (owner, until.isoformat(), timer_id, now.isoformat()),
    )
    return cur.rowcount > 0


async def release(tx: aiosqlite.Connection, owner: str) -> int:
    """Give back the leases `owner` still holds (a process stopping); how many."""
    cur = await tx.execute(
        "UPDATE timers SET lease_owner = NULL, lease_until = NULL"
        " WHERE lease_owner = ? AND status = 'pending'",
        (owner,),
    )
    return max(cur.rowcount, 0)


async def finish(tx: aiosqlite.Connection, timer_id: int, status: str, now: datetime) -> bool:
    """Mark a pending timer done or failed; False if it was no longer pending."""
    cur = await tx.execute(
        "UPDATE timers SET status = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL"
        " WHERE id = ? AND status = 'pending'",
        (status, now.isoformat(), timer_id),
    )
    return cur.rowcount > 0


async def retry(tx: aiosqlite.Connection, timer_id: int, due_at: datetime, error: str) -> None:
    """Count a failed attempt and try again at `due_at`."""
    await tx.execute(
        "UPDATE timers SET attempts = attempts + 1, last_error = ?, due_at = ?,"
        " lease_owner = NULL, lease_until = NULL WHERE id = ? AND status = 'pending'",
        (error[:500], due_at.isoformat(), timer_id),
    )


async def postpone(tx: aiosqlite.Connection, timer_id: int, due_at: datetime, error: str) -> None:
    """Try again at `due_at` without counting a failed attempt (the platform wasn't ready)."""
    await tx.execute(
        "UPDATE timers SET last_error = ?, due_at = ?, lease_owner = NULL, lease_until = NULL"
        " WHERE id = ? AND status = 'pending'",
        (error[:500], due_at.isoformat(), timer_id),
    )


async def ever_done(conn: aiosqlite.Connection, community_id: int, kind: str, key: str) -> bool:
    """Whether a timer of this kind and key has already run (for one-time actions)."""
    cur = await conn.execute(
        "SELECT 1 FROM timers WHERE community_id = ? AND kind = ? AND key = ? AND status = 'done'",
        (community_id, kind, key),
    )
    return await cur.fetchone() is not None


@dataclass(frozen=True)
class TimerText:
    """A timer's free text: its payload (decoded JSON) and its last error."""

    id: int
    payload: Any
    last_error: str | None


async def texts_naming(
    tx: aiosqlite.Connection, community_id: int, external_id: str
) -> list[TimerText]:
    """A community's timers whose payload holds the platform id, or that kept an error."""
    cur = await tx.execute(
        "SELECT id, payload_json, last_error FROM timers WHERE community_id = ?"
        " AND (instr(payload_json, ?) > 0 OR last_error IS NOT NULL)",
        (community_id, external_id),
    )
    return [TimerText(int(r[0]), json.loads(r[1]), r[2]) for r in await cur.fetchall()]


async def rewrite_texts(
    tx: aiosqlite.Connection, timer_id: int, payload: Any, last_error: str | None
) -> None:
    """Replace a timer's payload and last error (forgetting a member)."""
    await tx.execute(
        "UPDATE timers SET payload_json = ?, last_error = ? WHERE id = ?",
        (json.dumps(payload), last_error, timer_id),
    )
