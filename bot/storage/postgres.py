"""PostgreSQL as the shared store (asyncpg), with the surface the storage modules use on
SQLite: `transaction()` and `read()` yield a connection whose `execute(sql, params)` returns
a cursor (`fetchone`, `fetchall`, `rowcount`), so the SQL both dialects agree on is written
once, with `?` or `:name` placeholders.

Several bot processes share one database. Write transactions take an advisory lock for
their whole length, as SQLite's BEGIN IMMEDIATE takes its write lock: a check-then-write
sequence (a daily cap, a unique award) can't interleave with another process's. A
transaction about one community (bot.storage.store.writing_for: an event's, a timer's)
locks that community only, so communities write side by side; any other takes the whole
write lock. Keys carry the schema's hash: schemas of one database don't wait on each other.
Migrations run under their own advisory lock, so processes starting together apply each
one once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import aiosqlite

from bot.storage.db import Migration
from bot.storage.db import bundled_migrations as migration_files
from bot.storage.pg_connection import PgConnection
from bot.storage.scope import written_for

log = logging.getLogger(__name__)

# Advisory lock keys (any two 64-bit numbers nobody else uses on the database).
WRITE_LOCK = 0x656E7401  # "ent" + 1, under its schema's hash (the key's top half)
MIGRATION_LOCK = 0x656E747261696402
# Advisory locks are the database's, not a schema's: the key carries the schema's hash, so
# bots (or tests) in other schemas of one database never wait on this one's writers.
_WRITE_KEY = "(hashtext(current_schema())::bigint << 32) | $1::bigint"
# The same numbered files as SQLite's (bot.storage.db), from migrations_pg.
PgMigration = Migration


def bundled_migrations() -> list[Migration]:
    """The PostgreSQL migrations shipped with the package, in order."""
    return migration_files("bot.storage.migrations_pg")


class PostgresDatabase:
    """A pool of connections to one PostgreSQL database (optionally one schema of it)."""

    shared = True  # several bot processes at once

    def __init__(
        self,
        dsn: str,
        *,
        schema: str | None = None,
        pool_size: int = 4,
        path: Path = Path("data/entraide.db"),
    ) -> None:
        self.dsn = dsn
        self.schema = schema
        self.path = path  # no file: anchors the data folder (see bot.storage.store)
        self.pool_size = pool_size
        self._pool: Any = None

    @property
    def pool(self) -> Any:
        """The open pool (after `open`)."""
        if self._pool is None:
            raise RuntimeError("database is not open")
        return self._pool

    async def open(self, migrations: Iterable[PgMigration] | None = None) -> None:
        """Connect, and apply the pending migrations (once, whoever else starts now); with
        none given (`[]`), only connect: a reader changes nothing."""
        import asyncpg

        settings = {"search_path": self.schema} if self.schema else {}
        self._pool = await asyncpg.create_pool(
            self.dsn, min_size=1, max_size=self.pool_size, server_settings=settings
        )
        wanted = bundled_migrations() if migrations is None else list(migrations)
        if wanted:
            await self.migrate(wanted)

    async def close(self) -> None:
        """Close the pool (idempotent)."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await asyncio.shield(pool.close())

    async def schema_version(self) -> int:
        """Highest applied migration number, 0 for an empty database."""
        async with self.pool.acquire() as conn:
            return await _version(conn)

    async def migrate(self, migrations: Iterable[PgMigration]) -> list[int]:
        """Apply each pending migration in its own transaction; returns versions applied."""
        applied = []
        async with self.pool.acquire() as conn:
            # Session lock: held across the migrations, released even if one fails.
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                home = home_schema(self.dsn, self.schema)
                if home is not None:  # as SQLite makes its file: the tables' schema
                    quoted = home.replace('"', '""')
                    await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{quoted}"')
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version ("
                    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                current = await _version(conn)
                for migration in migrations:
                    if migration.version <= current:
                        continue
                    async with conn.transaction():
                        await conn.execute(migration.sql)  # the whole file: simple protocol
                        await conn.execute(
                            "INSERT INTO schema_version (version, name, applied_at) VALUES"
                            " ($1, $2, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'))",
                            migration.version,
                            migration.name,
                        )
                    log.info(
                        "applied PostgreSQL migration %04d_%s", migration.version, migration.name
                    )
                    applied.append(migration.version)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction holding its lock to its end; rolled back on any error.

        Inside writing_for(community) the lock is that community's (with the write lock
        shared): communities write side by side, and a cap is checked and written by one
        transaction of its community at a time. Elsewhere the write lock is taken whole,
        so such a transaction waits for every community's, as SQLite's one writer would.
        """
        community = written_for()
        async with self.pool.acquire() as conn, conn.transaction():
            if community is None:
                await conn.execute(f"SELECT pg_advisory_xact_lock({_WRITE_KEY})", WRITE_LOCK)
            else:
                await conn.execute(f"SELECT pg_advisory_xact_lock_shared({_WRITE_KEY})", WRITE_LOCK)
                # (schema, community): two int4 keys, a key space apart from the bigint one.
                key = community & 0x7FFFFFFF
                await conn.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(current_schema()), $1)", key
                )
            yield _as_storage_connection(PgConnection(conn))

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A connection for reads (each statement sees what was committed before it)."""
        async with self.pool.acquire() as conn:
            yield _as_storage_connection(PgConnection(conn))

    @asynccontextmanager
    async def unlocked(self) -> AsyncIterator[aiosqlite.Connection]:
        """A connection whose statements commit one by one (asyncpg outside a transaction),
        without the write lock."""
        async with self.pool.acquire() as conn:
            yield _as_storage_connection(PgConnection(conn))

    async def checkpoint(self) -> bool:
        """Nothing to flush: PostgreSQL has no WAL file of ours to truncate."""
        return True

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Any | None:
        """One row of a read query."""
        async with self.read() as conn:
            return await (await conn.execute(sql, params)).fetchone()

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of a read query."""
        async with self.read() as conn:
            return list(await (await conn.execute(sql, params)).fetchall())


def home_schema(dsn: str, schema: str | None = None) -> str | None:
    """The schema the tables go in: `schema`, else the first of the URL's search_path
    (`?search_path=entraide`); None: PostgreSQL's default (public)."""
    if schema:
        return schema
    found = parse_qs(urlsplit(dsn).query).get("search_path")
    first = found[0].split(",")[0].strip().strip('"') if found else ""
    return first if first and not first.startswith("$") else None


def _as_storage_connection(conn: PgConnection) -> aiosqlite.Connection:
    # The storage modules are typed against aiosqlite's connection; PgConnection offers the
    # calls they make (see bot.storage.store).
    return cast(aiosqlite.Connection, conn)


async def _version(conn: Any) -> int:
    exists = await conn.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
    if not exists:
        return 0
    return int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))


async def stored_version(dsn: str, connect_within: float) -> int:
    """The schema version of a PostgreSQL store, read without migrating it (health)."""
    import asyncpg

    conn = await asyncpg.connect(dsn, timeout=connect_within)
    try:
        return int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))
    finally:
        await conn.close()
