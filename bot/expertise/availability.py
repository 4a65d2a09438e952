"""Who may be asked right now: opt-outs, quiet hours, daily limits, earlier nudges."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.storage.nudges import Prefs

# Why a candidate is skipped (keys of nudges.skip_* messages, shown by /experts).
ASKER = "asker"
OPTED_OUT = "opted_out"
QUIET = "quiet"
DAILY_LIMIT = "daily_limit"
ALREADY = "already"


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
