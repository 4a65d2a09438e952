"""Posting within Slack's pace: about one message per second per channel, short bursts
allowed. A token bucket per channel; waiting callers queue in order."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

BURST = 4  # messages a quiet channel takes at once (a question's intro and suggestions)
PER_SECOND = 1.0


class Throttle:
    """Per-channel token buckets on the monotonic clock (not the app's clock: tests and the
    demo jump the app's clock, Slack's limits run in real time)."""

    def __init__(
        self,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._now, self._sleep = now, sleep
        self._buckets: dict[str, tuple[float, float]] = {}  # channel -> (tokens, when)
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait(self, channel: str) -> None:
        """Return when one more message may be posted in `channel`."""
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            tokens, when = self._buckets.get(channel, (float(BURST), self._now()))
            now = self._now()
            tokens = min(float(BURST), tokens + (now - when) * PER_SECOND)
            if tokens < 1.0:
                await self._sleep((1.0 - tokens) / PER_SECOND)
                now, tokens = self._now(), 1.0
            self._buckets[channel] = (tokens - 1.0, now)
