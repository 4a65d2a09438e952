"""The one clock: real time in production, driven time in tests and the demo."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

AdvanceListener = Callable[[datetime], Awaitable[None]]


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

    def now(self) -> datetime:
        """The current time, UTC."""
        base = self._start if self._frozen else self._start + (utcnow() - self._real_start)
        return base + self._offset

    def on_advance(self, listener: AdvanceListener) -> None:
        """Call `listener(now)` after every advance (timers use it to fire what came due)."""
        self._listeners.append(listener)

    async def advance(self, delta: timedelta) -> datetime:
        """Jump forward by `delta` and let listeners catch up."""
        if delta < timedelta():
            raise ValueError("time only moves forward")
        self._offset += delta
        now = self.now()
        for listener in list(self._listeners):
            await listener(now)
        return now


def parse_duration(text: str) -> timedelta:
    """Parse '20m', '90s', '2h', '1d' (or a sum like '1h30m') into a timedelta."""
    units = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
    total = timedelta()
    number = ""
    seen = False
    for ch in text.strip().lower():
        if ch.isdigit():
            number += ch
        elif ch in units and number:
            total += timedelta(**{units[ch]: int(number)})
            number = ""
            seen = True
        else:
            raise ValueError(f"bad duration {text!r}: use e.g. 90s, 20m, 2h, 1d")
    if number or not seen:
        raise ValueError(f"bad duration {text!r}: use e.g. 90s, 20m, 2h, 1d")
    return total
