"""A PostgreSQL schema for tests (tests/fakes/backends.py makes and drops it): skipped, saying
why, when PostgreSQL doesn't answer at TEST_POSTGRES_DSN."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from tests.fakes.backends import fresh_schema, postgres_dsn


@dataclass(frozen=True)
class PgSchema:
    """Where a test's tables live."""

    dsn: str
    schema: str


@asynccontextmanager
async def pg_schema_or_skip() -> AsyncIterator[tuple[str, str]]:
    """(dsn, schema) of a fresh, empty schema, dropped after; the test is skipped, saying
    why, when PostgreSQL can't be reached."""
    try:
        making = fresh_schema()
        dsn, schema = await making.__aenter__()
    except Exception as exc:  # refused, unknown host, bad login, missing database
        pytest.skip(
            f"PostgreSQL not reachable at {postgres_dsn()} ({exc}): PostgreSQL tests skipped"
        )
    try:
        yield dsn, schema
    finally:
        await making.__aexit__(None, None, None)


@pytest.fixture
async def pg_schema() -> AsyncIterator[PgSchema]:
    """A fresh, empty schema on the test PostgreSQL (skipped when it can't be reached)."""
    async with pg_schema_or_skip() as (dsn, schema):
        yield PgSchema(dsn, schema)
