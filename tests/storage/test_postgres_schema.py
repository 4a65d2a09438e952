"""The PostgreSQL migrations are the SQLite ones' twins: same numbers, and once applied the
same tables, columns (in order), indexes and guarded ledger; the ledger's totals come from
the trigger in the ledger row's own transaction on both."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from bot.storage import postgres
from bot.storage.db import Database
from bot.storage.db import bundled_migrations as sqlite_migrations
from bot.storage.postgres import PostgresDatabase
from tests.storage.postgres_fixtures import PgSchema


def test_every_migration_has_its_postgresql_twin() -> None:
    assert [(m.version, m.name) for m in postgres.bundled_migrations()] == [
        (m.version, m.name) for m in sqlite_migrations()
    ]


async def sqlite_shape(path: Path) -> dict[str, object]:
    db = Database(path)
    await db.open()
    try:
        tables = [
            r[0]
            for r in await db.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        columns = {t: [r[1] for r in await db.fetchall(f"PRAGMA table_info({t})")] for t in tables}
        indexes = {
            r[0]
            for r in await db.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
        }
        triggers = {
            r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
    finally:
        await db.close()
    return {"columns": columns, "indexes": indexes, "triggers": triggers}


async def postgres_shape(where: PgSchema) -> dict[str, object]:
    db = PostgresDatabase(where.dsn, schema=where.schema)
    await db.open()
    try:
        rows = await db.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = ? ORDER BY table_name, ordinal_position",
            (where.schema,),
        )
        columns: dict[str, list[str]] = {}
        for table, column in rows:
            columns.setdefault(table, []).append(column)
        indexes = {
            r[0]
            for r in await db.fetchall(
                "SELECT indexname FROM pg_indexes WHERE schemaname = ?"
                " AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'",
                (where.schema,),
            )
        }
        triggers = {
            r[0]
            for r in await db.fetchall(
                "SELECT DISTINCT trigger_name FROM information_schema.triggers"
                " WHERE trigger_schema = ?",
                (where.schema,),
            )
        }
    finally:
        await db.close()
    return {"columns": columns, "indexes": indexes, "triggers": triggers}


async def test_both_backends_end_with_the_same_schema(pg_schema: PgSchema, tmp_path: Path) -> None:
    """Tables and their columns in order, named indexes and triggers are the same."""
    sqlite = await sqlite_shape(tmp_path / "e.db")
    pg = await postgres_shape(pg_schema)
    assert pg["columns"] == sqlite["columns"]
    assert pg["indexes"] == sqlite["indexes"]
    assert pg["triggers"] == sqlite["triggers"]


async def test_the_ledger_is_append_only_and_keeps_the_totals_on_postgresql(
    pg_schema: PgSchema,
) -> None:
    """A ledger row moves the member's total in the same transaction; an update or delete is
    refused, as on SQLite."""
    db = PostgresDatabase(pg_schema.dsn, schema=pg_schema.schema)
    await db.open()
    try:
        async with db.transaction() as tx:
            cur = await tx.execute(
                "INSERT INTO communities (platform, external_id, name, created_at)"
                " VALUES ('discord', 'g1', 'Guild', '2026-12-07T10:00:00+00:00') RETURNING id"
            )
            community = (await cur.fetchone())[0]
            cur = await tx.execute(
                "INSERT INTO members (community_id, external_id, display_name, first_seen)"
                " VALUES (?, 'u1', 'bob', '2026-12-07T10:00:00+00:00') RETURNING id",
                (community,),
            )
            bob = (await cur.fetchone())[0]
            for points, event in ((10, "e1"), (15, "e2"), (-10, "e3")):
                await tx.execute(
                    "INSERT INTO reputation_ledger (community_id, member_id, delta, reason,"
                    " source_event_id, created_at) VALUES (?, ?, ?, 'helpful', ?,"
                    " '2026-12-07T10:00:00+00:00')",
                    (community, bob, points, event),
                )
        total = await db.fetchone("SELECT total FROM reputation_totals WHERE member_id = ?", (bob,))
        assert total is not None
        assert total[0] == 15
        for statement in (
            "UPDATE reputation_ledger SET delta = 100",
            "DELETE FROM reputation_ledger",
        ):
            with pytest.raises(asyncpg.IntegrityConstraintViolationError):
                async with db.transaction() as tx:
                    await tx.execute(statement)
    finally:
        await db.close()
