"""Member figures of a period: active members, new helpers, superfans, influencers and the
top helpers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

import aiosqlite

from bot.insights.model import MemberFigure
from bot.insights.stats import rate, stamp
from bot.storage import insight_reads
from bot.storage.helping import top_helpers

TOP_HELPERS = 10


@dataclass(frozen=True)
class People:
    """The member figures of Insights."""

    active: int = 0
    new_helpers: int = 0
    superfans: list[MemberFigure] = field(default_factory=list)
    superfan_share: float | None = None
    influencers: list[MemberFigure] = field(default_factory=list)
    helpers: list[MemberFigure] = field(default_factory=list)


def influencers(answerers: list[MemberFigure]) -> list[MemberFigure]:
    """Top quartile by answers and by helpful answers (nearest rank: at least the count of
    the ⌈n/4⌉-th best), with at least 3 answers and 1 helpful; most helpful first."""
    if not answerers:
        return []
    rank = math.ceil(len(answerers) / 4) - 1
    by_answers = sorted((f.answers for f in answerers), reverse=True)[rank]
    by_helpful = sorted((f.helpful_answers for f in answerers), reverse=True)[rank]
    chosen = [
        f
        for f in answerers
        if f.answers >= max(3, by_answers) and f.helpful_answers >= max(1, by_helpful)
    ]
    return sorted(chosen, key=lambda f: (-f.helpful_answers, -f.answers, f.member_id))


async def compute(
    conn: aiosqlite.Connection,
    community_id: int,
    start: datetime,
    end: datetime,
    *,
    rankings: bool = True,
) -> People:
    """The member figures of [start, end); without `rankings`, the figures alone (no
    influencers, no top helpers: what the previous period needs)."""
    span = (stamp(start), stamp(end))
    tallies = await insight_reads.answer_tallies(conn, community_id, *span)
    helpful_total = sum(t.helpful for t in tallies)
    # Staff answer as their job: superfans and influencers are community members.
    answerers = {
        t.author_id: MemberFigure(t.author_id, t.name, t.answers, t.helpful, t.points)
        for t in tallies
        if t.author_id is not None and not t.is_staff
    }
    pool = await insight_reads.member_pool(conn, community_id)
    superfans = [
        answerers.get(s.member_id, MemberFigure(s.member_id, s.name, 0, 0, s.total))
        for s in await insight_reads.top_standings(
            conn, community_id, max(1, math.ceil(pool / 100))
        )
    ]
    helpers = []
    if rankings:
        for h in await top_helpers(conn, community_id, start=start, end=end, limit=TOP_HELPERS):
            known = answerers.get(h.member_id)
            answers, helpful = (known.answers, known.helpful_answers) if known else (0, 0)
            helpers.append(MemberFigure(h.member_id, h.name, answers, helpful, h.points))
    return People(
        active=await insight_reads.active_members(conn, community_id, *span),
        new_helpers=await insight_reads.new_helpers(conn, community_id, *span),
        superfans=superfans,
        superfan_share=rate(sum(f.helpful_answers for f in superfans), helpful_total),
        influencers=influencers(list(answerers.values())) if rankings else [],
        helpers=helpers,
    )
