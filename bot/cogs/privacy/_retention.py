"""Retention: stored message texts older than `retention_days` are erased, once a day.

Erased: the text of questions and answers created before the cutoff, and the copy of a
question's text kept with knowledge-base feedback (kb_feedback.query_text). Kept: every row,
with its times, status, resolution, channel, authorship (member row ids), marks, accepts,
points and votes, so statistics, totals and leaderboards don't change; the feedback's vector
(numbers, not text) keeps informing suggestion ranking. Member profiles, settings and the
knowledge base itself are not messages and are not touched; `/privacy forget` erases those.
`retention_days = 0` keeps texts forever.

Each community's run is claimed in scheduled_posts (kind 'retention', one per UTC day) in the
transaction that erases, so a restart or a second tick the same day doesn't repeat it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.storage import communities, retention, scheduled_posts

if TYPE_CHECKING:
    from bot.core.services import Services

log = logging.getLogger(__name__)

KIND = "retention"


async def run_due(services: Services, now: datetime) -> None:
    """Run today's retention in every community that hasn't had it yet."""
    async with services.db.read() as conn:
        community_ids = [community_id for community_id, _ in await communities.every(conn)]
    for community_id in community_ids:
        try:
            await run_one(services, community_id, now)
        except Exception:
            log.exception("retention failed for community %s", community_id)


async def run_one(services: Services, community_id: int, now: datetime) -> int | None:
    """Texts erased in one community today, or None if it ran already or keeps texts."""
    days = (await services.community_config(community_id)).retention_days
    if days == 0:
        return None
    now = now.astimezone(UTC)
    day_end = datetime.combine(now.date(), time(), tzinfo=UTC) + timedelta(days=1)
    # A read first: the check runs every minute, the write only once a day.
    async with services.db.read() as conn:
        if await scheduled_posts.made(conn, community_id, KIND, day_end):
            return None
    async with services.db.transaction() as tx:
        if not await scheduled_posts.claim(tx, community_id, KIND, day_end, now):
            return None
        erased = await retention.erase_before(tx, community_id, now - timedelta(days=days))
    if erased:
        # Old versions of the erased texts stay in the WAL until a checkpoint empties it.
        await services.db.checkpoint()
        log.info(
            "retention: %d texts older than %d days erased (community %d)",
            erased,
            days,
            community_id,
        )
    return erased
