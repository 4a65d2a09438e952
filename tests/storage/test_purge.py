"""Purging a community: all of its rows go, another community's stay, the ledger stays guarded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.storage import anonymise, reconcile
from bot.storage.purge import GUARD, KEPT, PURGED, purge_by_key, purge_community
from bot.storage.store import Store
from tests.fakes.console import START, ConsoleDriver, console_community
from tests.storage.errors import INTEGRITY, run

FIXTURE_KB = Path(__file__).resolve().parent.parent / "fixtures" / "knowledge"
# A week of a small community: KB suggestions and feedback, answers, marks, an accept,
# settings, expertise, DM nudges, an onboarding invite, a bounty, escalations and a claim,
# an opt-out, follow-ups and a leaderboard post. Every community table gets rows.
SCRIPT = [
    "admin /entraide config set nudge_experts 1",
    "admin /nudges delay #help 20",
    "alice: How do I reset my password? The email never came",
    "alice press ^entraide Not helpful",
    "bob reply Q1: Use the link under Settings › Security.",
    "alice react ^bob ✅",
    "alice /accept ^bob",
    "carol: Export of my data as CSV fails",
    "dave: The CSV export of my data is empty",
    "bob reply Q2: Try a smaller date range.",
    "carol react ^bob ✅",
    "bob /expertise add csv",
    "bob /nudges dm",
    "wait 20m",
    "erin: Which colours does the invoice template use?",
    "admin /rep adjust erin 300 early supporter",
    "erin /bounty 100 Q4",
    "wait 30m",
    "erin press ^entraide Claim",
    "dave /leaderboard optout",
    "wait 7d",
]
Snapshot = dict[str, list[tuple[object, ...]]]


@dataclass
class Two:
    """The running bot on a database holding two communities built by the same script."""

    driver: ConsoleDriver
    purged: int
    kept: int

    @property
    def db(self) -> Store:
        """The bot's database."""
        return self.driver.app.db


async def play(driver: ConsoleDriver) -> int:
    """Run the script and return the community's row id (the console never writes a cursor)."""
    await driver.feed(*SCRIPT)
    row = await driver.app.db.fetchone("SELECT MAX(id) FROM communities")
    assert row is not None
    community_id = int(row[0])
    async with driver.app.db.transaction() as tx:
        await reconcile.advance(tx, community_id, "help", 42, START)
    return community_id


@pytest.fixture
async def two(tmp_path: Path) -> AsyncIterator[Two]:
    """Community 'kept' from a first run, then the live console community of a second."""
    path = tmp_path / "entraide.db"
    async with console_community(path, knowledge_dir=FIXTURE_KB) as first:
        kept = await play(first)
        # The console is always console/local: move the first one aside so the second run
        # builds a fresh community next to it.
        async with first.app.db.transaction() as tx:
            await tx.execute("UPDATE communities SET external_id = 'kept' WHERE id = ?", (kept,))
    async with console_community(path, knowledge_dir=FIXTURE_KB) as second:
        yield Two(second, await play(second), kept)


# The schema read from the store's catalogue: SQLite's, or PostgreSQL's information_schema.
PG_TABLES = (
    "SELECT table_name FROM information_schema.tables"
    " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
)
PG_COLUMNS = (
    "SELECT column_name FROM information_schema.columns"
    " WHERE table_schema = current_schema() AND table_name = ?"
)
PG_PARENTS = (
    "SELECT ccu.table_name, kcu.column_name FROM information_schema.table_constraints tc"
    " JOIN information_schema.key_column_usage kcu"
    "  ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema"
    " JOIN information_schema.constraint_column_usage ccu"
    "  ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema"
    " WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()"
    "  AND tc.table_name = ?"
)


async def tables(db: Store) -> list[str]:
    """Every table of the schema."""
    if db.shared:
        return sorted(str(row[0]) for row in await db.fetchall(PG_TABLES))
    found = await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
    return [str(row[0]) for row in found]


async def columns(db: Store, table: str) -> set[str]:
    """Column names of a table."""
    if db.shared:
        return {str(row[0]) for row in await db.fetchall(PG_COLUMNS, (table,))}
    return {str(row[1]) for row in await db.fetchall(f"PRAGMA table_info({table})")}


async def parents(db: Store, table: str) -> list[tuple[str, str]]:
    """(referenced table, local column) of each foreign key of a table."""
    if db.shared:
        return [(str(r[0]), str(r[1])) for r in await db.fetchall(PG_PARENTS, (table,))]
    rows = await db.fetchall(f"PRAGMA foreign_key_list({table})")
    return [(str(row[2]), str(row[3])) for row in rows]


async def owned(db: Store, table: str, community_id: int) -> list[tuple[object, ...]]:
    """A community's rows of a table, found from the schema (not from the purge's list),
    sorted (PostgreSQL has no rowid order)."""
    if table == "communities":
        sql = "SELECT * FROM communities WHERE id = :c"
    elif "community_id" in await columns(db, table):
        sql = f"SELECT * FROM {table} WHERE community_id = :c"
    else:
        # A row without a community column belongs to the community of any row it names.
        links = [
            f"{column} IN (SELECT id FROM {parent} WHERE community_id = :c)"
            for parent, column in await parents(db, table)
            if "community_id" in await columns(db, parent)
        ]
        if not links:
            return []  # no way to a community: shared data
        sql = f"SELECT * FROM {table} WHERE {' OR '.join(links)}"
    async with db.read() as conn:
        found = await (await conn.execute(sql, {"c": community_id})).fetchall()
    return sorted((tuple(row) for row in found), key=repr)


