"""The two reads every query helper is built on (tests' own, over the bot's database)."""

from __future__ import annotations

from typing import Any

from bot.storage.db import Database


async def value(db: Database, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """First column of the first row, or None when there is no row."""
    row = await db.fetchone(sql, params)
    return None if row is None else row[0]


async def rows(db: Database, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every row, as plain tuples (comparable with ==)."""
    return [tuple(r) for r in await db.fetchall(sql, params)]


async def count(db: Database, sql: str, params: tuple[Any, ...] = ()) -> int:
    """A COUNT(*) query's answer as an int."""
    return int(await value(db, sql, params) or 0)
