"""What the bot needs of its database, whichever backend holds it: SQLite (embedded, the
default: bot.storage.db) or PostgreSQL (shared by several processes: bot.storage.postgres).

Both hand the storage modules a connection with the same calls (execute → cursor with
fetchone, fetchall, rowcount; executemany). The PostgreSQL one is typed as aiosqlite's so
the storage modules keep one signature; the SQL they send is the part both dialects accept.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from bot.storage.urls import DatabaseUrl


class Store(Protocol):
    """A database the bot can open, write in transactions, read and close."""

    # SQLite: the database file. PostgreSQL: where the file would be, so the data folder
    # (the knowledge overlay, the heartbeat, exported files) is found the same way.
    path: Path
    # True when several processes may use the database at once (PostgreSQL): what a process
    # keeps in memory for itself (a posting pace) must then live in the database.
    shared: bool

    async def open(self) -> None:
        """Connect and apply pending migrations."""

    async def close(self) -> None:
        """Disconnect (idempotent)."""

    def transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        """A write transaction, rolled back on any error."""

    def read(self) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        """A connection for reads."""

    def unlocked(self) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        """A connection for single statements that are atomic on their own (an upsert with
        no check before it): committed each, without the write lock other writers wait on."""

    async def fetchone(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """One row of a read query, or None."""

    async def fetchall(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """All rows of a read query."""

    async def schema_version(self) -> int:
        """Highest applied migration."""

    async def checkpoint(self) -> bool:
        """Flush erased data out of any log (SQLite's WAL); True when done."""


def open_store(url: DatabaseUrl, *, data_path: Path, busy_timeout_ms: int = 5000) -> Store:
    """The store a database URL names (not opened yet); `data_path` anchors the data folder
    when the database isn't a file."""
    if url.kind == "postgresql":
        from bot.storage.postgres import PostgresDatabase

        assert url.dsn is not None
        return PostgresDatabase(url.dsn, path=data_path)
    from bot.storage.db import Database

    assert url.path is not None
    return Database(url.path, busy_timeout_ms=busy_timeout_ms)
