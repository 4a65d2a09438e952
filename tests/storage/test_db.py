"""The database: migrations, pragmas, transactions, the append-only ledger and backups."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.storage.db import Database, Migration, backup, bundled_migrations, split_statements

TABLES = {
    "schema_version",
    "communities",
    "members",
    "community_settings",
    "channel_settings",
    "questions",
    "question_status_log",
    "answers",
    "reputation_ledger",
    "processed_events",
}
NOW = "2024-01-01T00:00:00+00:00"


# These tests are about SQLite's Database (its twin on PostgreSQL: test_postgres.py): the
# conftest's `db` fixture gives the SQLite file whatever TEST_DATABASE_BACKEND says.
pytestmark = pytest.mark.sqlite_file


LATEST = bundled_migrations()[-1].version  # the schema version the code ships
NEXT = LATEST + 1


async def table_names(db: Database) -> set[str]:
    """Names of the tables that exist in the database."""
    rows = await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row["name"] for row in rows}


async def column_names(db: Database, table: str) -> set[str]:
    """Names of the columns of one table."""
    return {row["name"] for row in await db.fetchall(f"PRAGMA table_info({table})")}


async def add_community(db: Database, external_id: str = "local") -> int:
    """Insert one community and return its row id."""
    async with db.transaction() as tx:
        cur = await tx.execute(
            "INSERT INTO communities (platform, external_id, name, created_at)"
            " VALUES ('console', ?, 'Console', ?) RETURNING id",
            (external_id, NOW),
        )
        return int((await cur.fetchone())[0])


async def count(db: Database, table: str) -> int:
    """How many rows a table holds."""
    row = await db.fetchone(f"SELECT COUNT(*) FROM {table}")
    assert row is not None
    return int(row[0])


# ---- migrations and pragmas -----------------------------------------------------------------


async def test_empty_database_gets_every_table_and_the_latest_version(db: Database) -> None:
    """A fresh file ends up with the whole schema at the latest version, numbered 1, 2, …"""
    assert await table_names(db) >= TABLES
    assert await db.schema_version() == LATEST
    assert [m.version for m in bundled_migrations()] == list(range(1, LATEST + 1))


async def test_open_sets_durability_pragmas(tmp_path: Path) -> None:
    """WAL journal, synchronous FULL, enforced foreign keys and the configured busy timeout."""
    database = Database(tmp_path / "p.db", busy_timeout_ms=1234)
    await database.open()
    try:
        pragmas = {
            name: (await database.fetchone(f"PRAGMA {name}") or [None])[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    finally:
        await database.close()
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 1234,
    }


async def test_foreign_keys_are_enforced(db: Database) -> None:
    """A member of a community that doesn't exist is refused."""
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO members (community_id, external_id, first_seen) VALUES (999, 'x', ?)",
                (NOW,),
            )
    assert await count(db, "members") == 0


async def test_open_creates_missing_parent_directory(tmp_path: Path) -> None:
    """The default data/ directory doesn't have to exist before the first start."""
    database = Database(tmp_path / "data" / "nested" / "entraide.db")
    await database.open()
    await database.close()
    assert (tmp_path / "data" / "nested" / "entraide.db").is_file()


async def test_reopening_applies_nothing_and_keeps_data(tmp_path: Path) -> None:
    """A restart on an up-to-date database changes neither the schema nor the rows."""
    path = tmp_path / "entraide.db"
    first = Database(path)
    await first.open()
    await add_community(first)
    before = await first.fetchall("SELECT version, name, applied_at FROM schema_version")
    await first.close()

    second = Database(path)
    await second.open()
    try:
        assert await second.migrate(bundled_migrations()) == []
        after = await second.fetchall("SELECT version, name, applied_at FROM schema_version")
        assert [tuple(r) for r in after] == [tuple(r) for r in before]
        assert await second.schema_version() == LATEST
        assert await count(second, "communities") == 1
    finally:
        await second.close()


