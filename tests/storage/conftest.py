"""Storage tests share one fixture: a fresh, migrated database (a SQLite file, or with
TEST_DATABASE_BACKEND=postgresql a fresh PostgreSQL schema, dropped after)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.db import Database
from bot.storage.postgres import PostgresDatabase
from bot.storage.store import Store
from tests.fakes.backends import backend
from tests.storage.postgres_fixtures import pg_schema_or_skip


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Store]:
    """An open database with the bundled migrations applied."""
    if backend() == "postgresql":
        async with pg_schema_or_skip() as (dsn, schema):
            shared = PostgresDatabase(dsn, schema=schema)
            await shared.open()
            try:
                yield shared
            finally:
                await shared.close()
        return
    database = Database(tmp_path / "entraide.db")
    await database.open()
    try:
        yield database
    finally:
        await database.close()
