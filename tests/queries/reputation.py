"""What tests check about points: the ledger, the stored totals, marks, accepts, bounties, ranks."""

from __future__ import annotations

from typing import Any

from bot.storage.db import Database
from tests.queries._db import count, rows, value

_BY_MEMBER = "FROM reputation_ledger l JOIN members m ON m.id = l.member_id"


async def points_given(db: Database) -> int:
    """Sum of every ledger row, all members together (0 on an empty ledger)."""
    return int(await value(db, "SELECT COALESCE(SUM(delta), 0) FROM reputation_ledger"))


async def ledger_count(db: Database) -> int:
    """How many rows the reputation ledger holds."""
    return await count(db, "SELECT COUNT(*) FROM reputation_ledger")


async def member_points(db: Database, name: str) -> int:
    """A member's points summed from the ledger (0 if none), by platform id."""
    sql = f"SELECT COALESCE(SUM(l.delta), 0) {_BY_MEMBER} WHERE m.external_id = ?"
    return int(await value(db, sql, (name,)))


async def stored_total(db: Database, name: str) -> int | None:
    """A member's total as the reputation_totals table keeps it (0 without a row; None if
    the member was never seen)."""
    sql = (
        "SELECT COALESCE(t.total, 0) FROM members m LEFT JOIN reputation_totals t"
        " ON t.member_id = m.id WHERE m.external_id = ?"
    )
    total = await value(db, sql, (name,))
    return None if total is None else int(total)


async def points_by_member(db: Database) -> dict[str, int]:
    """Ledger sums by member platform id (members with no row are absent)."""
    found = await rows(db, f"SELECT m.external_id, SUM(l.delta) {_BY_MEMBER} GROUP BY 1")
    return {str(name): int(points) for name, points in found}


async def totals_by_member(db: Database) -> dict[str, int]:
    """reputation_totals by member platform id."""
    sql = (
        "SELECT m.external_id, t.total FROM reputation_totals t"
        " JOIN members m ON m.id = t.member_id"
    )
    return {str(name): int(total) for name, total in await rows(db, sql)}


async def helping_by_member(db: Database) -> dict[str, int]:
    """helping_totals by member platform id."""
    sql = "SELECT m.external_id, t.total FROM helping_totals t JOIN members m ON m.id = t.member_id"
    return {str(name): int(total) for name, total in await rows(db, sql)}


async def ledger_rows(db: Database, *, kind: str | None = None) -> list[dict[str, Any]]:
    """Every ledger row (of one kind if given) by column name, plus `member`, the platform
    id of whom it credits; in the order written."""
    sql = (
        f"SELECT l.*, m.external_id AS member {_BY_MEMBER}"
        " WHERE (l.kind = ? OR CAST(? AS TEXT) IS NULL)"
    )
    return [dict(r) for r in await db.fetchall(sql + " ORDER BY l.id", (kind, kind))]


async def ledger_snapshot(db: Database) -> list[tuple[Any, ...]]:
    """The whole ledger, row by row, to compare before and after."""
    return await rows(db, "SELECT * FROM reputation_ledger ORDER BY id")


async def mark_count(db: Database) -> int:
    """How many helpful marks stand."""
    return await count(db, "SELECT COUNT(*) FROM helpful_marks")


async def marks(db: Database) -> list[tuple[str, str, int, str | None]]:
    """(giver, receiver, points, refusal) of every standing helpful mark, platform ids, in
    the order given."""
    sql = (
        "SELECT g.external_id, r.external_id, h.points, h.refusal FROM helpful_marks h"
        " JOIN members g ON g.id = h.giver_id JOIN members r ON r.id = h.receiver_id"
        " ORDER BY h.id"
    )
    return [(str(a), str(b), int(p), why) for a, b, p, why in await rows(db, sql)]


async def accept_count(db: Database) -> int:
    """How many answers are accepted."""
    return await count(db, "SELECT COUNT(*) FROM accepted_answers")


async def bounty_state(db: Database) -> tuple[str, str | None] | None:
    """(status, platform id of the winner or None) of the first bounty."""
    sql = (
        "SELECT b.status, m.external_id FROM bounties b LEFT JOIN members m"
        " ON m.id = b.awarded_to ORDER BY b.question_id LIMIT 1"
    )
    found = await rows(db, sql)
    return found[0] if found else None


async def rank_of(db: Database, name: str) -> str | None:
    """The rank stored for a member, by platform id (None without one)."""
    sql = (
        "SELECT rank FROM member_ranks r JOIN members m ON m.id = r.member_id"
        " WHERE m.external_id = ?"
    )
    return await value(db, sql, (name,))