async def test_new_migration_upgrades_existing_database_and_keeps_data(tmp_path: Path) -> None:
    """An up-to-date database with rows gets a new migration on the next start, rows intact."""
    path = tmp_path / "entraide.db"
    first = Database(path)
    await first.open()
    await add_community(first, "guild-1")
    await first.close()

    upgrade = Migration(NEXT, "community_icon", "ALTER TABLE communities ADD COLUMN icon TEXT;")
    second = Database(path)
    await second.open(migrations=[*bundled_migrations(), upgrade])
    try:
        assert await second.schema_version() == NEXT
        assert "icon" in await column_names(second, "communities")
        row = await second.fetchone("SELECT external_id, icon FROM communities")
        assert row is not None
        assert tuple(row) == ("guild-1", None)
        versions = await second.fetchall("SELECT version, name FROM schema_version ORDER BY 1")
        assert tuple(versions[0]) == (1, "initial")
        assert tuple(versions[-1]) == (NEXT, "community_icon")
        assert len(versions) == NEXT
    finally:
        await second.close()


async def test_migrate_returns_the_versions_it_applied(db: Database) -> None:
    """Only pending migrations run, in order, and the caller learns which."""
    extra = [
        Migration(NEXT, "a", "CREATE TABLE extra_a (x INTEGER);"),
        Migration(NEXT + 1, "b", "CREATE TABLE extra_b (y INTEGER);"),
    ]
    assert await db.migrate([*bundled_migrations(), *extra]) == [NEXT, NEXT + 1]
    assert await db.migrate([*bundled_migrations(), *extra]) == []
    assert await db.schema_version() == NEXT + 1


async def test_failing_migration_rolls_back_entirely_and_raises(db: Database) -> None:
    """Bad SQL in the middle of a migration leaves no half-applied schema and no new version."""
    await add_community(db)
    broken = Migration(
        NEXT,
        "broken",
        "CREATE TABLE half_done (x INTEGER);\n"
        "ALTER TABLE communities ADD COLUMN icon TEXT;\n"
        "INSERT INTO no_such_table VALUES (1);\n"
        "CREATE TABLE never_reached (y INTEGER);\n",
    )
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        await db.migrate([*bundled_migrations(), broken])

    assert await db.schema_version() == LATEST
    tables = await table_names(db)
    assert "half_done" not in tables
    assert "never_reached" not in tables
    assert "icon" not in await column_names(db, "communities")
    assert await count(db, "communities") == 1
    # Still usable: the next transaction works.
    await add_community(db, "after-failure")
    assert await count(db, "communities") == 2


async def test_failing_migration_on_open_leaves_file_reopenable(tmp_path: Path) -> None:
    """A start that dies on a bad migration can be retried once the migration is fixed."""
    path = tmp_path / "entraide.db"
    bad = Migration(NEXT, "x", "CREATE TABLE t (x INTEGER);\nSELEC 1;\n")
    first = Database(path)
    with pytest.raises(sqlite3.OperationalError):
        await first.open(migrations=[*bundled_migrations(), bad])
    await first.close()

    fixed = Migration(NEXT, "x", "CREATE TABLE t (x INTEGER);\n")
    second = Database(path)
    await second.open(migrations=[*bundled_migrations(), fixed])
    try:
        assert await second.schema_version() == NEXT
        assert "t" in await table_names(second)
    finally:
        await second.close()


# ---- split_statements ---------------------------------------------------------------------


