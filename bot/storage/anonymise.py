"""Forgetting a member: the anonymous token that replaces their platform id, and where an
id hides inside other strings (platform event ids such as Discord's reaction ids)."""

from __future__ import annotations

import re

import aiosqlite

FORGOTTEN = "forgotten:"
# Inside this guard (a row per community, only within a forget's transaction) the ledger
# lets its id-bearing text columns be rewritten; see migration 0014.
GUARD = "forgetting"


def token(member_id: int) -> str:
    """What a forgotten member's external id becomes: unique (the UNIQUE key holds), opaque."""
    return f"{FORGOTTEN}{member_id}"


def is_forgotten(external_id: str) -> bool:
    """Whether a member row was already anonymised."""
    return external_id.startswith(FORGOTTEN)


async def identity(
    conn: aiosqlite.Connection, community_id: int, member_id: int
) -> tuple[str, str] | None:
    """(platform id, display name) of a member row of this community, or None."""
    cur = await conn.execute(
        "SELECT external_id, display_name FROM members WHERE id = ? AND community_id = ?",
        (member_id, community_id),
    )
    row = await cur.fetchone()
    return (str(row[0]), str(row[1])) if row else None


async def open_guard(tx: aiosqlite.Connection, community_id: int) -> None:
    """Let the ledger's id-bearing text be rewritten, until close_guard (same transaction)."""
    await tx.execute(
        f"INSERT INTO {GUARD} (community_id) VALUES (?) ON CONFLICT DO NOTHING",
        (community_id,),
    )


async def close_guard(tx: aiosqlite.Connection, community_id: int) -> None:
    """Guard the ledger again."""
    await tx.execute(f"DELETE FROM {GUARD} WHERE community_id = ?", (community_id,))


async def anonymise_member(tx: aiosqlite.Connection, member_id: int) -> None:
    """The member row keeps its id but loses its name, its platform id becoming the token."""
    await tx.execute(
        "UPDATE members SET external_id = ?, display_name = '' WHERE id = ?",
        (token(member_id), member_id),
    )


def replace_id(text: str, external_id: str, replacement: str) -> str:
    """`text` with every ':'-separated part equal to `external_id` replaced (event ids join
    their parts with ':'; a part is never matched inside a longer word)."""
    pattern = rf"(?:(?<=:)|^){re.escape(external_id)}(?=:|$)"
    return re.sub(pattern, replacement.replace("\\", "\\\\"), text)


def names(text: str, needles: tuple[str, ...]) -> bool:
    """Whether free text mentions any of the (non-empty) needles, case-insensitively."""
    lowered = text.lower()
    return any(n and n.lower() in lowered for n in needles)


async def rewrite_ids(
    tx: aiosqlite.Connection,
    table: str,
    column: str,
    community_id: int,
    external_id: str,
    replacement: str,
    *,
    replace_conflicts: bool = False,
) -> int:
    """Replace the platform id inside one text column of a community's rows; rows changed.

    `table` and `column` are code constants, never user input. `replace_conflicts` (for
    processed_events): a new value colliding with a key replaces that row, which says the
    same thing; never for the ledger, where it would delete a row behind the triggers' back.
    """
    cur = await tx.execute(
        f"SELECT DISTINCT {column} FROM {table} WHERE community_id = ? AND instr({column}, ?) > 0",
        (community_id, external_id),
    )
    changed = 0
    # By value, not by row: the new text depends on the old text alone, so every row holding
    # one value gets the same new one (and no backend-specific row id is needed).
    for (value,) in await cur.fetchall():
        new = replace_id(str(value), external_id, replacement)
        if new == value:
            continue
        if replace_conflicts:  # the row already holding the new value says the same thing
            await tx.execute(
                f"DELETE FROM {table} WHERE community_id = ? AND {column} = ?", (community_id, new)
            )
        done = await tx.execute(
            f"UPDATE {table} SET {column} = ? WHERE community_id = ? AND {column} = ?",
            (new, community_id, value),
        )
        changed += max(done.rowcount, 0)
    return changed
