"""Nudge preferences, declared expertise, sent nudges, and what expertise is learned from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite


@dataclass(frozen=True)
class Prefs:
    """How a member wants to be nudged."""

    mode: str = "on"  # on | off | dm
    quiet_from: int | None = None  # minutes after local midnight
    quiet_to: int | None = None


@dataclass(frozen=True)
class Helped:
    """A question a member's answer helped on: what their expertise is learned from."""

    member_id: int
    external_id: str
    number: int
    text: str
    at: str


async def prefs(conn: aiosqlite.Connection, community_id: int, member_id: int) -> Prefs:
    """A member's nudge preferences (defaults when never set)."""
    cur = await conn.execute(
        "SELECT nudges, quiet_from, quiet_to FROM member_prefs"
        " WHERE community_id = ? AND member_id = ?",
        (community_id, member_id),
    )
    row = await cur.fetchone()
    return Prefs(str(row[0]), row[1], row[2]) if row else Prefs()


async def set_prefs(
    tx: aiosqlite.Connection, community_id: int, member_id: int, value: Prefs, at: datetime
) -> None:
    """Store a member's nudge preferences."""
    await tx.execute(
        "INSERT INTO member_prefs (community_id, member_id, nudges, quiet_from, quiet_to,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (community_id, member_id) DO UPDATE"
        " SET nudges = excluded.nudges, quiet_from = excluded.quiet_from,"
        " quiet_to = excluded.quiet_to, updated_at = excluded.updated_at",
        (community_id, member_id, value.mode, value.quiet_from, value.quiet_to, at.isoformat()),
    )


async def drop_prefs(tx: aiosqlite.Connection, community_id: int, member_id: int) -> None:
    """Forget a member's nudge preferences (back to the defaults)."""
    await tx.execute(
        "DELETE FROM member_prefs WHERE community_id = ? AND member_id = ?",
        (community_id, member_id),
    )


async def channel_delay(
    conn: aiosqlite.Connection, community_id: int, channel_id: str
) -> int | None:
    """Minutes before nudging set for one channel, or None when it follows the default."""
    cur = await conn.execute(
        "SELECT value_json FROM channel_settings WHERE community_id = ? AND channel_id = ?"
        " AND key = 'nudge_delay_minutes'",
        (community_id, channel_id),
    )
    row = await cur.fetchone()
    return int(row[0]) if row else None


async def set_channel_delay(
    tx: aiosqlite.Connection, community_id: int, channel_id: str, minutes: int, at: datetime
) -> None:
    """Set one channel's minutes before nudging; 0 removes it (the default applies again)."""
    if minutes == 0:
        await tx.execute(
            "DELETE FROM channel_settings WHERE community_id = ? AND channel_id = ?"
            " AND key = 'nudge_delay_minutes'",
            (community_id, channel_id),
        )
    else:
        await tx.execute(
            "INSERT INTO channel_settings (community_id, channel_id, key, value_json,"
            " updated_at) VALUES (?, ?, 'nudge_delay_minutes', ?, ?)"
            " ON CONFLICT (community_id, channel_id, key) DO UPDATE SET"
            " value_json = excluded.value_json,"
            " updated_at = excluded.updated_at",
            (community_id, channel_id, str(minutes), at.isoformat()),
        )


async def topics(conn: aiosqlite.Connection, community_id: int) -> dict[int, list[str]]:
    """Declared topics of every member who declared some."""
    cur = await conn.execute(
        "SELECT member_id, topic FROM expertise_topics WHERE community_id = ? ORDER BY topic",
        (community_id,),
    )
    found: dict[int, list[str]] = {}
    for member_id, topic in await cur.fetchall():
        found.setdefault(int(member_id), []).append(str(topic))
    return found