def test_split_statements_keeps_trigger_body_whole() -> None:
    """A CREATE TRIGGER … BEGIN …; END; is one statement, not cut at its inner ';'."""
    sql = (
        "-- a comment\n"
        "CREATE TABLE t (x INTEGER);\n"
        "\n"
        "CREATE TRIGGER t_no_update BEFORE UPDATE ON t\n"
        "BEGIN\n"
        "    SELECT RAISE(ABORT, 't is append-only');\n"
        "END;\n"
        "INSERT INTO t VALUES (1);\n"
        "-- trailing comment\n"
    )
    statements = split_statements(sql)
    assert len(statements) == 3
    assert statements[0].endswith("CREATE TABLE t (x INTEGER);")
    assert statements[1].startswith("CREATE TRIGGER t_no_update")
    assert "RAISE(ABORT, 't is append-only');" in statements[1]
    assert statements[1].endswith("END;")
    assert statements[2] == "INSERT INTO t VALUES (1);"


def test_split_statements_of_bundled_schema_are_each_complete() -> None:
    """Every piece of the shipped schema is one complete statement, each trigger whole."""
    migrations = bundled_migrations()
    statements = [s for m in migrations for s in split_statements(m.sql)]
    assert all(sqlite3.complete_statement(s) for s in statements)
    triggers = [s for s in statements if "CREATE TRIGGER" in s]
    assert len(triggers) == sum(m.sql.count("CREATE TRIGGER") for m in migrations) >= 4
    assert all(t.rstrip().endswith("END;") for t in triggers)


def test_split_statements_keeps_semicolon_inside_string() -> None:
    """A ';' inside a quoted literal doesn't end the statement."""
    sql = "INSERT INTO t VALUES ('a;\nb');\nINSERT INTO t VALUES ('c');\n"
    assert split_statements(sql) == [
        "INSERT INTO t VALUES ('a;\nb');",
        "INSERT INTO t VALUES ('c');",
    ]


# ---- transactions -------------------------------------------------------------------------


async def test_transaction_commits_on_success(db: Database) -> None:
    """Rows written in a transaction are visible to another connection once it ends."""
    await add_community(db)
    other = sqlite3.connect(db.path)
    try:
        assert other.execute("SELECT external_id FROM communities").fetchall() == [("local",)]
    finally:
        other.close()


async def test_transaction_that_raises_rolls_back(db: Database) -> None:
    """An error inside a transaction undoes its writes and propagates."""

    class Boom(Exception):
        """A failure inside a handler."""

    async def failing_handler() -> None:
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO communities (platform, external_id, created_at)"
                " VALUES ('console', 'x', ?)",
                (NOW,),
            )
            raise Boom

    with pytest.raises(Boom):
        await failing_handler()
    assert await count(db, "communities") == 0
    assert not db.conn.in_transaction


async def test_cancelled_transaction_rolls_back_and_database_stays_usable(db: Database) -> None:
    """A task cancelled mid-transaction leaves nothing written and frees the lock."""
    inside = asyncio.Event()
    never = asyncio.Event()

    async def writer() -> None:
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO communities (platform, external_id, created_at)"
                " VALUES ('console', 'cancelled', ?)",
                (NOW,),
            )
            inside.set()
            await never.wait()

    task = asyncio.create_task(writer())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert await count(db, "communities") == 0
    assert not db.conn.in_transaction
    await add_community(db, "next")
    rows = await db.fetchall("SELECT external_id FROM communities")
    assert [r["external_id"] for r in rows] == ["next"]


async def test_concurrent_check_then_insert_respects_cap(db: Database) -> None:
    """Ten tasks racing to 'insert only if fewer than 3 exist' end with exactly 3 rows."""
    cap = 3
    community_id = await add_community(db)

    async def award(n: int) -> bool:
        async with db.transaction() as tx:
            cur = await tx.execute(
                "SELECT COUNT(*) FROM members WHERE community_id = ?", (community_id,)
            )
            row = await cur.fetchone()
            assert row is not None
            await asyncio.sleep(0)  # give the other tasks every chance to interleave
            if row[0] >= cap:
                return False
            await tx.execute(
                "INSERT INTO members (community_id, external_id, first_seen) VALUES (?, ?, ?)",
                (community_id, f"m{n}", NOW),
            )
            return True

    results = await asyncio.gather(*(award(n) for n in range(10)))
    assert results.count(True) == cap
    assert await count(db, "members") == cap


