"""Helping points: one definition shared by the Python queries and migration 0019."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources

from bot.adapters.console.adapter import COMMUNITY
from bot.storage import helping
from bot.storage.communities import ensure_community, member_row
from bot.storage.reputation import record
from bot.storage.store import Store
from tests.fakes.console import START


def test_the_migration_repeats_the_predicate_word_for_word() -> None:
    """The partial index is used only for a query holding its exact expression."""
    sql = (resources.files("bot.storage.migrations") / "0019_history.sql").read_text()
    assert sql.count(f"WHERE {helping.HELPING};") == 1  # the partial index
    assert sql.count(f"WHERE {helping.HELPING}\nGROUP BY") == 1  # the backfill
    trigger = helping.HELPING.replace("kind", "NEW.kind").replace("reason", "NEW.reason")
    assert sql.count(f"WHEN {trigger}\n") == 1


async def test_only_helping_rows_rank_and_the_period_query_uses_the_index(db: Store) -> None:
    """Marks, accepts and bounties earned count; bonus, adjustments, escrow and refund don't."""
    async with db.transaction() as tx:
        cid = await ensure_community(tx, COMMUNITY, START)
        bob = await member_row(tx, cid, "bob", START)
        alice = await member_row(tx, cid, "alice", START)
        rows = [
            (bob, 10, "helpful", "mark"),
            (bob, 15, "accepted", "accept"),
            (bob, 100, "bounty", "award"),
            (bob, -100, "bounty", "unaccept"),
            (alice, 2, "accept_bonus", "accept"),
            (alice, 300, "adjust", "adjust"),
            (alice, -100, "bounty", "escrow"),
            (alice, 50, "bounty", "refund"),
        ]
        for n, (member, delta, kind, reason) in enumerate(rows):
            await record(
                tx,
                community_id=cid,
                member_id=member,
                delta=delta,
                kind=kind,
                reason=reason,
                at=START + timedelta(minutes=n),
                source_event_id=f"e{n}",
            )
    async with db.read() as conn:
        assert await helping.total(conn, cid, bob) == 25
        assert await helping.total(conn, cid, alice) == 0
        for start in (None, START):
            board = await helping.top_helpers(conn, cid, start=start, end=None, limit=10)
            assert [(s.external_id, s.points) for s in board] == [("bob", 25)]
        assert await helping.first_time_helpers(conn, cid, [bob, alice], START) == {bob, alice}
        later = START + timedelta(days=1)
        assert await helping.first_time_helpers(conn, cid, [bob, alice], later) == {alice}
    if db.shared:
        return  # PostgreSQL's planner picks by its statistics (bench/reputation_bench.py)
    async with db.read() as conn:
        plan = await conn.execute_fetchall(
            "EXPLAIN QUERY PLAN SELECT member_id, SUM(delta) FROM reputation_ledger"
            f" WHERE community_id = ? AND created_at >= ? AND {helping.HELPING} GROUP BY member_id",
            (cid, START.isoformat()),
        )
        assert any("COVERING INDEX ledger_helping" in str(row[3]) for row in plan)
