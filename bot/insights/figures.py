"""The community health figures of one period, computed from the records the features keep.

Definitions ([start, end) in UTC; "now" is when they are computed; one bullet a figure):
- counted questions: created_at in [start, end), not deleted, asker not a bot (anonymous counts)
- answer: a reply in the question's thread by another member (the asker's own replies are not
  answers, bots' messages are never recorded); deleted answers included: they were a response
- answered: counted questions with at least one answer; response_rate = answered / asked
- first_response: the earliest answer's posted time − created_at over answered questions, in
  seconds (read from the answers, not from questions.first_answer_at); median and p90
  interpolated linearly between ranks (numpy's default)
- first_response_community / _staff: split by answers.by_staff of the question's earliest answer
- helpful answer: accepted, or a standing mark with refusal null or daily_cap (the cap limits
  points, not helpfulness; self, too_new, pair_limit and back_and_forth marks don't count)
- first_helpful: posted time of the question's earliest answer helpful now − created_at, over
  questions with one (median, p90)
- solution: solved_at − created_at over questions solved now (median, p90)
- outcomes: each question has one, the first that holds now: solved (the resolution: kb,
  history, community, staff, asker); closed (closed_at set: closed as answered, not solved); helped
  (a helpful answer, not solved); unhelped (answered, none helpful); unanswered (no answer)
- first_post_resolution: of questions solved now with an accepted answer, the share accepting
  their earliest answer; solved without an accept (Mark solved, KB button, staff) = left out
- escalated: counted questions with an escalation row; escalation_rate = escalated / asked
- sla_total / sla_met: the escalations staff had to act on; met = claimed (or resolved /
  returned without a claim) within claim_sla_minutes; one that closed itself unclaimed
  (status 'closed', claimed_at null: its question was solved, closed or deleted first) is left
  out; not yet acted on: missed once older than that now, else left out;
  sla_compliance = met / total
- nudged: counted questions with a nudge; nudge_answered: of those, answered by a member nudged
  for it, at or after their nudge; nudge_effectiveness = nudge_answered / nudged
- active_members: distinct non-bot members who asked, answered (deleted posts too) or gave a
  helpful mark in the period
- new_helpers: non-bot members whose first answer ever to become helpful (first such mark, by
  receiver, or accept) became so in the period
- superfans: the top ⌈1%⌉ (at least 1) of the non-bot, non-staff members, of those with helping
  points > 0 (helpful marks, accepts, bounties won: storage.helping; not the asker's bonus
  nor admin adjustments), by those points all time (ties: lower id)
- superfan_share: helpful live answers written in the period by superfans / all of them
  (staff and anonymous answers included in the whole)
- influencers: non-staff answerers (live answers of the period) in the top quartile by answers
  AND by helpful answers (≥ the ⌈n/4⌉-th best count), with ≥ 3 answers and ≥ 1 helpful;
  most helpful first
- helpers: the top 10 non-bot, non-staff members by points earned helping in the period (ledger
  rows of the period: helpful marks, accepts, bounties won, and their reversals; not the
  asker's accept bonus, adjustments, escrows or refunds); ties: lower id
- channels: per help channel of the counted questions: asked, response rate, median first
  response, solved now and its share; most questions first (ties: channel id)
- waiting: the 5 oldest counted questions whose outcome is unanswered now, with their age
  (now − created_at)
- days: each local calendar day (community time zone) the period touches: asked, outcomes and
  median first response of that day's questions
- previous: every figure above (lists left empty) over [start − (end − start), start)
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

import aiosqlite

from bot.core.clock import utcnow
from bot.insights import asked, members
from bot.insights.model import OUTCOMES, Channel, Day, Insights, Period, Waiting
from bot.insights.stats import durations, rate, utc

WAITING = 5  # oldest unanswered questions listed


async def compute(
    conn: aiosqlite.Connection,
    community_id: int,
    period: Period,
    *,
    claim_sla_minutes: int,
    timezone: str,
    now: datetime | None = None,
    table: bool = False,
) -> Insights:
    """Every figure of one community over one period, and over the period just before it
    (see the module docstring); `table` adds the per-question table (for the CSV)."""
    start, end = utc(period.start), utc(period.end)
    at = utc(now or utcnow())
    before = Period(start - (end - start), start)
    previous, _ = await _one(conn, community_id, before, claim_sla_minutes, timezone, at, False)
    current, rows = await _one(conn, community_id, period, claim_sla_minutes, timezone, at, True)
    questions = [row.table_row() for row in sorted(rows, key=_asked)] if table else []
    return replace(current, previous=previous, questions=questions)


async def _one(
    conn: aiosqlite.Connection,
    community_id: int,
    period: Period,
    claim_sla_minutes: int,
    timezone: str,
    now: datetime,
    detail: bool,
) -> tuple[Insights, list[asked.Asked]]:
    """The figures of one period and its question rows; without `detail`, no lists
    (rankings, channels, days)."""
    start, end = utc(period.start), utc(period.end)
    rows = await asked.fetch(conn, community_id, start, end)
    people = await members.compute(conn, community_id, start, end, rankings=detail)
    # Medians and local days over a month of questions take ~85 ms: not on the event loop.
    figures = await asyncio.to_thread(
        _assemble, period, rows, people, claim_sla_minutes, timezone, now, detail
    )
    return figures, rows


def _assemble(
    period: Period,
    rows: list[asked.Asked],
    people: members.People,
    claim_sla_minutes: int,
    timezone: str,
    now: datetime,
    detail: bool = True,
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
        first_helpful=durations(w for row in rows if (w := row.helpful_wait) is not None),
        solution=durations(w for row in rows if (w := row.solution_wait) is not None),
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
        superfans=people.superfans if detail else [],
        superfan_share=people.superfan_share,
        influencers=people.influencers,
        helpers=people.helpers,
        channels=channels(rows) if detail else [],
        waiting=waiting(rows, now) if detail else [],
        days=days(rows, start, end, ZoneInfo(timezone)) if detail else [],
    )


def _asked(row: asked.Asked) -> tuple[datetime, int]:
    return row.created, row.number


def sla(rows: list[asked.Asked], limit: timedelta, now: datetime) -> tuple[int, int]:
    """(escalations counted, met): one staff never had to act on, or an unanswered one inside
    its SLA, can't be judged."""
    total = met = 0
    for row in rows:
        if row.escalated is None:
            continue
        response = row.staff_response
        if response is not None:
            total += 1
            met += response - row.escalated <= limit
        elif row.escalation_status != "closed" and now - row.escalated > limit:
            total += 1
    return total, met


def channels(rows: list[asked.Asked]) -> list[Channel]:
    """One Channel per help channel asked in, most questions first."""
    by_channel: defaultdict[str, list[asked.Asked]] = defaultdict(list)
    for row in rows:
        by_channel[row.channel_id].append(row)
    result = []
    for channel_id, mine in by_channel.items():
        waits = [w for row in mine if (w := row.wait) is not None]
        solved = sum(row.resolution is not None for row in mine)
        result.append(
            Channel(
                channel_id,
                len(mine),
                len(waits),
                rate(len(waits), len(mine)),
                median(waits) if waits else None,
                solved,
                rate(solved, len(mine)),
            )
        )
    return sorted(result, key=lambda c: (-c.asked, c.channel_id))


def waiting(rows: list[asked.Asked], now: datetime) -> list[Waiting]:
    """The oldest questions still unanswered now, oldest first."""
    unanswered = sorted((r for r in rows if r.outcome == "unanswered"), key=_asked)
    return [
        Waiting(r.number, r.channel_id, r.created, (now - r.created).total_seconds())
        for r in unanswered[:WAITING]
    ]


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
        waits = [w for row in mine if (w := row.wait) is not None]
        result.append(Day(day, len(mine), outcomes, median(waits) if waits else None))
    return result
