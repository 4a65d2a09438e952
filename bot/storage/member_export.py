"""Everything stored about one member, section by section (/privacy export reads it).

Other members appear only as what the member did with them (a question number, points), not
by name. Staff-internal details of escalations stop at status and times.
"""

from __future__ import annotations

from typing import Any

import aiosqlite

Q = "'Q' || q.number AS question"

# Sections listing rows; every query takes :c (community row id) and :m (member row id).
LISTS: dict[str, str] = {
    "questions": f"SELECT {Q}, q.text, q.status, q.resolution, q.language, q.topic,"
    " q.channel_id, q.created_at, q.first_answer_at, q.solved_at, q.closed_at, q.deleted_at"
    " FROM questions q WHERE q.community_id = :c AND q.asker_id = :m ORDER BY q.number",
    "escalations_of_your_questions": f"SELECT {Q}, e.reason, e.status, e.created_at,"
    " e.claimed_at, e.closed_at FROM escalations e JOIN questions q ON q.id = e.question_id"
    " WHERE e.community_id = :c AND q.asker_id = :m ORDER BY q.number",
    "answers": f"SELECT {Q}, a.text, a.by_staff, a.created_at, a.edited_at, a.deleted_at,"
    " EXISTS (SELECT 1 FROM accepted_answers x WHERE x.answer_id = a.id) AS accepted"
    " FROM answers a JOIN questions q ON q.id = a.question_id"
    " WHERE a.community_id = :c AND a.author_id = :m ORDER BY a.id",
    "helpful_marks_given": f"SELECT {Q}, h.points, h.refusal, h.marked_at"
    " FROM helpful_marks h JOIN answers a ON a.id = h.answer_id"
    " JOIN questions q ON q.id = a.question_id"
    " WHERE h.community_id = :c AND h.giver_id = :m ORDER BY h.id",
    "helpful_marks_received": f"SELECT {Q}, h.points, h.refusal, h.marked_at"
    " FROM helpful_marks h JOIN answers a ON a.id = h.answer_id"
    " JOIN questions q ON q.id = a.question_id"
    " WHERE h.community_id = :c AND h.receiver_id = :m ORDER BY h.id",
    "accepts_of_your_answers": f"SELECT {Q}, x.author_points AS points, x.accepted_at"
    " FROM accepted_answers x JOIN answers a ON a.id = x.answer_id"
    " JOIN questions q ON q.id = x.question_id"
    " WHERE x.community_id = :c AND a.author_id = :m ORDER BY x.accepted_at",
    "accepts_you_made": f"SELECT {Q}, x.asker_points AS points, x.accepted_at"
    " FROM accepted_answers x JOIN questions q ON q.id = x.question_id"
    " WHERE x.community_id = :c AND x.accepter_id = :m ORDER BY x.accepted_at",
    "reputation_ledger": "SELECT l.delta, l.kind, l.reason, l.note,"
    " 'Q' || q.number AS question, l.created_at FROM reputation_ledger l"
    " LEFT JOIN questions q ON q.id = l.question_id"
    " WHERE l.community_id = :c AND l.member_id = :m ORDER BY l.id",
    "bounties": f"SELECT {Q}, b.amount, b.status, b.sponsor_id = :m AS offered_by_you,"
    " b.awarded_to IS :m AS awarded_to_you, b.created_at, b.resolved_at"
    " FROM bounties b JOIN questions q ON q.id = b.question_id"
    " WHERE b.community_id = :c AND (b.sponsor_id = :m OR b.awarded_to = :m)",
    "rank_announcements": "SELECT rank, announced_at FROM rank_announcements"
    " WHERE community_id = :c AND member_id = :m ORDER BY announced_at",
    "nudges_received": f"SELECT {Q}, n.via, n.sent_at, n.response, n.responded_at"
    " FROM nudges n JOIN questions q ON q.id = n.question_id"
    " WHERE n.community_id = :c AND n.member_id = :m ORDER BY n.id",
    "expertise_topics": "SELECT topic, added_at FROM expertise_topics"
    " WHERE community_id = :c AND member_id = :m ORDER BY topic",
    "knowledge_base_feedback": f"SELECT {Q}, f.article, f.verdict, f.created_at"
    " FROM kb_feedback f JOIN questions q ON q.id = f.question_id"
    " WHERE f.community_id = :c AND f.member_id = :m ORDER BY f.id",
    "question_status_changes_you_made": f"SELECT {Q}, s.old_status, s.new_status, s.at"
    " FROM question_status_log s JOIN questions q ON q.id = s.question_id"
    " WHERE q.community_id = :c AND s.actor_id = :m ORDER BY s.id",
    "escalations_you_claimed": f"SELECT {Q}, e.status, e.claimed_at FROM escalations e"
    " JOIN questions q ON q.id = e.question_id WHERE e.community_id = :c AND e.claimed_by = :m",
    "settings_you_changed": "SELECT key, value_json AS value, updated_at"
    " FROM community_settings WHERE community_id = :c AND updated_by = :m ORDER BY key",
}

# Sections holding one row (or null).
SINGLES: dict[str, str] = {
    "member": "SELECT external_id AS platform_id, display_name, is_staff, first_seen,"
    " joined_at FROM members WHERE community_id = :c AND id = :m",
    "nudge_settings": "SELECT nudges, quiet_from, quiet_to, updated_at FROM member_prefs"
    " WHERE community_id = :c AND member_id = :m",
    "rank": "SELECT rank, since FROM member_ranks WHERE community_id = :c AND member_id = :m",
    "leaderboard_opt_out": "SELECT since FROM leaderboard_optouts"
    " WHERE community_id = :c AND member_id = :m",
    "onboarding_invite": "SELECT 'Q' || q.number AS question, i.invited_at"
    " FROM onboarding_invites i LEFT JOIN questions q ON q.id = i.question_id"
    " WHERE i.community_id = :c AND i.member_id = :m",
}

TOTAL = "SELECT total FROM reputation_totals WHERE community_id = :c AND member_id = :m"


async def sections(conn: aiosqlite.Connection, community_id: int, member_id: int) -> dict[str, Any]:
    """Every section of a member's data (singles, total, then lists), read on one connection."""
    params = {"c": community_id, "m": member_id}
    document: dict[str, Any] = {}
    for section, sql in SINGLES.items():
        row = await (await conn.execute(sql, params)).fetchone()
        document[section] = None if row is None else dict(row)
    row = await (await conn.execute(TOTAL, params)).fetchone()
    document["reputation_total"] = int(row[0]) if row else 0
    for section, sql in LISTS.items():
        cur = await conn.execute(sql, params)
        document[section] = [dict(r) for r in await cur.fetchall()]
    return document
