"""The database: aiosqlite on a file, WAL, numbered migrations, serialised transactions."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.probe import DatabaseUnusable, describe

log = logging.getLogger(__name__)

Row = sqlite3.Row


# A migration that rebuilds a table other tables reference starts with this line: SQLite's
# documented way (https://sqlite.org/lang_altertable.html, "other kinds of table schema
# changes") turns foreign keys off around the transaction, or dropping the old table would
# cascade into every row that points at it; the keys are checked before the commit.
REBUILDS = "-- entraide: rebuilds a referenced table"


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file from bot/storage/migrations."""

    version: int
    name: str
    sql: str

    @property
    def rebuilds(self) -> bool:
        """Whether it must run with foreign keys off (see REBUILDS)."""
        return self.sql.lstrip().startswith(REBUILDS)


def bundled_migrations(package: str = "bot.storage.migrations") -> list[Migration]:
    """The migrations shipped with the package, in order (migrations_pg: PostgreSQL's)."""
    found = []
    for entry in resources.files(package).iterdir():
        stem, _, ext = entry.name.partition(".")
        number, _, name = stem.partition("_")
        if ext == "sql" and number.isdigit():
            found.append(Migration(int(number), name, entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (triggers with inner ';' stay whole)."""
    statements, buffer = [], ""
    for piece in sql.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if _has_code(buffer):
                statements.append(buffer.strip())
            buffer = ""
    if _has_code(buffer.removesuffix(";")):
        statements.append(buffer.removesuffix(";").strip())
    return statements


def _has_code(sql: str) -> bool:
    """Whether a chunk holds more than comments, blanks and semicolons."""
    lines = (line.split("--", 1)[0] for line in sql.splitlines())
    return any(line.strip().strip(";") for line in lines)


class Database:
    """One connection, shared by the whole bot; every transaction holds the lock.

    A single connection plus an asyncio lock serialises writers inside the process, and
    BEGIN IMMEDIATE takes SQLite's write lock up front, so check-then-write sequences (caps,
    unique awards) can't interleave, even with a second process on the same file.
    """

    shared = False  # one process (a second on the same file is for tests and tools)

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = 5000) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def conn(self) -> aiosqlite.Connection:
        """The open connection (after `open`)."""
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def open(self, migrations: Iterable[Migration] | None = None) -> None:
        """Open the file, set pragmas and apply pending migrations."""
        if self.path.is_dir():  # checked first: aiosqlite leaks its thread on a failed connect
            raise DatabaseUnusable(self.path, "it is a folder")
        try:
            if str(self.path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = await aiosqlite.connect(self.path, isolation_level=None)
            self._conn.row_factory = sqlite3.Row
            await self._conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            await self._conn.execute("PRAGMA journal_mode = WAL")
        except (OSError, sqlite3.Error) as exc:
            await self.close()
            reason = exc.strerror if isinstance(exc, OSError) else describe(exc, self.path)
            raise DatabaseUnusable(self.path, str(reason)) from exc
        # FULL: a committed reputation change survives a power cut, not just a crash.
        await self._conn.execute("PRAGMA synchronous = FULL")
        await self._conn.execute("PRAGMA foreign_keys = ON")
        # Erased texts (a forget, the retention purge) are overwritten with zeros, not just
        # unlinked: whatever SQLite's compile-time default on this machine.
        await self._conn.execute("PRAGMA secure_delete = ON")
        await self.migrate(bundled_migrations() if migrations is None else migrations)

    async def close(self) -> None:
        """Close the connection (idempotent)."""
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def schema_version(self) -> int:
        """Highest applied migration number, 0 for an empty database."""
        async with self.read() as conn:
            cur = await conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_version'"
            )
            if await cur.fetchone() is None:
                return 0
            cur = await conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version")
            row = await cur.fetchone()
            return int(row[0]) if row else 0

    async def migrate(self, migrations: Iterable[Migration]) -> list[int]:
        """Apply each pending migration in its own transaction; returns versions applied."""
        applied = []
        for migration in migrations:
            if migration.rebuilds:  # a no-op inside a transaction: set before BEGIN
                await self.conn.execute("PRAGMA foreign_keys = OFF")
            try:
                if await self._apply(migration):
                    applied.append(migration.version)
            finally:
                if migration.rebuilds:
                    await self.conn.execute("PRAGMA foreign_keys = ON")
        return applied

    async def _apply(self, migration: Migration) -> bool:
        """One migration in its own transaction; False if another process applied it."""
        async with self.transaction() as tx:
            # Read the version under the write lock: another process may have migrated.
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            cur = await tx.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version")
            row = await cur.fetchone()
            if migration.version <= (int(row[0]) if row else 0):
                return False
            for statement in split_statements(migration.sql):
                await tx.execute(statement)
            if migration.rebuilds:
                cur = await tx.execute("PRAGMA foreign_key_check")
                broken = list(await cur.fetchall())
                if broken:
                    raise sqlite3.IntegrityError(
                        f"migration {migration.version} broke {len(broken)} references"
                    )
            await tx.execute(
                "INSERT INTO schema_version (version, name, applied_at)"
                " VALUES (?, ?, datetime('now'))",
                (migration.version, migration.name),
            )
        log.info("applied migration %04d_%s", migration.version, migration.name)
        return True

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error or cancellation."""
        async with self._lock:
            conn = self.conn
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                # Shielded so a cancelled task still leaves no half-written transaction.
                await asyncio.shield(conn.execute("ROLLBACK"))
                raise
            else:
                try:
                    await asyncio.shield(conn.execute("COMMIT"))
                except BaseException:
                    # A failed COMMIT (disk full, busy) must not leave the connection in a
                    # transaction, or every later BEGIN would fail.
                    await asyncio.shield(conn.execute("ROLLBACK"))
                    raise

    def unlocked(self) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        """On SQLite a write transaction: one writer at a time is SQLite's only way."""
        return self.transaction()

    async def checkpoint(self) -> bool:
        """Copy the WAL into the file and empty it (TRUNCATE), so erased texts are left in
        neither; False when a reader elsewhere kept it from completing (retried next time)."""
        async with self._lock:
            cur = await self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            row = await cur.fetchone()
        busy = bool(row and row[0])
        if busy:
            log.warning("WAL checkpoint incomplete: another connection is reading %s", self.path)
        return not busy

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection for reads, never interleaved with another task's transaction."""
        async with self._lock:
            yield self.conn

    async def fetchone(self, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
        """One row of a read query."""
        async with self.read() as conn:
            cur = await conn.execute(sql, params)
            row: Row | None = await cur.fetchone()
            return row

    async def fetchall(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        """All rows of a read query."""
        async with self.read() as conn:
            cur = await conn.execute(sql, params)
            return list(await cur.fetchall())


def backup(source: Path, target: Path) -> None:
    """Consistent copy of a live WAL database with SQLite's online backup API."""
    if not source.exists():
        raise FileNotFoundError(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    # as_uri() escapes '#', '?' and '%', which would otherwise change what SQLite opens.
    src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


async def stored_version(conn: aiosqlite.Connection) -> int | None:
    """Highest applied migration of an open database, None if it has no schema_version."""
    cur = await conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'")
    if await cur.fetchone() is None:
        return None
    cur = await conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version")
    return int((await cur.fetchone() or (0,))[0])
