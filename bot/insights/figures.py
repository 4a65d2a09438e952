"""The community health figures of one period, computed from the records the features keep.

Definitions ([start, end) in UTC; "now" is when they are computed; one bullet a figure):
- counted questions: created_at in [start, end), not deleted, asker not a bot (anonymous counts)
- answered: counted questions with first_answer_at set; response_rate = answered / asked
- first_response: first_answer_at − created_at over answered questions, in seconds; median and
  p90 interpolated linearly between ranks (numpy's default)
- first_response_community / _staff: split by answers.by_staff of the question's earliest answer
  (deleted answers included: they were the first response)
- outcomes: the resolution (kb, community, staff, asker) if the status is solved now, else unsolved
- first_post_resolution: of questions solved now with an accepted answer, the share accepting
  their earliest answer; solved without an accept (Mark solved, KB button, staff) = left out
- escalated: counted questions with an escalation row; escalation_rate = escalated / asked
- sla_total / sla_met: those escalations; met = claimed (or resolved / returned without a claim)
  within claim_sla_minutes; not yet responded: missed once older than that now, else left out;
  sla_compliance = met / total
- nudged: counted questions with a nudge; nudge_answered: of those, answered by a member nudged
  for it, at or after their nudge; nudge_effectiveness = nudge_answered / nudged
- active_members: distinct non-bot members who asked, answered (deleted posts too) or gave a
  helpful mark in the period
- helpful answer: accepted, or a standing mark with refusal null or daily_cap (the cap limits
  points, not helpfulness; self, too_new, pair_limit and back_and_forth marks don't count)
- new_helpers: non-bot members whose first answer ever to become helpful (first such mark, by
  receiver, or accept) became so in the period
- superfans: the top ⌈1%⌉ (at least 1) of the non-bot, non-staff members, of those with points
  > 0, by total points (ties: lower id)
- superfan_share: helpful live answers written in the period by superfans / all of them
  (staff and anonymous answers included in the whole)
- influencers: non-staff answerers (live answers of the period) in the top quartile by answers
  AND by helpful answers (≥ the ⌈n/4⌉-th best count), with ≥ 3 answers and ≥ 1 helpful;
  most helpful first
- days: each local calendar day (community time zone) the period touches: asked, outcomes and
  median first response of that day's questions
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

import aiosqlite

from bot.core.clock import utcnow
from bot.insights import asked, members
from bot.insights.model import OUTCOMES, Day, Insights, Period
from bot.insights.stats import durations, rate, utc


async def compute(
    conn: aiosqlite.Connection,
    community_id: int,
    period: Period,
    *,
    claim_sla_minutes: int,
    timezone: str,
    now: datetime | None = None,
) -> Insights:
    """Every figure of one community over one period (see the module docstring)."""
    start, end = utc(period.start), utc(period.end)
    rows = await asked.fetch(conn, community_id, start, end)
    people = await members.compute(conn, community_id, start, end)
    # Medians and local days over a month of questions take ~85 ms: not on the event loop.
    return await asyncio.to_thread(
        _assemble, period, rows, people, claim_sla_minutes, timezone, utc(now or utcnow())
    )


def _assemble(
    period: Period,
    rows: list[asked.Asked],
    people: members.People,
    claim_sla_minutes: int,
    timezone: str,
    now: datetime,
) -> Insights:
    """The figures from the period's question rows and member figures (pure)."""
    start, end = utc(period.start), utc(period.end)
    waits = [(row.wait, row.first_by_staff) for row in rows if row.wait is not None]
    outcomes = dict.fromkeys(OUTCOMES, 0)
    for row in rows:
        outcomes[row.outcome] += 1
    by_accept = [row for row in rows if row.solved_by_accept]
    sla_total, sla_met = sla(rows, timedelta(minutes=claim_sla_minutes), now)
    escalated = sum(row.escalated is not None for row in rows)
    nudged = sum(row.nudged for row in rows)
    nudge_answered = sum(row.nudge_answered for row in rows)
    return Insights(
        period=period,
        asked=len(rows),
        answered=len(waits),
        response_rate=rate(len(waits), len(rows)),
        first_response=durations(wait for wait, _ in waits),
        first_response_community=durations(wait for wait, staff in waits if not staff),
        first_response_staff=durations(wait for wait, staff in waits if staff),
        outcomes=outcomes,
        first_post_resolution=rate(sum(row.accepted_first for row in by_accept), len(by_accept)),
        escalated=escalated,
        escalation_rate=rate(escalated, len(rows)),
        sla_total=sla_total,
        sla_met=sla_met,
        sla_compliance=rate(sla_met, sla_total),
        nudged=nudged,
        nudge_answered=nudge_answered,
        nudge_effectiveness=rate(nudge_answered, nudged),
        active_members=people.active,
        new_helpers=people.new_helpers,
        superfans=people.superfans,
        superfan_share=people.superfan_share,
        influencers=people.influencers,
        days=days(rows, start, end, ZoneInfo(timezone)),
    )


def sla(rows: list[asked.Asked], limit: timedelta, now: datetime) -> tuple[int, int]:
    """(escalations counted, met): an unanswered one inside its SLA can't be judged yet."""
    total = met = 0
    for row in rows:
        if row.escalated is None:
            continue
        if row.staff_response is not None:
            total += 1
            met += row.staff_response - row.escalated <= limit
        elif now - row.escalated > limit:
            total += 1
    return total, met


def days(rows: list[asked.Asked], start: datetime, end: datetime, zone: ZoneInfo) -> list[Day]:
    """One Day per local calendar day touched by [start, end), empty ones included."""
    if end <= start:
        return []
    by_day: defaultdict[date, list[asked.Asked]] = defaultdict(list)
    for row in rows:
        by_day[row.created.astimezone(zone).date()].append(row)
    first = start.astimezone(zone).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    result = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        mine = by_day.get(day, [])
        outcomes = dict.fromkeys(OUTCOMES, 0)
        for row in mine:
            outcomes[row.outcome] += 1
        waits = [row.wait for row in mine if row.wait is not None]
        result.append(Day(day, len(mine), outcomes, median(waits) if waits else None))
    return result
