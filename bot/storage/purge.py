"""Delete everything stored about one community (an uninstalled app, revoked tokens)."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

import aiosqlite

from bot.storage.store import Store

log = logging.getLogger(__name__)

_OWN = "community_id = ?"
_OF_QUESTIONS = "question_id IN (SELECT id FROM questions WHERE community_id = ?)"

# Every table holding community data, children before parents: members are referenced
# without ON DELETE by most tables, so they (then questions, answers) can only go last.
# Deleting each table explicitly, rather than cascading from `communities`, gives a count
# per table and fails loudly if a row of another community points into this one.
# tests/storage/test_purge.py checks this list against the schema: a new table must be
# listed here (or in KEPT), after every table it references.
PURGED: tuple[tuple[str, str], ...] = (
    ("question_status_log", _OF_QUESTIONS),
    ("kb_feedback", _OWN),
    ("kb_suggestions", _OWN),
    ("kb_gaps", _OWN),
    ("thread_vectors", _OWN),
    ("helpful_marks", _OWN),
    ("accepted_answers", _OWN),
    ("bounties", _OWN),
    ("escalations", _OWN),
    ("nudges", _OWN),
    ("onboarding_invites", _OWN),
    ("reputation_ledger", _OWN),
    ("reputation_totals", _OWN),
    ("helping_totals", _OWN),
    ("member_ranks", _OWN),
    ("rank_announcements", _OWN),
    ("leaderboard_optouts", _OWN),
    ("scheduled_posts", _OWN),
    ("member_prefs", _OWN),
    ("expertise_topics", _OWN),
    ("timers", _OWN),
    ("processed_events", _OWN),
    ("event_claims", _OWN),  # only while an event is being handled (or its process died)
    ("channel_cursors", _OWN),
    ("community_settings", _OWN),
    ("channel_settings", _OWN),
    ("answers", _OWN),
    ("questions", _OWN),
    ("members", _OWN),
    ("communities", "id = ?"),
)

# Tables that hold nothing about a community, and why they are left alone.
KEPT: dict[str, str] = {
    "article_vectors": "embeddings of the shared knowledge base",
    "article_tokens": "BM25 tokens of the shared knowledge base",
    "gate_calibration": "the suggestion gate calibrated on the shared knowledge base",
    "schema_version": "which migrations ran",
    "knowledge_version": "how many times the shared knowledge base was reloaded",
    "post_pace": "Slack's posting pace: a channel id and a time, nothing about members",
    "purging": "the ledger guard; empty outside a purge's transaction",
    "forgetting": "the ledger guard of /privacy forget; empty outside its transaction",
}

# The append-only ledger refuses deletes unless its community is in `purging` (0011).
GUARD = "purging"


@dataclass(frozen=True)
class Purge:
    """What a purge removed: the community's row id and the rows deleted per table."""

    community_id: int
    deleted: dict[str, int]


async def purge_community(tx: aiosqlite.Connection, community_id: int) -> dict[str, int]:
    """Delete every row of one community, in the caller's transaction; rows per table."""
    deleted: dict[str, int] = {}
    # The guard row lets the ledger trigger allow these deletes; it is removed again even
    # if a delete fails, so a caller that carries on never leaves the ledger unguarded.
    await tx.execute(
        f"INSERT INTO {GUARD} (community_id) VALUES (?) ON CONFLICT DO NOTHING",
        (community_id,),
    )
    unguard = f"DELETE FROM {GUARD} WHERE community_id = ?"
    try:
        for table, where in PURGED:
            cur = await tx.execute(f"DELETE FROM {table} WHERE {where}", (community_id,))
            deleted[table] = max(cur.rowcount, 0)
    except BaseException:
        # On PostgreSQL a failed statement ends the transaction (its rollback takes the
        # guard with it) and refuses this one: the delete's error is the one to report.
        with contextlib.suppress(Exception):
            await tx.execute(unguard, (community_id,))
        raise
    await tx.execute(unguard, (community_id,))
    return deleted


async def purge_by_key(db: Store, platform: str, external_id: str) -> Purge | None:
    """Purge the community a platform knows as `external_id`; None if it was never stored."""
    async with db.transaction() as tx:
        cur = await tx.execute(
            "SELECT id FROM communities WHERE platform = ? AND external_id = ?",
            (platform, external_id),
        )
        row = await cur.fetchone()
        if row is None:
            return None
        community_id = int(row[0])
        deleted = await purge_community(tx, community_id)
    log.info(
        "purged community %s %s (row %d): %d rows",
        platform,
        external_id,
        community_id,
        sum(deleted.values()),
    )
    return Purge(community_id, deleted)
