"""Why a script line can't be played, and the checks that don't need the community."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.clock import MAX_DURATION, DurationError, parse_duration

# Far enough for any script, and far from year 9999, where adding a week to a date
# (timers, leaderboard periods) would overflow.
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class ScriptError(Exception):
    """A script line that can't be played; `key` names the catalogue message."""

    def __init__(self, key: str, /, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def wait_length(duration: str, now: datetime) -> timedelta:
    """How far `wait DURATION` moves the clock from `now`; ScriptError if it can't."""
    try:
        delta = parse_duration(duration)
    except DurationError as exc:
        if exc.reason == "too_long":
            days = str(MAX_DURATION.days)
            raise ScriptError("console.wait_too_long", value=duration, days=days) from None
        raise ScriptError("console.bad_wait", value=duration) from None
    if now + delta >= LATEST:
        raise ScriptError("console.wait_too_far", year=str(LATEST.year))
    return delta
