"""What the benchmarks read back (bench/): how late each durable timer ran; and, on
PostgreSQL, a copy of a benchmark's SQLite file made by migrate-db's code, the statements a
call sends and their plans. Named here because SQL is written only in bot/storage/,
tests/storage/ and tests/queries/ (tests/test_meta.py).

The timer reads take any open store (bot.storage.store.Store: SQLite's Database or
PostgreSQL's PostgresDatabase); the rest are PostgreSQL's.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock

from bot.storage.db import Database
from bot.storage.move import move
from bot.storage.postgres import PgConnection, PostgresDatabase
from bot.storage.store import Store
from tests.fakes.backends import fresh_schema, postgres_dsn


@dataclass(frozen=True)
class TimerRun:
    """One timer as it stands: when it was due, when (and how) it ended."""

    key: str
    status: str
    attempts: int
    due_at: datetime
    finished_at: datetime | None

    @property
    def lateness(self) -> float | None:
        """Seconds from due to done (None while it hasn't ended)."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.due_at).total_seconds()


async def timer_runs(db: Store, kind: str) -> list[TimerRun]:
    """Every timer of a kind (whatever its status), in the order they were made."""
    rows = await db.fetchall(
        "SELECT key, status, attempts, due_at, finished_at FROM timers WHERE kind = ? ORDER BY id",
        (kind,),
    )
    return [
        TimerRun(
            str(r[0]),
            str(r[1]),
            int(r[2]),
            datetime.fromisoformat(r[3]),
            datetime.fromisoformat(r[4]) if r[4] else None,
        )
        for r in rows
    ]


async def pending_timers(db: Store, kind: str) -> int:
    """How many timers of a kind are still pending (not done, failed or cancelled)."""
    row = await db.fetchone(
        "SELECT COUNT(*) FROM timers WHERE kind = ? AND status = 'pending'", (kind,)
    )
    return int(row[0]) if row else 0


def nearest_rank(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at
    or below it (0.5: the median, the lower middle one for an even count; 0.99: p99)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def lateness_summary(runs: Sequence[TimerRun], expected: int) -> dict[str, Any]:
    """p50, p99 and max lateness in seconds, and whether each of `expected` timers (one
    per key) ran exactly once: done, at the first attempt."""
    late = [r.lateness for r in runs if r.status == "done" and r.lateness is not None]
    keys = {r.key for r in runs}
    once = [r for r in runs if r.status == "done" and r.attempts == 0]
    summary: dict[str, Any] = {
        "timers": len(runs),
        "distinct_keys": len(keys),
        "done_first_try": len(once),
        "statuses": {s: sum(r.status == s for r in runs) for s in sorted({r.status for r in runs})},
        "fired_once": len(runs) == len(keys) == len(once) == expected,
    }
    if late:
        summary |= {
            "late_p50_s": round(nearest_rank(late, 0.5), 2),
            "late_p99_s": round(nearest_rank(late, 0.99), 2),
            "late_max_s": round(max(late), 2),
            "late_min_s": round(min(late), 2),
        }
    return summary


# --- PostgreSQL: the statements a call sends, and their plans -----------------------------

Params = Sequence[Any] | Mapping[str, Any]


@dataclass(frozen=True)
class Statement:
    """A read the bot sent to PostgreSQL, as the storage module wrote it (? or :name)."""

    sql: str
    params: Params

    def alone(self, db: PostgresDatabase) -> Callable[[], Awaitable[list[Any]]]:
        """A call running it once more through the bot's own path (a pool connection)."""

        async def run() -> list[Any]:
            async with db.read() as conn:
                return list(await (await conn.execute(self.sql, self.params)).fetchall())

        return run


@asynccontextmanager
async def postgres_reads() -> AsyncIterator[list[Statement]]:
    """Every SELECT (or WITH) the bot sends to PostgreSQL while inside, once each, in order:
    SQLite's trace callback, for PostgreSQL (asyncpg has no per-pool hook the bot exposes)."""
    seen: dict[tuple[str, str], Statement] = {}
    original = PgConnection._execute

    async def traced(self: PgConnection, sql: str, params: Params) -> Any:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.setdefault((sql, repr(params)), Statement(sql, params))
        return await original(self, sql, params)

    found: list[Statement] = []
    with mock.patch.object(PgConnection, "_execute", traced):
        try:
            yield found
        finally:
            found.extend(seen.values())


async def postgres_plan(
    db: PostgresDatabase, statement: Statement, *, run: bool = True
) -> list[str]:
    """PostgreSQL's plan of a read, one line a node; with `run`, EXPLAIN ANALYZE (the query
    runs: actual rows and milliseconds per node, and shared buffers hit or read)."""
    options = "ANALYZE, BUFFERS, COSTS OFF" if run else "COSTS OFF"
    async with db.read() as conn:
        cursor = await conn.execute(f"EXPLAIN ({options}) {statement.sql}", statement.params)
        return [str(row[0]) for row in await cursor.fetchall()]


async def vacuum_analyze(db: PostgresDatabase) -> list[str]:
    """VACUUM (ANALYZE) every table of the store's schema (the planner's statistics and the
    visibility map index-only scans need), as autovacuum would after a bulk copy; the tables."""
    async with db.pool.acquire() as conn:
        tables = [
            str(r[0])
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                " ORDER BY table_name"
            )
        ]
        for table in tables:
            await conn.execute(f'VACUUM (ANALYZE) "{table}"')  # not in a transaction
    return tables


async def postgres_settings(db: PostgresDatabase) -> dict[str, str]:
    """The server settings that shape a plan (version, memory, JIT, autovacuum)."""
    names = ("server_version", "shared_buffers", "work_mem", "effective_cache_size", "jit",
             "autovacuum", "random_page_cost")  # fmt: skip
    async with db.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY($1::text[])",
            list(names),
        )
    return {str(r[0]): str(r[1]) for r in rows}


