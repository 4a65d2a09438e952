"""Durable timers: due on time, cancelled in the database, exactly once across restarts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

from bot.adapters.console.adapter import COMMUNITY
from bot.core.clock import Clock
from bot.runtime.app import App
from bot.storage.timers import Timer
from tests import queries as q
from tests.fakes.console import START, console_community
from tests.fakes.waiting import until


class Recorder:
    """A timer handler that remembers what fired, and can be told to fail first."""

    def __init__(self, failures: int = 0) -> None:
        self.fired: list[tuple[str, datetime, dict[str, object]]] = []
        self.failures = failures
        self.event = asyncio.Event()
        self.clock: Clock | None = None

    async def __call__(self, timer: Timer) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("platform unavailable")
        assert self.clock is not None
        self.fired.append((timer.key, self.clock.now(), timer.payload))
        self.event.set()


@asynccontextmanager
async def bot(
    db: Path, recorder: Recorder, start: datetime = START, *, frozen: bool = True
) -> AsyncIterator[App]:
    """A started bot whose 'test' timers go to `recorder` (registered before start)."""

    def register(app: App) -> None:
        recorder.clock = app.clock
        app.timers.handle("test", recorder)

    async with console_community(db, start=start, before_start=register, frozen=frozen) as driver:
        yield driver.app


async def schedule(app: App, key: str, delay: timedelta, **payload: object) -> None:
    """A 'test' timer `delay` from now."""
    community_id = await app.community_id(COMMUNITY)
    async with app.db.transaction() as tx:
        await app.timers.schedule(
            tx, community_id, "test", key, app.clock.now() + delay, dict(payload)
        )


async def status(app: App) -> list[tuple[str, str, int]]:
    """(key, status, attempts) of every timer."""
    return await q.timers_of_kind(app.db)


async def test_a_timer_fires_when_due_with_its_payload(tmp_path: Path) -> None:
    """Not before its time; at its time, once, with what was stored; then it is done."""
    recorder = Recorder()
    async with bot(tmp_path / "t.db", recorder) as app:
        await schedule(app, "question:1", timedelta(minutes=15), who="bob")
        await app.clock.advance(timedelta(minutes=14))
        assert recorder.fired == []
        await app.clock.advance(timedelta(minutes=1))
        await app.clock.advance(timedelta(hours=1))
        assert recorder.fired == [("question:1", START + timedelta(minutes=15), {"who": "bob"})]
        assert await status(app) == [("question:1", "done", 0)]


async def test_a_cancelled_timer_never_fires(tmp_path: Path) -> None:
    """Cancelling is a database change; the scheduler finds nothing to do."""
    recorder = Recorder()
    async with bot(tmp_path / "t.db", recorder) as app:
        await schedule(app, "question:1", timedelta(minutes=15))
        community_id = await app.community_id(COMMUNITY)
        async with app.db.transaction() as tx:
            assert await app.timers.cancel(tx, community_id, "test", "question:1") is True
        await app.clock.advance(timedelta(hours=1))
        assert recorder.fired == []
        assert await status(app) == [("question:1", "cancelled", 0)]


async def test_scheduling_again_moves_the_pending_timer(tmp_path: Path) -> None:
    """One pending timer per kind and key: the later schedule wins, nothing doubles."""
    recorder = Recorder()
    async with bot(tmp_path / "t.db", recorder) as app:
        await schedule(app, "question:1", timedelta(minutes=15))
        await schedule(app, "question:1", timedelta(minutes=30))
        await app.clock.advance(timedelta(minutes=20))
        assert recorder.fired == []
        await app.clock.advance(timedelta(minutes=10))
        assert [key for key, _, _ in recorder.fired] == ["question:1"]


async def test_timers_due_while_down_fire_once_at_the_next_start(tmp_path: Path) -> None:
    """Stopped with two pending timers, restarted past both: each fires exactly once."""
    db = tmp_path / "t.db"
    async with bot(db, Recorder()) as app:
        await schedule(app, "nudge:1", timedelta(minutes=15))
        await schedule(app, "escalate:1", timedelta(minutes=30))
    later = START + timedelta(hours=2)
    recorder = Recorder()
    async with bot(db, recorder, later) as app:
        assert sorted(key for key, _, _ in recorder.fired) == ["escalate:1", "nudge:1"]
        await app.clock.advance(timedelta(days=1))
        await app.timers.fire_due(app.clock.now())
        assert len(recorder.fired) == 2
    again = Recorder()
    async with bot(db, again, later + timedelta(minutes=5)):
        assert again.fired == []


async def test_a_failing_action_is_retried_then_done(tmp_path: Path) -> None:
    """The platform fails twice: retried after 1 and 5 minutes, done on the third try."""
    recorder = Recorder(failures=2)
    async with bot(tmp_path / "t.db", recorder) as app:
        await schedule(app, "question:1", timedelta(minutes=1))
        await app.clock.advance(timedelta(minutes=1))
        assert await status(app) == [("question:1", "pending", 1)]
        await app.clock.advance(timedelta(minutes=1))
        assert await status(app) == [("question:1", "pending", 2)]
        await app.clock.advance(timedelta(minutes=5))
        assert await status(app) == [("question:1", "done", 2)]
        assert len(recorder.fired) == 1


async def test_an_action_that_keeps_failing_ends_failed(tmp_path: Path) -> None:
    """After the last retry the timer is marked failed, not retried forever."""
    recorder = Recorder(failures=99)
    async with bot(tmp_path / "t.db", recorder) as app:
        await schedule(app, "question:1", timedelta(minutes=1))
        for step in (1, 1, 5, 30):
            await app.clock.advance(timedelta(minutes=step))
        assert await status(app) == [("question:1", "failed", 4)]


async def test_in_real_time_apscheduler_fires_the_timer(tmp_path: Path) -> None:
    """With the wall clock, a timer due in a moment fires without any clock jump."""
    recorder = Recorder()
    async with bot(tmp_path / "t.db", recorder, datetime.now().astimezone(), frozen=False) as app:
        await schedule(app, "question:1", timedelta(milliseconds=200))
        await asyncio.wait_for(recorder.event.wait(), timeout=10)
        assert [key for key, _, _ in recorder.fired] == ["question:1"]

        async def marked_done() -> bool:  # in its own transaction, after the handler
            return await status(app) == [("question:1", "done", 0)]

        await until(marked_done, within=10)


async def test_a_long_jump_fires_each_timer_at_its_own_time(tmp_path: Path) -> None:
    """`wait 1d` in a script: a 15-minute and a 3-hour timer run at 15 min and at 3 h, in
    order, not both a day late (what they say and record is then the real-time truth)."""
    recorder = Recorder()
    async with bot(tmp_path / "t.db", recorder) as app:
        await schedule(app, "later", timedelta(hours=3))
        await schedule(app, "sooner", timedelta(minutes=15))
        now = await app.clock.advance(timedelta(days=1))
        assert [(key, at) for key, at, _ in recorder.fired] == [
            ("sooner", START + timedelta(minutes=15)),
            ("later", START + timedelta(hours=3)),
        ]
        assert now == START + timedelta(days=1)
