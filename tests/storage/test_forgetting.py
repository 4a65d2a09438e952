"""The forget guard (0014): inside it only the ledger's id-bearing text may change; and how
a platform id is found inside event ids."""

from __future__ import annotations

import pytest

from bot.storage.anonymise import GUARD, replace_id
from bot.storage.store import Store
from tests.storage.errors import INTEGRITY, run
from tests.storage.test_db import ledger_row

EVENT = "discord:reaction:77:123456789012345678:✅:1"


@pytest.mark.parametrize(
    "change",
    [
        "note = 'x'",
        "source_event_id = 'x'",
    ],
)
async def test_without_the_guard_the_ledger_refuses_every_update(db: Store, change: str) -> None:
    """Outside a forget, the ledger stays strictly append-only."""
    row_id = await ledger_row(db)
    with pytest.raises(INTEGRITY, match="append-only"):
        async with db.transaction() as tx:
            await tx.execute(f"UPDATE reputation_ledger SET {change} WHERE id = ?", (row_id,))


@pytest.mark.parametrize(
    "change",
    ["delta = 1000", "member_id = NULL", "actor_id = 1", "created_at = 'x'", "kind = 'x'"],
)
async def test_inside_the_guard_points_and_people_still_cannot_change(
    db: Store, change: str
) -> None:
    """The guard opens the two text columns only. (A refused statement ends the whole
    transaction on PostgreSQL: each refusal here is its own transaction.)"""
    row_id = await ledger_row(db)
    guard = (f"INSERT INTO {GUARD} (community_id) VALUES (1)", ())
    update = (f"UPDATE reputation_ledger SET {change} WHERE id = ?", (row_id,))
    with pytest.raises(INTEGRITY, match="append-only"):
        await run(db, guard, update)


async def test_inside_the_guard_note_and_event_id_can_be_rewritten(db: Store) -> None:
    """What forget needs, for the guarded community only; deletes stay refused."""
    row_id = await ledger_row(db)
    async with db.transaction() as tx:
        await tx.execute(f"INSERT INTO {GUARD} (community_id) VALUES (1)")
        await tx.execute(
            "UPDATE reputation_ledger SET note = '', source_event_id = 'e:forgotten:1'"
            " WHERE id = ?",
            (row_id,),
        )
        await tx.execute(f"DELETE FROM {GUARD}")
    row = await db.fetchone("SELECT delta, source_event_id FROM reputation_ledger")
    assert tuple(row or ()) == (10, "e:forgotten:1")
    delete = ("DELETE FROM reputation_ledger WHERE id = ?", (row_id,))
    with pytest.raises(INTEGRITY, match="append-only"):
        await run(db, (f"INSERT INTO {GUARD} (community_id) VALUES (1)", ()), delete)
    another = (f"INSERT INTO {GUARD} (community_id) VALUES (2)", ())
    note = ("UPDATE reputation_ledger SET note = 'x' WHERE id = ?", (row_id,))
    with pytest.raises(INTEGRITY, match="append-only"):
        await run(db, another, note)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (EVENT, "discord:reaction:77:forgotten:9:✅:1"),
        (EVENT + ":mark3", "discord:reaction:77:forgotten:9:✅:1:mark3"),
        ("discord:sweep:r1:77:123456789012345678", "discord:sweep:r1:77:forgotten:9"),
        ("123456789012345678", "forgotten:9"),
        (
            "discord:reaction:77:1234567890123456789:✅:1",
            "discord:reaction:77:1234567890123456789:✅:1",
        ),
        ("discord:message:123456789012345678x", "discord:message:123456789012345678x"),
    ],
)
def test_a_platform_id_is_replaced_only_as_a_whole_part(text: str, expected: str) -> None:
    """Parts are ':'-separated; a longer id or word containing it is left alone."""
    assert replace_id(text, "123456789012345678", "forgotten:9") == expected
