"""What tests check about escalations, timers and nudges."""

from __future__ import annotations

from typing import Any

from bot.storage.db import Database
from tests.queries._db import count, rows, value


async def escalation_count(db: Database) -> int:
    """How many questions were escalated to staff."""
    return await count(db, "SELECT COUNT(*) FROM escalations")


async def escalation_of(db: Database, number: int | None = None) -> dict[str, Any]:
    """A question's escalation by column name (the first escalation when no number is
    given), plus `claimer` and `closer`: platform ids of who claimed and who closed it."""
    sql = (
        "SELECT e.*, c.external_id AS claimer, x.external_id AS closer FROM escalations e"
        " JOIN questions q ON q.id = e.question_id"
        " LEFT JOIN members c ON c.id = e.claimed_by LEFT JOIN members x ON x.id = e.closed_by"
        " WHERE (q.number = ? OR CAST(? AS INTEGER) IS NULL) ORDER BY e.question_id LIMIT 1"
    )
    row = await db.fetchone(sql, (number, number))
    return {} if row is None else dict(row)


async def escalation_status(db: Database) -> str | None:
    """The first escalation's status: open, claimed, closed …"""
    return await value(db, "SELECT status FROM escalations ORDER BY question_id LIMIT 1")


async def escalation_outcome(db: Database) -> str | None:
    """'status:outcome' of the first escalation (None while it has no outcome)."""
    sql = "SELECT status || ':' || outcome FROM escalations ORDER BY question_id LIMIT 1"
    return await value(db, sql)


async def claimer(db: Database) -> str | None:
    """Platform id of who claimed the first escalation (None if unclaimed)."""
    sql = (
        "SELECT m.external_id FROM escalations e JOIN members m ON m.id = e.claimed_by"
        " ORDER BY e.question_id LIMIT 1"
    )
    return await value(db, sql)


async def staff_card(db: Database) -> str | None:
    """Message id of the first escalation's card in the staff channel."""
    return await value(db, "SELECT staff_message_id FROM escalations ORDER BY question_id LIMIT 1")


async def timer_status(db: Database, kind: str, key: str | None = None) -> str | None:
    """Status of the first timer of a kind (and key, if given): pending, done, cancelled …"""
    sql = (
        "SELECT status FROM timers WHERE kind = ? AND (key = ? OR CAST(? AS TEXT) IS NULL)"
        " ORDER BY id"
    )
    return await value(db, sql, (kind, key, key))


async def lease_owner(db: Database, kind: str) -> str | None:
    """Which process holds the lease on the first timer of a kind (None: nobody)."""
    sql = "SELECT lease_owner FROM timers WHERE kind = ? ORDER BY id LIMIT 1"
    return await value(db, sql, (kind,))


async def timer_count(db: Database, kind: str) -> int:
    """How many timers of a kind exist, whatever their status."""
    return await count(db, "SELECT COUNT(*) FROM timers WHERE kind = ?", (kind,))


async def timers_of_kind(db: Database, kind: str | None = None) -> list[tuple[str, str, int]]:
    """(key, status, attempts) of every timer (of one kind if given), in the order made."""
    sql = (
        "SELECT key, status, attempts FROM timers WHERE (kind = ? OR CAST(? AS TEXT) IS NULL)"
        " ORDER BY id"
    )
    return await rows(db, sql, (kind, kind))


async def nudge_response(db: Database) -> str | None:
    """How the first nudged member answered the nudge (None before they do)."""
    return await value(db, "SELECT response FROM nudges ORDER BY id LIMIT 1")


async def nudge_via(db: Database) -> str | None:
    """Where the first nudge was sent: thread or dm."""
    return await value(db, "SELECT via FROM nudges ORDER BY id LIMIT 1")


async def nudge_mode(db: Database) -> str | None:
    """How the first member who set a preference wants to be nudged (dm, thread, off …)."""
    return await value(db, "SELECT nudges FROM member_prefs ORDER BY updated_at LIMIT 1")


async def declared_topics(db: Database) -> list[str]:
    """Expertise topics members declared, in the order declared."""
    sql = "SELECT topic FROM expertise_topics ORDER BY added_at, topic"
    return [str(r[0]) for r in await rows(db, sql)]