async def test_second_connection_waits_for_write_lock(tmp_path: Path) -> None:
    """A second process's writer waits (busy timeout) for the first to commit, then writes."""
    path = tmp_path / "shared.db"
    first, second = Database(path), Database(path, busy_timeout_ms=10_000)
    await first.open()
    await second.open()
    holding, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with first.transaction() as tx:
            await tx.execute(
                "INSERT INTO communities (platform, external_id, created_at)"
                " VALUES ('console', 'first', ?)",
                (NOW,),
            )
            holding.set()
            await release.wait()

    try:
        holder = asyncio.create_task(hold())
        await holding.wait()
        waiter = asyncio.create_task(add_community(second, "second"))
        done, _ = await asyncio.wait({waiter}, timeout=0.2)
        assert not done, "second writer got in while the first held the write lock"
        release.set()
        await holder
        await waiter
        rows = await second.fetchall("SELECT external_id FROM communities ORDER BY id")
        assert [r["external_id"] for r in rows] == ["first", "second"]
    finally:
        release.set()
        await first.close()
        await second.close()


async def test_second_connection_without_busy_timeout_reports_locked(tmp_path: Path) -> None:
    """With busy_timeout 0 a competing writer fails at once with 'database is locked'."""
    path = tmp_path / "shared.db"
    first, second = Database(path), Database(path, busy_timeout_ms=0)
    await first.open()
    await second.open()
    try:
        async with first.transaction():
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                async with second.transaction():
                    pass
        await add_community(second)  # lock released: works now
        assert await count(first, "communities") == 1
    finally:
        await first.close()
        await second.close()


async def test_closed_database_refuses_queries(tmp_path: Path) -> None:
    """Using the database after close is a clear error; close twice is harmless."""
    database = Database(tmp_path / "c.db")
    await database.open()
    await database.close()
    await database.close()
    with pytest.raises(RuntimeError, match="not open"):
        await database.fetchone("SELECT 1")


# ---- the append-only reputation ledger ----------------------------------------------------


async def ledger_row(db: Database) -> int:
    """A community, a member and one ledger row; returns the ledger row id."""
    community_id = await add_community(db)
    async with db.transaction() as tx:
        cur = await tx.execute(
            "INSERT INTO members (community_id, external_id, first_seen) VALUES (?, 'bob', ?)"
            " RETURNING id",
            (community_id, NOW),
        )
        member_id = (await cur.fetchone())[0]
        cur = await tx.execute(
            "INSERT INTO reputation_ledger (community_id, member_id, delta, reason, created_at)"
            " VALUES (?, ?, 10, 'helpful', ?) RETURNING id",
            (community_id, member_id, NOW),
        )
        return int((await cur.fetchone())[0])