BACKENDS = ("sqlite", "postgresql")


async def backends_answering(wanted: str) -> list[str]:
    """The backends a comma-separated list asks for (--backends), PostgreSQL dropped, saying
    so and why, when the test PostgreSQL doesn't answer."""
    backends = [b.strip() for b in wanted.split(",") if b.strip()]
    unknown = set(backends) - set(BACKENDS)
    if unknown:
        raise SystemExit(f"--backends: unknown {sorted(unknown)}; choose from {BACKENDS}")
    if "postgresql" in backends and (why := await postgres_unavailable()):
        backends.remove("postgresql")
        print(f"PostgreSQL SKIPPED, no answer from {why}; measuring: {backends or 'nothing'}")
    return backends


async def postgres_unavailable(dsn: str | None = None) -> str | None:
    """Why the test PostgreSQL can't be used (None: it answers)."""
    import asyncpg

    dsn = dsn or postgres_dsn()
    try:
        conn = await asyncpg.connect(dsn, timeout=3)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return f"{dsn}: {type(exc).__name__}: {exc}"
    await conn.close()
    return None


@dataclass
class PostgresCopy:
    """A fresh PostgreSQL schema holding a copy of a SQLite file, and what the copy took."""

    url: str  # postgresql://…?search_path=SCHEMA: what ENTRAIDE_DATABASE_URL would say
    rows: int = 0
    copy_s: float = 0.0  # bot.storage.move alone: copy and check
    analyze_s: float | None = None
    server: dict[str, str] = field(default_factory=dict)

    def report(self) -> dict[str, Any]:
        """The figures, for a benchmark's JSON."""
        return {"rows": self.rows, "copy_s": self.copy_s, "analyze_s": self.analyze_s,
                "server": self.server}  # fmt: skip


@asynccontextmanager
async def postgres_copy(source: Path, *, analyze: bool = True) -> AsyncIterator[PostgresCopy]:
    """`python -m bot migrate-db`'s copy (bot.storage.move: migrate, copy every row, check)
    of `source` into a fresh schema of the test PostgreSQL; with `analyze`, then VACUUM
    (ANALYZE) as autovacuum would soon after. The schema is dropped on the way out.

    `source` is first copied aside and brought to this code's schema (the bot's SQLite
    migrations), as migrate-db asks: a cached benchmark file may be older than a migration."""
    async with fresh_schema() as (dsn, schema):
        copy = PostgresCopy(f"{dsn}{'&' if '?' in dsn else '?'}search_path={schema}")
        target = PostgresDatabase(copy.url)
        await target.open()  # the bot's PostgreSQL migrations, as migrate-db applies them
        try:
            with tempfile.TemporaryDirectory(prefix="entraide-move-") as aside:
                current = Path(aside) / source.name
                shutil.copyfile(source, current)
                lite = Database(current)
                await lite.open()
                await lite.close()
                started = time.perf_counter()
                moved = await move(current, target)
                copy.copy_s = round(time.perf_counter() - started, 1)
            copy.rows = sum(moved.rows.values())
            if analyze:
                started = time.perf_counter()
                await vacuum_analyze(target)
                copy.analyze_s = round(time.perf_counter() - started, 1)
            copy.server = await postgres_settings(target)
        finally:
            await target.close()
        yield copy
