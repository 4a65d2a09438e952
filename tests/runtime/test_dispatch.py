"""Dispatch: a failing cog is logged with context and never stops the others."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.core.cog import Cog, listen
from bot.core.events import MessagePosted
from bot.runtime.context import Context
from tests import queries as q
from tests.fakes.console import ConsoleDriver, console_community
from tests.fakes.events import message_posted


class ExplodingCog(Cog):
    """A feature with a bug: it raises on every message."""

    name = "exploding"

    def __init__(self, app: object) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.calls = 0

    @listen(MessagePosted)
    async def boom(self, ctx: Context, event: MessagePosted) -> None:
        self.calls += 1
        raise RuntimeError("kaboom")


async def test_a_cog_exception_does_not_stop_dispatch(
    console: ConsoleDriver, caplog: pytest.LogCaptureFixture
) -> None:
    """The questions cog still opens the thread; the failure is logged with the event id."""
    broken = ExplodingCog(console.app)
    console.app.dispatcher.listeners[MessagePosted].insert(0, (broken, broken.boom))
    with caplog.at_level(logging.ERROR):
        await console.app.dispatch(message_posted("evt-9", "m-9"))
    assert broken.calls == 1
    assert await q.question_count(console.app.db) == 1
    assert any("Question Q1 is open" in line for line in console.transcript)
    record = next(r for r in caplog.records if "exploding" in r.getMessage())
    assert "evt-9" in record.getMessage()
    assert "console:local" in record.getMessage()
    assert record.exc_info is not None


async def test_a_failed_event_is_retried_on_redelivery_without_duplicates(
    console: ConsoleDriver,
) -> None:
    """An event that failed is not marked done, so a redelivery runs again; the rest is deduped."""
    broken = ExplodingCog(console.app)
    console.app.dispatcher.listeners[MessagePosted].insert(0, (broken, broken.boom))
    await console.app.dispatch(message_posted("evt-1", "m-1"))
    await console.app.dispatch(message_posted("evt-1", "m-1"))
    assert broken.calls == 2
    assert await q.processed_of(console.app.db, "evt-1") == 0
    assert await q.question_count(console.app.db) == 1
    assert sum("Question Q1 is open" in line for line in console.transcript) == 1


async def test_a_failing_command_apologises_and_the_bot_goes_on(console: ConsoleDriver) -> None:
    """A crash inside a command handler tells the member and leaves the bot working."""
    admin_cog = next(c for c in console.app.cogs if c.name == "admin")

    async def crash(ctx: Context) -> None:
        raise RuntimeError("database on fire")

    console.app.dispatcher.command_handlers["entraide config show"] = (admin_cog, crash)
    out = await console.feed("admin /entraide config show", "alice: still alive?")
    assert out[1].endswith(
        "Something went wrong on my side; it has been logged. Please try again in a moment."
    )
    assert "Question Q1 is open" in out[3]


class SlowCog(Cog):
    """A feature that takes a moment on each message, as a send does."""

    name = "slow"

    def __init__(self, app: object) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.calls = 0

    @listen(MessagePosted)
    async def wait(self, ctx: Context, event: MessagePosted) -> None:
        self.calls += 1
        await asyncio.sleep(0.05)


async def test_one_event_reaching_two_processes_at_once_is_handled_once(tmp_path: Path) -> None:
    """A platform's retry delivers a message to two processes sharing a database while the
    first still handles it: one opens the question and its thread, the other skips it."""
    db = tmp_path / "shared.db"
    async with console_community(db) as one, console_community(db) as two:
        slow = [SlowCog(one.app), SlowCog(two.app)]
        for driver, cog in zip((one, two), slow, strict=True):
            driver.app.dispatcher.listeners[MessagePosted].insert(0, (cog, cog.wait))
        event = message_posted("evt-7", "m-7", "How do I export my data?")
        results = await asyncio.gather(one.app.dispatch(event), two.app.dispatch(event))
        assert sorted(results) == [False, True]  # done by one, skipped by the other
        assert sum(cog.calls for cog in slow) == 1
        assert await q.question_count(one.app.db) == 1
        threads = [
            line for line in one.transcript + two.transcript if "Question Q1 is open" in line
        ]
        assert len(threads) == 1
        assert await q.processed_of(one.app.db, "evt-7") == 1
