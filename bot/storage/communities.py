"""Communities and members: map platform ids to our row ids, creating rows on first sight."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import aiosqlite

from bot.core.identity import Community, Member
from bot.storage.anonymise import is_forgotten

# Names looked up at once: a command line names a few members, never hundreds.
MAX_NAMES = 50


async def ensure_community(tx: aiosqlite.Connection, community: Community, at: datetime) -> int:
    """Row id of the community, inserted if new."""
    await tx.execute(
        "INSERT INTO communities (platform, external_id, name, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (platform, external_id) DO NOTHING",
        (community.platform, community.id, community.name, at.isoformat()),
    )
    cur = await tx.execute(
        "SELECT id FROM communities WHERE platform = ? AND external_id = ?",
        (community.platform, community.id),
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def existing_member(
    conn: aiosqlite.Connection, community_id: int, external_id: str
) -> int | None:
    """Row id of a member already stored, or None (looking someone up stores nothing)."""
    cur = await conn.execute(
        "SELECT id FROM members WHERE community_id = ? AND external_id = ?",
        (community_id, external_id),
    )
    row = await cur.fetchone()
    return None if row is None else int(row[0])


async def member_row(
    tx: aiosqlite.Connection, community_id: int, external_id: str, at: datetime
) -> int:
    """Row id of a member named in a command, inserted if never seen (name left as is)."""
    await tx.execute(
        "INSERT INTO members (community_id, external_id, display_name, first_seen)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (community_id, external_id) DO NOTHING",
        (community_id, external_id, external_id, at.isoformat()),
    )
    cur = await tx.execute(
        "SELECT id FROM members WHERE community_id = ? AND external_id = ?",
        (community_id, external_id),
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def ensure_member(
    tx: aiosqlite.Connection, community_id: int, member: Member, at: datetime
) -> int:
    """Row id of the member in this community, inserted (or renamed) as needed."""
    await tx.execute(
        "INSERT INTO members"
        " (community_id, external_id, display_name, is_bot, is_staff, first_seen)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (community_id, external_id)"
        " DO UPDATE SET display_name = excluded.display_name, is_staff = excluded.is_staff",
        (
            community_id,
            member.id,
            member.name,
            int(member.is_bot),
            int(member.is_moderator),
            at.isoformat(),
        ),
    )
    cur = await tx.execute(
        "SELECT id FROM members WHERE community_id = ? AND external_id = ?",
        (community_id, member.id),
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def external_id(conn: aiosqlite.Connection, member_id: int) -> str | None:
    """The platform id of a member row."""
    cur = await conn.execute("SELECT external_id FROM members WHERE id = ?", (member_id,))
    row = await cur.fetchone()
    return str(row[0]) if row else None


async def by_id(conn: aiosqlite.Connection, community_id: int) -> Community | None:
    """The platform community of a row id (for work that starts from a timer)."""
    cur = await conn.execute(
        "SELECT platform, external_id, name FROM communities WHERE id = ?", (community_id,)
    )
    row = await cur.fetchone()
    return Community(str(row[0]), str(row[1]), str(row[2])) if row else None


async def every(conn: aiosqlite.Connection) -> list[tuple[int, Community]]:
    """Every community in the database, with its row id."""
    cur = await conn.execute("SELECT id, platform, external_id, name FROM communities ORDER BY id")
    return [(int(r[0]), Community(r[1], r[2], r[3])) for r in await cur.fetchall()]


async def members_named(
    conn: aiosqlite.Connection, community_id: int, names: Collection[str]
) -> dict[str, str]:
    """Which of `names` are stored members (by platform id or display name), each mapped to
    the member's platform id; bots and forgotten members left out."""
    wanted = sorted(set(names))[:MAX_NAMES]
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    cur = await conn.execute(
        "SELECT external_id, display_name FROM members WHERE community_id = ? AND is_bot = 0"
        f" AND (external_id IN ({marks}) OR display_name IN ({marks}))",
        (community_id, *wanted, *wanted),
    )
    found: dict[str, str] = {}
    for external, display in await cur.fetchall():
        if is_forgotten(external):
            continue
        for name in (display, external):  # the platform id wins over another's display name
            if name in wanted:
                found[name] = external
    return found
