"""`make test`'s second pass: the storage, cog, timer and dispatch tests again, on
PostgreSQL (each bot or storage test in its own schema, dropped after), and the tests of
PostgreSQL itself: its store, its command line, real bot processes sharing it (the main
pass leaves these out: Makefile, PG_ONLY). When PostgreSQL doesn't answer at
TEST_POSTGRES_DSN (default the machine's postgresql://postgres@127.0.0.1:5432/test), it
says so and passes: SQLite, the default, was tested by the first pass.

    python -m tests.run_on_postgresql [pytest arguments]
"""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from tests.fakes.backends import postgres_dsn

SUITES = [
    "tests/storage",
    "tests/cogs",
    "tests/scheduler",
    "tests/runtime",
    "tests/multiprocess",
    "tests/cli/test_postgres_cli.py",
    "-m",
    "not slow",
]


async def reachable(dsn: str) -> str | None:
    """None when PostgreSQL answers at `dsn`, else why not."""
    try:
        import asyncpg

        connection = await asyncpg.connect(dsn, timeout=3)
    except Exception as exc:  # refused, unknown host, bad login, missing database
        return f"{type(exc).__name__}: {exc}"
    await connection.close()
    return None


def main(argv: list[str]) -> int:
    """Run the suites on PostgreSQL, or explain why not."""
    dsn = postgres_dsn()
    problem = asyncio.run(reachable(dsn))
    if problem is not None:
        print(f"PostgreSQL not reachable at {dsn} ({problem}): skipped the PostgreSQL pass")
        return 0
    print(f"PostgreSQL pass: storage, cogs, timers, dispatch and several processes on {dsn}")
    os.environ["TEST_DATABASE_BACKEND"] = "postgresql"
    return int(pytest.main(["-q", *SUITES, *argv]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
