"""Slack's pace shared by the workers of one database (issue 19): two workers posting in one
channel at once keep together to Slack's one message a second after the burst, as one worker
does; on PostgreSQL (several processes) and on a SQLite file (the same code path)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.slack.throttle import Throttle
from bot.storage.db import Database
from bot.storage.postgres import PostgresDatabase
from bot.storage.store import Store
from tests.storage.postgres_fixtures import pg_schema_or_skip


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """One database two workers share (PostgreSQL skipped, saying so, when absent)."""
    if request.param == "sqlite":
        db = Database(tmp_path / "pace.db")
        await db.open()
        yield db
        await db.close()
        return
    async with pg_schema_or_skip() as (dsn, schema):
        shared = PostgresDatabase(dsn, schema=schema)
        await shared.open()
        yield shared
        await shared.close()


async def test_two_workers_share_one_channels_pace(store: Store) -> None:
    """Worker one posts 3, worker two 3 in the same second: 4 go at once, then one a second
    (each on its own would have let all 6 go); another channel keeps its own pace."""
    clock = [1_000_000.0]
    waits: list[tuple[str, float]] = []

    def worker(name: str) -> Throttle:
        async def sleep(seconds: float) -> None:
            waits.append((name, round(seconds, 3)))
            clock[0] += seconds

        return Throttle(now=lambda: clock[0], sleep=sleep, shared=store)

    one, two = worker("one"), worker("two")
    for _ in range(3):
        await one.wait("C0HELP")
    for _ in range(3):
        await two.wait("C0HELP")
    assert waits == [("two", 1.0), ("two", 1.0)]
    await one.wait("C0GENERAL")
    await two.wait("C0GENERAL")
    assert len(waits) == 2
    clock[0] += 60  # a quiet minute refills the burst, not more
    for throttle in (one, two, one, two, one):
        await throttle.wait("C0HELP")
    assert waits[2:] == [("one", 1.0)]
