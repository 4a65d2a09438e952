"""Small arithmetic for the figures: rates, linear percentiles, duration summaries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from bot.insights.model import Durations


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def quantile(ordered: list[float], q: float) -> float:
    """The q-quantile of sorted values, interpolated linearly between the closest ranks
    (numpy's default, Excel's PERCENTILE.INC): position q × (n − 1) from the smallest."""
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def durations(seconds: Iterable[float]) -> Durations:
    """Count, median and 90th percentile (None when empty)."""
    ordered = sorted(seconds)
    if not ordered:
        return Durations()
    return Durations(len(ordered), quantile(ordered, 0.5), quantile(ordered, 0.9))


def utc(moment: datetime) -> datetime:
    """An aware UTC time (a naive one is taken as UTC, as the bot stores times)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def stamp(moment: datetime) -> str:
    """A bound comparable with stored times: they are `isoformat()` of UTC datetimes, whose
    text order is time order (same '+00:00' offset; '+' sorts before '.' of microseconds)."""
    return utc(moment).isoformat()