async def test_ledger_rejects_update(db: Database) -> None:
    """A reputation change can't be edited after the fact."""
    row_id = await ledger_row(db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        async with db.transaction() as tx:
            await tx.execute("UPDATE reputation_ledger SET delta = 1000 WHERE id = ?", (row_id,))
    row = await db.fetchone("SELECT delta FROM reputation_ledger WHERE id = ?", (row_id,))
    assert row is not None
    assert row["delta"] == 10


async def test_ledger_rejects_delete(db: Database) -> None:
    """A reputation change can't be erased; reversals are new rows."""
    row_id = await ledger_row(db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        async with db.transaction() as tx:
            await tx.execute("DELETE FROM reputation_ledger WHERE id = ?", (row_id,))
    assert await count(db, "reputation_ledger") == 1


async def test_ledger_accepts_reversal_rows(db: Database) -> None:
    """Undoing points is an insert of the opposite delta; the total is derived."""
    await ledger_row(db)
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO reputation_ledger (community_id, member_id, delta, reason, created_at)"
            " SELECT community_id, member_id, -delta, 'helpful removed', ? FROM reputation_ledger",
            (NOW,),
        )
    row = await db.fetchone("SELECT SUM(delta) FROM reputation_ledger")
    assert row is not None
    assert row[0] == 0


# ---- backup -------------------------------------------------------------------------------


def read_backup(path: Path) -> tuple[list[tuple[str, ...]], str]:
    """Rows of communities and the integrity check, read with a fresh sqlite3 connection."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT external_id FROM communities ORDER BY id").fetchall()
        (check,) = conn.execute("PRAGMA integrity_check").fetchone()
        return rows, check
    finally:
        conn.close()


async def test_backup_of_live_wal_database_is_complete(db: Database, tmp_path: Path) -> None:
    """Rows committed but still only in the WAL file are in the backup, which is intact."""
    for n in range(5):
        await add_community(db, f"c{n}")
    wal = db.path.with_name(db.path.name + "-wal")
    assert wal.exists()
    assert wal.stat().st_size > 0  # not checkpointed: the rows live in the WAL

    target = tmp_path / "backups" / "copy.db"
    await asyncio.to_thread(backup, db.path, target)

    rows, check = read_backup(target)
    assert rows == [(f"c{n}",) for n in range(5)]
    assert check == "ok"
    # The live database keeps working after the backup.
    await add_community(db, "after")
    assert await count(db, "communities") == 6


async def test_backup_overwrites_an_older_backup(db: Database, tmp_path: Path) -> None:
    """Backing up to the same target twice leaves the newest state there."""
    target = tmp_path / "copy.db"
    await add_community(db, "one")
    await asyncio.to_thread(backup, db.path, target)
    await add_community(db, "two")
    await asyncio.to_thread(backup, db.path, target)
    rows, check = read_backup(target)
    assert rows == [("one",), ("two",)]
    assert check == "ok"


def test_backup_of_missing_database_raises(tmp_path: Path) -> None:
    """Backing up a file that isn't there fails and creates no target."""
    target = tmp_path / "copy.db"
    with pytest.raises(FileNotFoundError):
        backup(tmp_path / "missing.db", target)
    assert not target.exists()


async def test_backup_path_with_hash_sign(tmp_path: Path) -> None:
    """A database whose path contains '#' is backed up with its rows."""
    source_dir = tmp_path / "team#1"
    database = Database(source_dir / "entraide.db")
    await database.open()
    try:
        await add_community(database, "kept")
        target = tmp_path / "copy.db"
        await asyncio.to_thread(backup, database.path, target)
    finally:
        await database.close()
    rows, check = read_backup(target)
    assert rows == [("kept",)]
    assert check == "ok"


def test_split_statements_splits_several_statements_on_one_line() -> None:
    """Migration files may put short statements on one line."""
    sql = "CREATE TABLE a(x); CREATE TABLE b(y); -- trailing comment\n"
    assert split_statements(sql) == ["CREATE TABLE a(x);", "CREATE TABLE b(y);"]


async def test_leaderboard_posts_move_into_scheduled_posts(tmp_path: Path) -> None:
    """0015: a database from before keeps its record of posted leaderboards (no repost)."""
    database = Database(tmp_path / "old.db")
    before = [m for m in bundled_migrations() if m.version < 15]
    await database.open(before)
    try:
        async with database.transaction() as tx:
            await tx.execute(
                "INSERT INTO communities (platform, external_id, created_at) VALUES ('c', 'x', ?)",
                (NOW,),
            )
            await tx.execute(
                "INSERT INTO leaderboard_posts VALUES (1, '2026-01-05T09:00:00+00:00', ?, 'M7')",
                (NOW,),
            )
        await database.migrate(bundled_migrations())
        rows = await database.fetchall("SELECT * FROM scheduled_posts")
        assert [tuple(r) for r in rows] == [
            (1, "leaderboard", "2026-01-05T09:00:00+00:00", NOW, "M7")
        ]
        assert "leaderboard_posts" not in await table_names(database)
    finally:
        await database.close()
