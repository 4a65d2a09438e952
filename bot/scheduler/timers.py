"""Durable timers: rows in the database, fired by APScheduler, by the minute tick, or by a
clock jump, whichever comes first, and each action run to completion exactly once.

Why not APScheduler's job store: a one-off job leaves the store when it *starts*, so a crash
mid-action loses it, and `misfire_grace_time` (1 s by default) silently drops jobs that came
due while the bot was down. Here a timer is marked done only after its handler returned; at
start every pending timer is re-armed and the overdue ones fire at once. A handler may run
again after a crash between its action and the 'done' mark, so handlers are idempotent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.core.clock import Clock, utcnow
from bot.scheduler.wakeups import Wakeups
from bot.storage import timers as rows
from bot.storage.db import Database
from bot.storage.timers import Timer

log = logging.getLogger(__name__)

Handler = Callable[[Timer], Awaitable[None]]
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))


class Timers:
    """Schedule, cancel and fire durable timers; features register one handler per kind."""

    def __init__(self, db: Database, clock: Clock, wakeups: Wakeups) -> None:
        self.db = db
        self.clock = clock
        self.wakeups = wakeups
        self._handlers: dict[str, Handler] = {}
        self._running: set[int] = set()
        self._lock = asyncio.Lock()
        wakeups.every_minute("timers", self.fire_due)
        clock.stop_at(self.next_due)

    def handle(self, kind: str, handler: Handler) -> None:
        """Register what runs when a timer of `kind` comes due."""
        self._handlers[kind] = handler

    async def schedule(
        self,
        tx: aiosqlite.Connection,
        community_id: int,
        kind: str,
        key: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Write a timer in the caller's transaction, then arm the scheduler for it."""
        await rows.schedule(tx, community_id, kind, key, due_at, payload or {}, self.clock.now())
        self._arm(due_at)

    async def cancel(
        self, tx: aiosqlite.Connection, community_id: int, kind: str, key: str
    ) -> bool:
        """Cancel in the caller's transaction: a database change first, nothing else needed."""
        return await rows.cancel(tx, community_id, kind, key, self.clock.now())

    async def next_due(self, after: datetime, until: datetime) -> datetime | None:
        """The first moment a pending timer falls due in (after, until] (clock jumps stop there)."""
        async with self.db.read() as conn:
            return await rows.next_due(conn, after, until)

    async def start(self) -> None:
        """Re-arm every pending timer (the overdue ones fire on the start-up wake-up)."""
        async with self.db.read() as conn:
            for timer in await rows.pending(conn):
                self._arm(timer.due_at)

    def _arm(self, due_at: datetime) -> None:
        # The clock may run ahead of real time (demo, console `wait`): convert to real time.
        real = due_at - (self.clock.now() - utcnow())
        self.wakeups.at(real, self._fire_now)

    async def _fire_now(self) -> None:
        await self.fire_due(self.clock.now())

    async def fire_due(self, now: datetime) -> None:
        """Run every timer due at `now`, each once; failures are retried later."""
        async with self._lock:
            async with self.db.read() as conn:
                due = [t for t in await rows.due(conn, now) if t.id not in self._running]
            for timer in due:
                self._running.add(timer.id)
                try:
                    await self._run(timer)
                finally:
                    self._running.discard(timer.id)

    async def _run(self, timer: Timer) -> None:
        handler = self._handlers.get(timer.kind)
        if handler is None:
            log.error(
                "timer %s (%s %s) has no handler; marked failed", timer.id, timer.kind, timer.key
            )
            async with self.db.transaction() as tx:
                await rows.finish(tx, timer.id, "failed", self.clock.now())
            return
        try:
            await handler(timer)
        except Exception as exc:
            await self._failed(timer, exc)
            return
        async with self.db.transaction() as tx:
            await rows.finish(tx, timer.id, "done", self.clock.now())

    async def _failed(self, timer: Timer, exc: Exception) -> None:
        now = self.clock.now()
        if timer.attempts >= len(RETRY_AFTER):
            log.exception("timer %s (%s %s) failed for good", timer.id, timer.kind, timer.key)
            async with self.db.transaction() as tx:
                await rows.retry(tx, timer.id, now, repr(exc))
                await rows.finish(tx, timer.id, "failed", now)
            return
        later = now + RETRY_AFTER[timer.attempts]
        log.warning(
            "timer %s (%s %s) failed (%r); retrying at %s",
            timer.id,
            timer.kind,
            timer.key,
            exc,
            later.isoformat(),
        )
        async with self.db.transaction() as tx:
            await rows.retry(tx, timer.id, later, repr(exc))
        self._arm(later)
