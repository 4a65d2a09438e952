"""Which window of the ledger a leaderboard covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.periods import cron_fires, month_start, week_start

LOOKBACK = timedelta(days=35)  # a monthly cron still finds its previous run


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
    """The period the latest scheduled run covers: from the run before it to that run.

    Only the latest run counts, so runs missed during downtime coalesce into one post.
    """
    fires = cron_fires(cron, timezone, now - LOOKBACK, now)
    if not fires:
        return None
    end = fires[-1]
    start = fires[-2] if len(fires) > 1 else end - timedelta(days=7)
    return Window("scheduled", start, end)
