"""What tests check about members, communities, settings, processed events and the KB."""

from __future__ import annotations

from typing import Any

from bot.storage.db import Database
from tests.queries._db import count, rows, value


async def member_id(db: Database, name: str) -> int:
    """A member's row id, by platform id."""
    return int(await value(db, "SELECT id FROM members WHERE external_id = ?", (name,)))


async def member(
    db: Database, name: str | None = None, *, row_id: int | None = None
) -> dict[str, Any]:
    """A member's row by column name, found by platform id or by row id."""
    row = await db.fetchone(
        "SELECT * FROM members WHERE external_id = ? OR id = ? ORDER BY id LIMIT 1", (name, row_id)
    )
    return {} if row is None else dict(row)


async def member_count(db: Database, name: str | None = None) -> int:
    """How many member rows exist (with this platform id, if given)."""
    sql = "SELECT COUNT(*) FROM members WHERE external_id = ? OR CAST(? AS TEXT) IS NULL"
    return await count(db, sql, (name, name))


async def rows_in(db: Database, table: str) -> int:
    """How many rows a table holds, for tables no named helper covers."""
    return await count(db, f"SELECT COUNT(*) FROM {table}")


async def override_count(db: Database) -> int:
    """How many settings admins changed for a community (stored overrides)."""
    return await count(db, "SELECT COUNT(*) FROM community_settings")


async def override(db: Database, key: str | None = None) -> str | None:
    """The JSON stored for one overridden setting (the first override if no key is given)."""
    sql = (
        "SELECT value_json FROM community_settings WHERE key = ? OR CAST(? AS TEXT) IS NULL"
        " ORDER BY updated_at, key"
    )
    return await value(db, sql, (key, key))


async def override_keys(db: Database) -> list[str]:
    """Keys of the settings admins changed, in the order stored."""
    sql = "SELECT key FROM community_settings ORDER BY updated_at, key"
    return [str(r[0]) for r in await rows(db, sql)]


async def processed_count(db: Database, like: str) -> int:
    """How many platform events are recorded as handled whose id matches a LIKE pattern
    (% any text, _ one character)."""
    return await count(db, "SELECT COUNT(*) FROM processed_events WHERE event_id LIKE ?", (like,))


async def processed_of(db: Database, *event_ids: str) -> int:
    """How many of these exact event ids are recorded as handled."""
    marks = ", ".join("?" * len(event_ids))
    sql = f"SELECT COUNT(*) FROM processed_events WHERE event_id IN ({marks})"
    return await count(db, sql, event_ids)


async def suggestion_message(db: Database) -> str | None:
    """Message id of the first knowledge-base suggestion the bot posted."""
    return await value(db, "SELECT message_id FROM kb_suggestions ORDER BY id LIMIT 1")


async def verdict(db: Database) -> str | None:
    """The first feedback given on a suggestion (helpful, not_helpful …)."""
    return await value(db, "SELECT verdict FROM kb_feedback ORDER BY id LIMIT 1")


async def communities(db: Database) -> list[tuple[int, str, str]]:
    """(row id, platform, platform id) of every community, in the order met."""
    return await rows(db, "SELECT id, platform, external_id FROM communities ORDER BY id")