async def set_topic(
    tx: aiosqlite.Connection, community_id: int, member_id: int, topic: str, add: bool, at: datetime
) -> bool:
    """Declare (or drop) a topic; False if nothing changed."""
    if add:
        cur = await tx.execute(
            "INSERT INTO expertise_topics (community_id, member_id, topic, added_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (community_id, member_id, topic, at.isoformat()),
        )
    else:
        cur = await tx.execute(
            "DELETE FROM expertise_topics WHERE community_id = ? AND member_id = ? AND topic = ?",
            (community_id, member_id, topic),
        )
    return cur.rowcount == 1


async def drop_topics(tx: aiosqlite.Connection, community_id: int, member_id: int) -> None:
    """Drop every topic a member declared."""
    await tx.execute(
        "DELETE FROM expertise_topics WHERE community_id = ? AND member_id = ?",
        (community_id, member_id),
    )


async def helped(conn: aiosqlite.Connection, community_id: int, limit: int) -> list[Helped]:
    """The latest questions where an answer earned a standing helpful mark or an accept."""
    cur = await conn.execute(
        "SELECT a.author_id, m.external_id, q.number, q.text,"
        " MAX(COALESCE(h.marked_at, aa.accepted_at))"
        " FROM answers a JOIN questions q ON q.id = a.question_id"
        " JOIN members m ON m.id = a.author_id"
        " LEFT JOIN helpful_marks h ON h.answer_id = a.id AND h.points > 0"
        " LEFT JOIN accepted_answers aa ON aa.answer_id = a.id"
        " WHERE a.community_id = ? AND a.deleted_at IS NULL"
        " AND (h.id IS NOT NULL OR aa.answer_id IS NOT NULL)"
        " GROUP BY a.author_id, m.external_id, q.id ORDER BY 5 DESC LIMIT ?",
        (community_id, limit),
    )
    return [
        Helped(int(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4])) for r in await cur.fetchall()
    ]


async def record(
    tx: aiosqlite.Connection,
    community_id: int,
    question_id: int,
    member_id: int,
    via: str,
    at: datetime,
) -> bool:
    """Record a nudge before sending it; False if this member was nudged for it already."""
    cur = await tx.execute(
        "INSERT INTO nudges (community_id, question_id, member_id, via, sent_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (community_id, question_id, member_id, via, at.isoformat()),
    )
    return cur.rowcount == 1


async def sent_since(
    conn: aiosqlite.Connection, community_id: int, member_ids: list[int], start: datetime
) -> dict[int, int]:
    """How many nudges each member got since `start`."""
    if not member_ids:
        return {}
    marks = ",".join("?" * len(member_ids))
    cur = await conn.execute(
        "SELECT member_id, COUNT(*) FROM nudges WHERE community_id = ? AND sent_at >= ?"
        f" AND member_id IN ({marks}) GROUP BY member_id",
        (community_id, start.isoformat(), *member_ids),
    )
    return {int(r[0]): int(r[1]) for r in await cur.fetchall()}


async def nudged_for(conn: aiosqlite.Connection, question_id: int) -> set[int]:
    """Members already nudged (or who declined) for a question."""
    cur = await conn.execute("SELECT member_id FROM nudges WHERE question_id = ?", (question_id,))
    return {int(r[0]) for r in await cur.fetchall()}


async def respond(
    tx: aiosqlite.Connection, question_id: int, member_id: int, response: str, at: datetime
) -> bool:
    """Record a nudged member's answer to the nudge; False if they weren't nudged for it."""
    cur = await tx.execute(
        "UPDATE nudges SET response = ?, responded_at = ? WHERE question_id = ? AND member_id = ?",
        (response, at.isoformat(), question_id, member_id),
    )
    return cur.rowcount == 1


async def human_ids(conn: aiosqlite.Connection, member_ids: list[int]) -> dict[int, str]:
    """Platform ids of these member rows, bots left out (who may be ranked as experts)."""
    if not member_ids:
        return {}
    marks = ",".join("?" * len(member_ids))
    cur = await conn.execute(
        f"SELECT id, external_id FROM members WHERE id IN ({marks}) AND is_bot = 0",
        tuple(member_ids),
    )
    return {int(r[0]): str(r[1]) for r in await cur.fetchall()}
