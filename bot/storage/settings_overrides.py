"""A community's setting overrides (community_settings): one JSON value per key."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite


async def stored(conn: aiosqlite.Connection, community_id: int) -> dict[str, str]:
    """Every override stored for a community, key to its JSON text (decoded by the caller)."""
    cur = await conn.execute(
        "SELECT key, value_json FROM community_settings WHERE community_id = ?",
        (community_id,),
    )
    return {str(row[0]): row[1] for row in await cur.fetchall()}


async def store(
    tx: aiosqlite.Connection,
    community_id: int,
    key: str,
    value: Any,
    by: int,
    at: datetime,
) -> None:
    """Save one override (replacing the key's previous value)."""
    await tx.execute(
        "INSERT INTO community_settings (community_id, key, value_json, updated_at, updated_by)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (community_id, key) DO UPDATE SET"
        " value_json = excluded.value_json, updated_at = excluded.updated_at,"
        " updated_by = excluded.updated_by",
        (community_id, key, json.dumps(value), at.isoformat(), by),
    )


async def delete(tx: aiosqlite.Connection, community_id: int, key: str) -> bool:
    """Remove one override; True if there was one."""
    cur = await tx.execute(
        "DELETE FROM community_settings WHERE community_id = ? AND key = ?",
        (community_id, key),
    )
    return (cur.rowcount or 0) > 0


async def rewrite_value(tx: aiosqlite.Connection, community_id: int, key: str, value: Any) -> None:
    """Replace a stored override's value, keeping who set it and when (a forget's edit)."""
    await tx.execute(
        "UPDATE community_settings SET value_json = ? WHERE community_id = ? AND key = ?",
        (json.dumps(value), community_id, key),
    )
