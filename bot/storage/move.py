"""`python -m bot migrate-db`: every row of a SQLite database copied into an empty
PostgreSQL one, then checked: the same number of rows in every table, and every member's
reputation total equal to the sum of their ledger rows and to the SQLite total.

Rows are copied as they are (ids included) with the PostgreSQL session's triggers and
foreign-key checks off (`session_replication_role = replica`, which needs a superuser or
the database owner's replication right): the totals come over as they were rather than
being added up again by the ledger's trigger, and tables go in any order. Identity counters
then move past the copied ids, so new rows don't collide with them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.storage.postgres import PostgresDatabase

# Each database keeps its own migration history and its own count of knowledge-base reloads
# (the row its migration made); a posting pace is over within seconds.
SKIPPED = {"schema_version", "knowledge_version", "post_pace"}
CHUNK = 5_000


class MoveRefused(Exception):
    """The copy can't start (or its check failed); the message says why."""


@dataclass(frozen=True)
class Moved:
    """What was copied: rows per table."""

    rows: dict[str, int]


def _read_only(path: Path) -> sqlite3.Connection:
    """The SQLite file, opened read-only (MoveRefused if there is none)."""
    if not path.is_file():
        raise MoveRefused(f"no SQLite database at {path}")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def sqlite_tables(path: Path) -> list[str]:
    """The tables of a SQLite database, without SQLite's own."""
    with closing(_read_only(path)) as conn:
        found = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        ).fetchall()
    return [str(row[0]) for row in found if row[0] not in SKIPPED]


async def move(
    source: Path,
    target: PostgresDatabase,
    progress: Callable[[str, int], None] = lambda _table, _rows: None,
) -> Moved:
    """Copy every row of `source` into `target` (opened: migrated, and empty), then check."""
    with closing(_read_only(source)) as lite:
        version = lite.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
        if int(version[0]) != await target.schema_version():
            raise MoveRefused(
                f"the SQLite database is at schema {version[0]} and PostgreSQL at "
                f"{await target.schema_version()}: start the bot once on the SQLite file with "
                "this version first, so both are migrated alike"
            )
        tables = sqlite_tables(source)
        async with target.pool.acquire() as conn:
            if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM communities)"):
                raise MoveRefused("the PostgreSQL database already holds communities")
            copied: dict[str, int] = {}
            async with conn.transaction():
                await conn.execute("SET LOCAL session_replication_role = replica")
                for table in tables:
                    copied[table] = await _copy(lite, conn, table)
                    progress(table, copied[table])
                await _advance_identities(conn, tables)
            # Planner statistics now: without them (autovacuum off, or not there yet) every
            # query of the copy is planned blind, the ledger's boards as table scans.
            for table in tables:
                await conn.execute(f'ANALYZE "{table}"')
    await _check(source, target, copied)
    return Moved(copied)


async def _copy(lite: sqlite3.Connection, conn: Any, table: str) -> int:
    cursor = lite.execute(f"SELECT * FROM {table}")  # table names come from sqlite_master
    columns = [d[0] for d in cursor.description]
    total = 0
    while rows := cursor.fetchmany(CHUNK):
        await conn.copy_records_to_table(table, records=rows, columns=columns)
        total += len(rows)
    return total


async def _advance_identities(conn: Any, tables: list[str]) -> None:
    """Move each identity counter past the highest copied id."""
    found = await conn.fetch(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for row in found:
        table, column = row["table_name"], row["column_name"]
        if table not in tables:
            continue
        highest = await conn.fetchval(f'SELECT MAX("{column}") FROM "{table}"')
        if highest is not None:
            await conn.execute(
                "SELECT setval(pg_get_serial_sequence($1, $2), $3)", table, column, highest
            )


async def _check(source: Path, target: PostgresDatabase, copied: dict[str, int]) -> None:
    """Row counts equal; every total equal to its ledger and to the SQLite total."""
    with closing(_read_only(source)) as lite:
        sqlite_totals = {
            (int(c), int(m)): int(t)
            for c, m, t in lite.execute(
                "SELECT community_id, member_id, total FROM reputation_totals"
            )
        }
        for table, count in copied.items():
            there = await target.fetchone(f"SELECT COUNT(*) FROM {table}")
            if there is None or int(there[0]) != count:
                raise MoveRefused(f"{table}: {count} rows read, {there and there[0]} in PostgreSQL")
    rows = await target.fetchall(
        "SELECT t.community_id, t.member_id, t.total, COALESCE(SUM(l.delta), 0)"
        " FROM reputation_totals t LEFT JOIN reputation_ledger l"
        " ON l.community_id = t.community_id AND l.member_id = t.member_id"
        " GROUP BY t.community_id, t.member_id, t.total"
    )
    for community, member, total, ledger in rows:
        if total != ledger or sqlite_totals.get((community, member)) != total:
            raise MoveRefused(
                f"member {member} of community {community}: total {total}, ledger {ledger}, "
                f"SQLite {sqlite_totals.get((community, member))}"
            )
    if len(rows) != len(sqlite_totals):
        raise MoveRefused(f"{len(sqlite_totals)} totals in SQLite, {len(rows)} in PostgreSQL")
