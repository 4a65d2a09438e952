"""Several processes on one database (issue 19): a due timer fires once, whichever process
ticks; one whose process died holding it fires from another once its lease ran out; a
process that stops gives its leases back. (Two bots on one database file stand for two
processes; with TEST_DATABASE_BACKEND=postgresql, on one PostgreSQL schema.)"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.core.clock import Clock
from bot.runtime.app import App
from bot.scheduler.timers import LEASE
from bot.storage import timers as rows
from bot.storage.timers import Timer
from tests.fakes.console import START
from tests.scheduler.test_timers import Recorder, bot, schedule, status

DUE = START + timedelta(minutes=15)


class SlowRecorder(Recorder):
    """A handler that takes a moment, as a send does: both processes see the timer due."""

    async def __call__(self, timer: Timer) -> None:
        await asyncio.sleep(0.05)
        await super().__call__(timer)


async def test_two_processes_ticking_together_fire_a_due_timer_once(tmp_path: Path) -> None:
    first, second = SlowRecorder(), SlowRecorder()
    async with bot(tmp_path / "shared.db", first) as a, bot(tmp_path / "shared.db", second) as b:
        await schedule(a, "question:1", timedelta(minutes=15))
        await asyncio.gather(a.timers.fire_due(DUE), b.timers.fire_due(DUE))
        await asyncio.gather(a.timers.fire_due(DUE), b.timers.fire_due(DUE))  # and again
        assert len(first.fired) + len(second.fired) == 1
        assert await status(a) == [("question:1", "done", 0)]


async def test_a_timer_held_by_a_dead_process_fires_once_its_lease_has_run_out(
    tmp_path: Path,
) -> None:
    """Another process claimed it, then died (kill -9: no release): skipped until the lease
    ends, then fired once by the survivor."""
    survivor = Recorder()
    async with bot(tmp_path / "shared.db", survivor) as app:
        await schedule(app, "question:1", timedelta(minutes=15))
        [timer] = [t for t in await pending(app) if t.key == "question:1"]
        async with app.db.transaction() as tx:
            assert await rows.claim(tx, timer.id, "gone:4242:dead", DUE, DUE + LEASE)
        await app.timers.fire_due(DUE + LEASE - timedelta(seconds=1))
        assert survivor.fired == []
        await app.timers.fire_due(DUE + LEASE)
        await app.timers.fire_due(DUE + LEASE + timedelta(minutes=1))
        assert [key for key, _, _ in survivor.fired] == ["question:1"]
        assert await status(app) == [("question:1", "done", 0)]


async def test_a_process_that_stops_gives_its_leases_back(tmp_path: Path) -> None:
    """A graceful stop mid-timer: the next process fires it at once, not after the lease."""
    leaving, staying = Recorder(), Recorder()
    async with bot(tmp_path / "shared.db", staying) as b:
        async with bot(tmp_path / "shared.db", leaving) as a:
            await schedule(a, "question:1", timedelta(minutes=15))
            [timer] = [t for t in await pending(a) if t.key == "question:1"]
            async with a.db.transaction() as tx:
                assert await rows.claim(tx, timer.id, a.timers.owner, DUE, DUE + LEASE)
        await b.timers.fire_due(DUE)
        assert [key for key, _, _ in staying.fired] == ["question:1"]
        assert leaving.fired == []


async def pending(app: object) -> list[Timer]:
    async with app.db.read() as conn:  # type: ignore[attr-defined]
        return await rows.pending(conn)


async def test_a_process_leaves_the_timers_of_communities_it_does_not_serve(
    tmp_path: Path,
) -> None:
    """A process on another platform (here: none attached) sharing the database skips the
    console community's timer, without claiming it; the console's process fires it."""
    console, other = Recorder(), Recorder()
    async with bot(tmp_path / "shared.db", console) as serving:
        elsewhere = App(
            serving.settings, clock=Clock(START, frozen=True), db_path=tmp_path / "shared.db"
        )
        other.clock = elsewhere.clock
        elsewhere.timers.handle("test", other)
        await elsewhere.start()
        try:
            await schedule(serving, "question:1", timedelta(minutes=15))
            await elsewhere.timers.fire_due(DUE)
            assert other.fired == []
            assert await status(serving) == [("question:1", "pending", 0)]
            await serving.timers.fire_due(DUE)
            assert [key for key, _, _ in console.fired] == ["question:1"]
        finally:
            await elsewhere.stop()
