"""Storage tests share one fixture: a fresh, migrated database file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.db import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """An open database with the bundled migrations applied."""
    database = Database(tmp_path / "entraide.db")
    await database.open()
    try:
        yield database
    finally:
        await database.close()
