"""A PostgreSQL database for tests: TEST_POSTGRES_DSN (default the machine's
postgresql://postgres@127.0.0.1:5432/test), one fresh schema per test, dropped after. When
PostgreSQL doesn't answer, the tests that need it are skipped and say so."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class PgSchema:
    """Where a test's tables live."""

    dsn: str
    schema: str


async def _connect(dsn: str) -> object:
    import asyncpg

    return await asyncpg.connect(dsn, timeout=3)


@pytest.fixture
async def pg_schema() -> AsyncIterator[PgSchema]:
    """A fresh, empty schema on the test PostgreSQL (skipped when it can't be reached)."""
    dsn = os.environ.get("TEST_POSTGRES_DSN", DEFAULT_DSN)
    try:
        admin = await _connect(dsn)
    except (OSError, TimeoutError, ImportError) as exc:
        pytest.skip(f"PostgreSQL not reachable at {dsn} ({exc}): PostgreSQL tests skipped")
    except Exception as exc:  # asyncpg's own errors: refused login, missing database
        pytest.skip(f"PostgreSQL at {dsn} refused the tests ({exc}): PostgreSQL tests skipped")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    await admin.execute(f"CREATE SCHEMA {schema}")  # type: ignore[attr-defined]
    try:
        yield PgSchema(dsn, schema)
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")  # type: ignore[attr-defined]
        await admin.close()  # type: ignore[attr-defined]
