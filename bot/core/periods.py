"""Calendar windows in a community's time zone: today, this week, this month, cron periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


def _local(at: datetime, timezone: str) -> datetime:
    return at.astimezone(ZoneInfo(timezone))


def day_start(at: datetime, timezone: str) -> datetime:
    """Midnight of `at`'s day in the community's time zone, as UTC."""
    local = _local(at, timezone).replace(hour=0, minute=0, second=0, microsecond=0)
    return local.astimezone(UTC)


def week_start(at: datetime, timezone: str) -> datetime:
    """Monday 00:00 of `at`'s week in the community's time zone, as UTC."""
    local = _local(at, timezone)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday.astimezone(UTC)


def month_start(at: datetime, timezone: str) -> datetime:
    """The 1st, 00:00, of `at`'s month in the community's time zone, as UTC."""
    local = _local(at, timezone).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return local.astimezone(UTC)


def cron_fires(cron: str, timezone: str, after: datetime, until: datetime) -> list[datetime]:
    """Fire times of a crontab line in (after, until], as UTC, oldest first."""
    from apscheduler.triggers.cron import CronTrigger

    trigger = CronTrigger.from_crontab(cron, timezone=ZoneInfo(timezone))
    fires: list[datetime] = []
    previous = None
    current = after
    while True:
        fire = trigger.get_next_fire_time(previous, current + timedelta(microseconds=1))
        if fire is None or fire > until:
            return fires
        fires.append(fire.astimezone(UTC))
        previous, current = fire, fire
        if len(fires) > 10_000:  # a cron firing every minute for a week: stop early
            return fires


LOOKBACK = timedelta(days=35)  # a monthly cron still finds its previous run


def latest_period(cron: str, timezone: str, now: datetime) -> tuple[datetime, datetime] | None:
    """The period the latest run of a schedule covers: from the run before it to that run.

    Only the latest run counts, so runs missed during downtime coalesce into one.
    """
    fires = cron_fires(cron, timezone, now - LOOKBACK, now)
    if not fires:
        return None
    end = fires[-1]
    return (fires[-2] if len(fires) > 1 else end - timedelta(days=7)), end