async def snapshot(db: Store, community_id: int) -> Snapshot:
    """Every row of a community, table by table (shared tables by count)."""
    out: Snapshot = {}
    for table in await tables(db):
        if table in KEPT:
            out[table] = [tuple(row) for row in await db.fetchall(f"SELECT COUNT(*) FROM {table}")]
        else:
            out[table] = await owned(db, table, community_id)
    return out


async def test_the_script_fills_every_community_table(two: Two) -> None:
    """The scenario is realistic enough to mean something: no purged table is empty."""
    rows = await snapshot(two.db, two.purged)
    transient = {"event_claims"}  # rows only while an event is being handled
    assert sorted(table for table, _ in PURGED if not rows[table] and table not in transient) == []


async def test_a_purge_leaves_nothing_of_the_community(two: Two) -> None:
    """No row reaches the community any more, no orphan, and the counts say what went."""
    before = await snapshot(two.db, two.purged)
    result = await purge_by_key(two.db, "console", "local")
    assert result is not None
    assert result.community_id == two.purged
    assert result.deleted == {t: len(rows) for t, rows in before.items() if t not in KEPT}
    after = await snapshot(two.db, two.purged)
    assert {table: rows for table, rows in after.items() if table not in KEPT and rows} == {}
    if not two.db.shared:  # PostgreSQL checks every foreign key as it goes
        assert await two.db.fetchall("PRAGMA foreign_key_check") == []
    assert await two.db.fetchall(f"SELECT * FROM {GUARD}") == []


async def test_the_other_community_and_the_knowledge_base_are_untouched(two: Two) -> None:
    """Row for row, the kept community and the shared article caches are as they were."""
    before = await snapshot(two.db, two.kept)
    await purge_by_key(two.db, "console", "local")
    assert await snapshot(two.db, two.kept) == before
    assert before["article_vectors"] != [(0,)]  # the shared cache was there to keep


async def test_the_ledger_stays_append_only_outside_a_purge(two: Two) -> None:
    """After a purge the ledger refuses DELETE and UPDATE; a guard covers only its community."""
    await purge_by_key(two.db, "console", "local")
    before = await snapshot(two.db, two.kept)
    delete, update = (
        ("DELETE FROM reputation_ledger", ()),
        ("UPDATE reputation_ledger SET delta = 0", ()),
    )
    for attempt in (
        [delete],
        [update],
        [(f"INSERT INTO {GUARD} VALUES (?)", (two.purged,)), delete],  # another's purge
        [(f"INSERT INTO {GUARD} VALUES (?)", (two.kept,)), update],  # never an update
    ):
        with pytest.raises(INTEGRITY, match="append-only"):
            await run(two.db, *attempt)
    assert await snapshot(two.db, two.kept) == before


async def test_purging_again_or_an_unknown_community_is_a_no_op(two: Two) -> None:
    """A second uninstall event, or one for a workspace never seen, changes nothing."""
    await purge_by_key(two.db, "console", "local")
    before = await snapshot(two.db, two.kept)
    assert await purge_by_key(two.db, "console", "local") is None
    assert await purge_by_key(two.db, "slack", "T0NEVERSEEN") is None
    async with two.db.transaction() as tx:
        assert set((await purge_community(tx, two.purged)).values()) == {0}
    assert await snapshot(two.db, two.kept) == before


async def test_a_row_pointing_across_communities_fails_the_whole_purge(two: Two) -> None:
    """A kept row naming a purged member stops the purge, which then leaves everything as is."""
    async with two.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO member_ranks (community_id, member_id, rank, since)"
            " SELECT ?, MIN(id), 'Helper', ? FROM members WHERE community_id = ?",
            (two.kept, START.isoformat(), two.purged),
        )
    before = await snapshot(two.db, two.purged)
    with pytest.raises(INTEGRITY, match=r"(?i)foreign key"):
        await purge_by_key(two.db, "console", "local")
    assert await snapshot(two.db, two.purged) == before
    assert await two.db.fetchall(f"SELECT * FROM {GUARD}") == []


# ---- the purge list against the schema: a new table can't be forgotten ---------------------


@pytest.fixture
def schema(db: Store) -> Store:
    """A freshly migrated database (tests/storage/conftest.py)."""
    return db


async def test_every_table_is_either_purged_or_kept(schema: Store) -> None:
    """Each table is classified once: purged with the community, or shared and kept."""
    purged = [table for table, _ in PURGED]
    assert len(purged) == len(set(purged))
    assert not set(purged) & set(KEPT)
    assert sorted(purged + list(KEPT)) == await tables(schema)


async def test_every_table_with_a_community_column_is_purged(
    schema: Store,
) -> None:
    """A table with community_id is community data (the guards alone are empty at rest: the
    purge's own, and the one of /privacy forget)."""
    found = {t for t in await tables(schema) if "community_id" in await columns(schema, t)}
    assert found - {table for table, _ in PURGED} == {GUARD, anonymise.GUARD}


async def test_every_table_pointing_at_purged_rows_is_purged_before_them(
    schema: Store,
) -> None:
    """Children first: any table referencing a purged table is purged, and earlier."""
    order = {table: i for i, (table, _) in enumerate(PURGED)}
    late = []
    for table in await tables(schema):
        for parent, column in await parents(schema, table):
            if parent in order and parent != table and order.get(table, len(order)) > order[parent]:
                late.append(f"{table}.{column} -> {parent}")
    assert late == []
