"""Which window of the ledger a leaderboard covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.periods import latest_period, month_start, week_start


@dataclass(frozen=True)
class Window:
    """[start, end) of a leaderboard; start None means all time, end None up to now."""

    name: str
    start: datetime | None
    end: datetime | None


def on_demand(name: str, now: datetime, timezone: str) -> Window:
    """This week or month so far, or all time."""
    if name == "month":
        return Window(name, month_start(now, timezone), None)
    if name == "all":
        return Window(name, None, None)
    return Window("week", week_start(now, timezone), None)


def scheduled(cron: str, timezone: str, now: datetime) -> Window | None:
    """The period the latest scheduled run covers (missed runs coalesce into one post)."""
    period = latest_period(cron, timezone, now)
    return None if period is None else Window("scheduled", *period)
