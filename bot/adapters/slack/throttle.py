"""Posting within Slack's pace: about one message per second per channel, short bursts
allowed. Waiting callers of one process queue in order.

The pace is a rate with a burst (GCRA: each message takes the channel's next slot; a slot up
to BURST ahead of now goes at once). One process keeps it in memory. Processes sharing a
PostgreSQL database keep it there (bot.storage.post_pace), since Slack counts the app's
messages whichever worker posts them: N workers each keeping their own pace posted up to N
a second in a busy channel.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.storage import post_pace
from bot.storage.store import Store

BURST = 4  # messages a quiet channel takes at once (a question's intro and suggestions)
PER_SECOND = 1.0
INTERVAL = 1.0 / PER_SECOND


class Throttle:
    """Per-channel pace on the monotonic clock, or on the wall clock in a shared store (not
    the app's clock: tests and the demo jump the app's clock, Slack's limits run in real
    time)."""

    def __init__(
        self,
        now: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        *,
        shared: Store | None = None,
    ) -> None:
        # Across processes only the wall clock is common; alone, the monotonic one is safer.
        self._now = now or (time.time if shared is not None else time.monotonic)
        self._sleep, self._shared = sleep, shared
        self._next: dict[str, float] = {}  # channel -> its next free slot (in memory)
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait(self, channel: str) -> None:
        """Return when one more message may be posted in `channel`."""
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            now = self._now()
            following = await self._reserve(channel, now)
            start = following - BURST * INTERVAL  # this message's slot, less the burst allowed
            if start > now:
                await self._sleep(start - now)

    async def _reserve(self, channel: str, now: float) -> float:
        """Take the next slot; when the slot after it starts."""
        if self._shared is not None:
            async with self._shared.unlocked() as conn:
                return await post_pace.reserve(conn, channel, now, INTERVAL)
        following = max(self._next.get(channel, now), now) + INTERVAL
        self._next[channel] = following
        return following
