"""Durable timers: rows in the database, fired by APScheduler, by the periodic tick, or by a
clock jump, whichever comes first, and each action run to completion exactly once.

Why not APScheduler's job store: a one-off job leaves the store when it *starts*, so a crash
mid-action loses it, and `misfire_grace_time` (1 s by default) silently drops jobs that came
due while the bot was down. Here a timer is marked done only after its handler returned; at
start every pending timer is re-armed and the overdue ones fire at once. A handler may run
again after a crash between its action and the 'done' mark, so handlers are idempotent.

When they fire: only once every platform of the process is ready (Discord's READY, Slack
listening; App.platforms_ready starts the wake-ups). Before that a send has no connection to
go through: on Discord an escalation that came due while the bot was down used to fail at
start, and a few quick restarts used up its retries, so overdue nudges and escalations were
lost. In the console, the demo and tests the wake-ups start with the app.

When a handler fails, retry.py decides by what failed:
- the platform wasn't ready (NotReady: reconnecting): tried again in 30 s, and the try doesn't
  count, since nothing was wrong with the timer;
- a failure that heals by itself (network, timeouts, HTTP 5xx, 429): backoff from 1 minute to
  hourly tries, more than 24 hours in all, so an outage of a platform or of the network for a
  day loses no escalation;
- anything else (a bug, a refused permission, a deleted channel): 1, 5 and 30 minutes, since
  trying for a day would only repeat the error.
Giving up is logged as an error naming the timer's kind, key, community and payload (the
question), so an operator can act on it by hand.

Several processes may share one database (PostgreSQL, README "Running at scale"): each claims
a due timer before running it, with a lease (LEASE) in the row. The others skip a leased
timer; if its process dies before the timer is finished, the lease runs out and the next
tick of another process fires it ([scheduler] lease_seconds and tick_seconds). A process
stopping gives its leases back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.core.clock import Clock, utcnow
from bot.scheduler.retry import Failure, classify, retry_after
from bot.scheduler.wakeups import Wakeups
from bot.storage import communities
from bot.storage import timers as rows
from bot.storage.scope import writing_for
from bot.storage.store import Store
from bot.storage.timers import Timer

log = logging.getLogger(__name__)

Handler = Callable[[Timer], Awaitable[None]]
# The default of [scheduler] lease_seconds (bot.settings.model.SchedulerSettings says why).
LEASE = timedelta(minutes=2)


class Timers:
    """Schedule, cancel and fire durable timers; features register one handler per kind."""

    def __init__(
        self,
        db: Store,
        clock: Clock,
        wakeups: Wakeups,
        *,
        lease: timedelta = LEASE,
        serves: Callable[[int], Awaitable[bool]] | None = None,
    ) -> None:
        self.db = db
        # Whether this process serves a community (its platform, its shard): another process
        # sharing the database fires the others' timers. None: every community.
        self.serves = serves
        self.clock = clock
        self.wakeups = wakeups
        self.lease = lease
        # Who holds a lease: this process (several may share a PostgreSQL database).
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._handlers: dict[str, Handler] = {}
        self._running: set[int] = set()
        self._lock = asyncio.Lock()
        wakeups.every_tick("timers", self.fire_due)
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
                if self.serves is not None and not await self.serves(timer.community_id):
                    continue  # another process's platform or shard
                with writing_for(timer.community_id):  # its community's lock, not everyone's
                    if not await self._claim(timer, now):
                        continue  # another process took it first
                    self._running.add(timer.id)
                    try:
                        await self._run(timer)
                    finally:
                        self._running.discard(timer.id)

    async def _claim(self, timer: Timer, now: datetime) -> bool:
        async with self.db.transaction() as tx:
            return await rows.claim(tx, timer.id, self.owner, now, now + self.lease)

    async def release(self) -> None:
        """Give back this process's leases (stopping: another process, or the next start,
        may fire those timers at once instead of after the lease)."""
        async with self.db.transaction() as tx:
            released = await rows.release(tx, self.owner)
        if released:
            log.info("released %d timer leases", released)

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
        failure = classify(exc)
        wait = retry_after(failure, timer.attempts)
        if wait is None:
            await self._give_up(timer, exc, failure)
            return
        later = now + wait
        async with self.db.transaction() as tx:
            if failure is Failure.NOT_READY:  # not the timer's fault: not a try
                await rows.postpone(tx, timer.id, later, repr(exc))
            else:
                await rows.retry(tx, timer.id, later, repr(exc))
        log.warning(
            "timer %s (%s %s) failed, %s (%r); trying again at %s",
            timer.id,
            timer.kind,
            timer.key,
            failure.value,
            exc,
            later.isoformat(),
        )
        self._arm(later)

    async def _give_up(self, timer: Timer, exc: Exception, failure: Failure) -> None:
        now = self.clock.now()
        async with self.db.transaction() as tx:
            await rows.retry(tx, timer.id, now, repr(exc))
            await rows.finish(tx, timer.id, "failed", now)
        async with self.db.read() as conn:
            community = await communities.by_id(conn, timer.community_id)
        log.error(
            "timer %s given up after %d tries (%s failure): %s %s in community %s, payload %s",
            timer.id,
            timer.attempts + 1,
            failure.value,
            timer.kind,
            timer.key,
            community.key if community else timer.community_id,
            timer.payload,
            exc_info=exc,
        )
