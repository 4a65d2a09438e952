"""Which database backend a test bot runs on: SQLite (a file in the test's folder), or,
with TEST_DATABASE_BACKEND=postgresql, a fresh schema of the test PostgreSQL
(TEST_POSTGRES_DSN, default the machine's), dropped afterwards."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.storage.db import Database
from bot.storage.postgres import PostgresDatabase
from bot.storage.store import Store

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"


def backend() -> str:
    """sqlite (default) or postgresql."""
    return os.environ.get("TEST_DATABASE_BACKEND", "sqlite")


def postgres_dsn() -> str:
    """The test PostgreSQL."""
    return os.environ.get("TEST_POSTGRES_DSN", DEFAULT_DSN)


@asynccontextmanager
async def fresh_schema(dsn: str | None = None) -> AsyncIterator[tuple[str, str]]:
    """(dsn, schema): a new empty schema, dropped with everything in it afterwards."""
    import asyncpg

    dsn = dsn or postgres_dsn()
    admin = await asyncpg.connect(dsn, timeout=3)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    await admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield dsn, schema
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


# Schemas made for the current test's databases, dropped after it (tests/conftest.py).
made: set[str] = set()


async def database_url(db_path: Path) -> str | None:
    """None on SQLite; on PostgreSQL, a URL whose search_path is the schema standing for
    `db_path`: the same path is the same database, as a file would be (restart tests)."""
    if backend() != "postgresql":
        return None
    import asyncpg

    dsn = postgres_dsn()
    schema = "t_" + hashlib.sha1(str(db_path).encode()).hexdigest()[:16]
    if schema not in made:
        admin = await asyncpg.connect(dsn, timeout=3)
        try:
            await admin.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        finally:
            await admin.close()
        made.add(schema)
    separator = "&" if "?" in dsn else "?"
    return f"{dsn}{separator}search_path={schema}"


def _folder_schema(folder: Path) -> str:
    """The schema standing for a test folder's database when the bot is configured from
    the environment (one a folder: a restarted bot, or a reader, finds the same one)."""
    schema = "t_" + hashlib.sha1(f"folder:{folder}".encode()).hexdigest()[:16]
    made.add(schema)
    return schema


def database_env(db_path: Path) -> dict[str, str]:
    """ENTRAIDE_DATABASE_URL for a bot started from the environment (a subprocess, or
    load_settings(environ=…)): nothing on SQLite; on PostgreSQL the schema standing for
    `db_path`'s folder, which the bot makes at its first start (dropped after the test)."""
    if backend() != "postgresql":
        return {}
    dsn = postgres_dsn()
    separator = "&" if "?" in dsn else "?"
    return {
        "ENTRAIDE_DATABASE_URL": f"{dsn}{separator}search_path={_folder_schema(db_path.parent)}"
    }


def store_at(db_path: Path) -> Store:
    """The database a bot configured by database_env(db_path) uses, not opened: the SQLite
    file, or on PostgreSQL its folder's schema (for a test to read what the bot wrote)."""
    if backend() != "postgresql":
        return Database(db_path)
    return PostgresDatabase(postgres_dsn(), schema=_folder_schema(db_path.parent))


async def drop_made() -> None:
    """Drop the schemas this test made."""
    if not made:
        return
    import asyncpg

    admin = await asyncpg.connect(postgres_dsn(), timeout=3)
    try:
        for schema in sorted(made):
            await admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        await admin.close()
        made.clear()
