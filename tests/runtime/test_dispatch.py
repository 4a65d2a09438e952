"""Dispatch: a failing cog is logged with context and never stops the others."""

from __future__ import annotations

import logging

import pytest

from bot.core.cog import Cog, listen
from bot.core.events import MessagePosted
from bot.runtime.context import Context
from tests import queries as q
from tests.fakes.console import ConsoleDriver
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
