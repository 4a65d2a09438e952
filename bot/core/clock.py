"""The one clock: real time in production, driven time in tests and the demo."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

AdvanceListener = Callable[[datetime], Awaitable[None]]
# Given (now, target), the earliest moment strictly between them when something is due.
StopFinder = Callable[[datetime, datetime], Awaitable[datetime | None]]


def utcnow() -> datetime:
    """Current real time, timezone-aware UTC."""
    return datetime.now(UTC)


class Clock:
    """Real time plus an offset that `advance` moves forward.

    With `frozen=True` time stands still between advances, which makes scripts and tests
    deterministic; otherwise it runs with the wall clock (interactive console, production).
    """

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        self._frozen = frozen
        self._start = start or utcnow()
        self._real_start = utcnow()
        self._offset = timedelta()
        self._listeners: list[AdvanceListener] = []
        self._stop_finders: list[StopFinder] = []

    def now(self) -> datetime:
        """The current time, UTC."""
        base = self._start if self._frozen else self._start + (utcnow() - self._real_start)
        return base + self._offset

    def on_advance(self, listener: AdvanceListener) -> None:
        """Call `listener(now)` after every advance (timers use it to fire what came due)."""
        self._listeners.append(listener)

    def stop_at(self, finder: StopFinder) -> None:
        """While jumping, also stop at the moments `finder` names (the next due timer).

        Why: a jump of a day must not fire a 15-minute nudge a day late. Stopping at each due
        moment runs it at its own time, so what it says and records ("no answer for 15 min",
        when an escalation opened) is what a bot running in real time would say and record.
        """
        self._stop_finders.append(finder)

    async def advance(self, delta: timedelta) -> datetime:
        """Jump forward by `delta`, stopping at each due moment on the way, and let listeners
        catch up at every stop."""
        if delta < timedelta():
            raise ValueError("time only moves forward")
        target = self.now() + delta
        while (stop := await self._next_stop(target)) is not None:
            await self._move_to(stop)
        return await self._move_to(target)

    async def _next_stop(self, target: datetime) -> datetime | None:
        now = self.now()
        stops = []
        for finder in self._stop_finders:
            found = await finder(now, target)
            if found is not None and now < found < target:
                stops.append(found)
        return min(stops, default=None)

    async def _move_to(self, when: datetime) -> datetime:
        # Never backwards: a running (unfrozen) clock may already be past `when`.
        self._offset += max(timedelta(), when - self.now())
        now = self.now()
        for listener in list(self._listeners):
            await listener(now)
        return now


# A `wait` (or any typed duration) moves the clock at most this far at once: past it, dates
# would soon leave what datetime can hold (year 9999) and no script needs more.
MAX_DURATION = timedelta(days=365)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class DurationError(ValueError):
    """A duration that can't be used: `reason` is "format" (not like 20m) or "too_long"."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"bad duration {text!r} ({reason})")
        self.text = text
        self.reason = reason


def parse_duration(text: str, limit: timedelta = MAX_DURATION) -> timedelta:
    """Parse '20m', '90s', '2h', '1d' (or a sum like '1h30m') into a timedelta of at most
    `limit`; raises DurationError. Only ASCII digits count ('²' is no 2)."""
    seconds = 0
    number = ""
    seen = False
    for ch in text.strip().lower():
        if ch in "0123456789":
            number += ch
        elif ch in _UNITS and number:
            # Checked before int(): a 5,000-digit number is too long, not a ValueError.
            if len(number.lstrip("0")) > 12:
                raise DurationError(text, "too_long")
            seconds += int(number) * _UNITS[ch]
            number = ""
            seen = True
        else:
            raise DurationError(text, "format")
    if number or not seen:
        raise DurationError(text, "format")
    if seconds > limit.total_seconds():
        raise DurationError(text, "too_long")
    return timedelta(seconds=seconds)
