"""The triage queue: questions still waiting, oldest first, one page at a time (/questions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import aiosqlite

# One definition of "helpful" for every reader: Insights' (accepted, or a standing mark not
# refused as suspect; the daily cap limits points, not helpfulness).
from bot.storage.awards import HELPFUL_ANSWER

Filter = Literal["unanswered", "open", "mine"]
FILTERS: tuple[Filter, ...] = ("unanswered", "open", "mine")

_LIVE = "a.question_id = q.id AND a.deleted_at IS NULL"
# Not solved, not closed as answered, not deleted: still someone's to-do.
_WAITING = (
    "q.community_id = :c AND q.deleted_at IS NULL AND q.status <> 'solved' AND q.closed_at IS NULL"
)
_WHERE: dict[Filter, str] = {
    # Only others' replies are recorded as answers (the asker's own are conversation).
    "unanswered": f"{_WAITING} AND NOT EXISTS (SELECT 1 FROM answers a WHERE {_LIVE})",
    "open": _WAITING,
    "mine": f"{_WAITING} AND q.asker_id = :asker",
}
_ROWS = f"""
SELECT q.number, q.channel_id, q.thread_id, q.root_message_id, q.text, q.created_at,
       (SELECT COUNT(*) FROM answers a WHERE {_LIVE}) AS answers,
       EXISTS (SELECT 1 FROM answers a WHERE {_LIVE} AND {HELPFUL_ANSWER}) AS helpful
FROM questions q
"""


@dataclass(frozen=True)
class Waiting:
    """One question of the queue, with what a helper needs to pick it."""

    number: int
    channel_id: str
    thread_id: str | None
    root_message_id: str | None
    text: str
    created_at: str
    answers: int
    helpful: bool

    @property
    def ref(self) -> str:
        """How users refer to it: Q<number>."""
        return f"Q{self.number}"


def _where(which: Filter, channel_id: str | None) -> str:
    return _WHERE[which] + (" AND q.channel_id = :channel" if channel_id is not None else "")


async def page(
    conn: aiosqlite.Connection,
    community_id: int,
    which: Filter,
    *,
    asker_id: int | None = None,
    channel_id: str | None = None,
    offset: int = 0,
    limit: int = 10,
) -> tuple[int, list[Waiting]]:
    """(how many match in all, the `limit` of them from `offset`), oldest first."""
    params: dict[str, Any] = {"c": community_id, "asker": asker_id, "channel": channel_id}
    where = _where(which, channel_id)
    cur = await conn.execute(f"SELECT COUNT(*) FROM questions q WHERE {where}", params)
    row = await cur.fetchone()
    total = int(row[0]) if row else 0
    if total <= offset:
        return total, []
    cur = await conn.execute(
        f"{_ROWS} WHERE {where} ORDER BY q.created_at, q.id LIMIT :limit OFFSET :offset",
        params | {"limit": limit, "offset": offset},
    )
    items = [
        Waiting(int(r[0]), str(r[1]), r[2], r[3], str(r[4]), str(r[5]), int(r[6]), bool(r[7]))
        for r in await cur.fetchall()
    ]
    return total, items
