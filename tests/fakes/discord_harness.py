"""Waiting on a discord.py client under test without hiding its background errors."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord
import pytest

from tests.fakes.discord_server import FakeDiscord

T = TypeVar("T")
TIMEOUT = 3.0


class Harness:
    """A discord.Client connected to a FakeDiscord, failing fast on background errors."""

    def __init__(self, fake: FakeDiscord, client: discord.Client) -> None:
        self.fake, self.client = fake, client
        self.errors: list[dict[str, Any]] = []
        self.failed = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def on_loop_error(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """Record an exception nobody awaited (a dead background task)."""
        self.errors.append(context)
        self.failed.set()

    async def on_error(self, event: str, *args: Any, **kwargs: Any) -> None:
        """Record an exception raised by an event handler (discord.py only logs those)."""
        self.errors.append({"event": event, "exception": sys.exc_info()[1]})
        self.failed.set()

    async def until(self, awaitable: Awaitable[T], within: float = TIMEOUT) -> T:
        """Await something, but fail at once if the client task dies or the loop logs an error."""
        assert self.task is not None
        work = asyncio.ensure_future(awaitable)
        failed = asyncio.ensure_future(self.failed.wait())
        done, _ = await asyncio.wait(
            {work, failed, self.task}, timeout=within, return_when=asyncio.FIRST_COMPLETED
        )
        failed.cancel()
        if work in done:
            return work.result()
        work.cancel()
        if self.task in done:
            self.task.result()
            pytest.fail("the discord.py client stopped")
        if failed in done:
            pytest.fail(f"background error: {self.errors}")
        pytest.fail(f"timed out after {within}s")

    def watch(self) -> None:
        """Record loop errors and handler errors of this client from now on."""
        asyncio.get_running_loop().set_exception_handler(self.on_loop_error)
        self.client.on_error = self.on_error  # type: ignore[method-assign]
