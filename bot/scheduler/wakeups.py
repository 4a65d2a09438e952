"""Periodic checks driven by APScheduler 3.x in real time and by the clock when time jumps.

Each check asks the database what is due at `now` and does it idempotently, so a check that
runs twice (a tick and a clock jump at once, a restart) changes nothing twice, and work that
came due while the bot was down is done at start-up. APScheduler's defaults would skip jobs
missed for more than a second (misfire_grace_time=1); here a missed tick is simply coalesced
into the next one, since the check itself catches up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.clock import Clock

log = logging.getLogger(__name__)

Check = Callable[[datetime], Awaitable[None]]
Job = Callable[[], Awaitable[object]]
TICK_SECONDS = 60


class Wakeups:
    """Runs registered checks every tick (a minute by default), after every clock jump,
    and once at start."""

    def __init__(self, clock: Clock, *, tick_seconds: int = TICK_SECONDS) -> None:
        self.clock = clock
        self.tick_seconds = tick_seconds
        self._checks: dict[str, Check] = {}
        self._scheduler: AsyncIOScheduler | None = None
        self._lock = asyncio.Lock()
        self._early: list[tuple[datetime, Callable[[], Awaitable[None]]]] = []
        self._jobs: dict[str, tuple[int, Job]] = {}
        self.started = False
        clock.on_advance(self.run_all)

    def every_tick(self, name: str, check: Check) -> None:
        """Register (or replace) a check."""
        self._checks[name] = check

    def every(self, name: str, seconds: int, job: Job) -> None:
        """Also run `job` every `seconds` of real time once started, apart from the ticks and
        clock jumps (e.g. following what another process sharing the database changed)."""
        self._jobs[name] = (seconds, job)

    def at(self, when: datetime, wake: Callable[[], Awaitable[None]]) -> None:
        """Also wake up at `when` (real time), e.g. for a timer due before the next tick."""
        if self._scheduler is None:
            self._early.append((when, wake))
            return
        # A date already past runs at once: no misfire grace applies to a fresh job.
        self._scheduler.add_job(
            wake,
            DateTrigger(run_date=max(when, datetime.now(UTC))),
            misfire_grace_time=None,
            coalesce=True,
        )

    async def start(self) -> None:
        """Catch up on what came due while the bot was down, then tick every minute."""
        self.started = True
        await self.run_all(self.clock.now())
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.add_job(
            self._tick,
            IntervalTrigger(seconds=self.tick_seconds),
            id="wakeups",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        for name, (seconds, job) in self._jobs.items():
            self._scheduler.add_job(
                self._guarded(name, job),
                IntervalTrigger(seconds=seconds),
                id=name,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
            )
        self._scheduler.start()
        for when, wake in self._early:
            self.at(when, wake)
        self._early.clear()

    @staticmethod
    def _guarded(name: str, job: Job) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            try:
                await job()
            except Exception:
                log.exception("periodic job %s failed", name)

        return run

    async def _tick(self) -> None:
        await self.run_all(self.clock.now())

    async def run_all(self, now: datetime) -> None:
        """Run every check once; one failing check is logged and doesn't stop the others."""
        async with self._lock:
            for name, check in list(self._checks.items()):
                try:
                    await check(now)
                except Exception:
                    log.exception("scheduled check %s failed at %s", name, now.isoformat())

    def stop(self) -> None:
        """Stop ticking (idempotent)."""
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
