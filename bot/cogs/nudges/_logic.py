"""Who may be nudged right now: opt-outs, quiet hours, daily limits, earlier answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.storage.nudges import Prefs

QUIET_RE = re.compile(r"^(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?$")

# Why a candidate is skipped (keys of nudges.skip_* messages, shown by /experts).
ASKER = "asker"
OPTED_OUT = "opted_out"
QUIET = "quiet"
DAILY_LIMIT = "daily_limit"
ALREADY = "already"


@dataclass(frozen=True)
class Candidate:
    """A member the expertise model ranked for a question, and what the rules say."""

    member_id: int
    external_id: str
    score: float
    evidence: str
    skip: str | None = None


def parse_quiet(text: str) -> tuple[int, int] | None:
    """'22-7' or '22:30-07:00' → minutes after midnight (from, to); None if malformed."""
    found = QUIET_RE.match(text.replace(" ", ""))
    if not found:
        return None
    h1, m1, h2, m2 = (int(g) if g else 0 for g in found.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) == (h2, m2):
        return None
    return h1 * 60 + m1, h2 * 60 + m2


def in_quiet_hours(prefs: Prefs, now: datetime, timezone: str) -> bool:
    """Whether `now` falls in the member's quiet hours (which may wrap past midnight)."""
    if prefs.quiet_from is None or prefs.quiet_to is None:
        return False
    local = now.astimezone(ZoneInfo(timezone))
    minute = local.hour * 60 + local.minute
    start, end = prefs.quiet_from, prefs.quiet_to
    return start <= minute < end if start < end else minute >= start or minute < end


def skip_reason(
    member_id: int,
    *,
    asker_id: int | None,
    prefs: Prefs,
    sent_today: int,
    daily_limit: int,
    already: set[int],
    now: datetime,
    timezone: str,
) -> str | None:
    """Why this member must not be nudged now, or None."""
    if member_id == asker_id:
        return ASKER
    if prefs.mode == "off":
        return OPTED_OUT
    if member_id in already:
        return ALREADY
    if sent_today >= daily_limit:
        return DAILY_LIMIT
    if in_quiet_hours(prefs, now, timezone):
        return QUIET
    return None
