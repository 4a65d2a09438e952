"""The bot on Discord for end-to-end tests: the real discord.py client against the local fake.

`discord_bot` is the default bot (#help is a help channel, empty knowledge base);
`running_bot` starts one with other settings, knowledge or guild. `until` waits on the
database, re-checking after each event the bot handles (never a sleep).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import pytest

from bot.adapters.discord.adapter import DiscordAdapter
from bot.core.clock import Clock
from bot.runtime.app import App
from bot.runtime.dispatcher import Handled
from bot.storage.db import Database
from tests.fakes import discord_payloads as p
from tests.fakes.console import START
from tests.fakes.discord_harness import Harness
from tests.fakes.discord_server import FakeDiscord, fake_discord
from tests.fakes.settings import make_settings

TIMEOUT = 5.0
Query = Callable[[Database], Awaitable[object]]  # a read of tests.queries


@asynccontextmanager
async def running_bot(
    tmp_path: Path,
    *,
    community: dict[str, Any] | None = None,
    knowledge_dir: Path | None = None,
    guild: dict[str, Any] | None = None,
    shards: int | None = 0,
) -> AsyncIterator[tuple[App, FakeDiscord]]:
    """Entraide with the Discord adapter on a fresh fake; `community` overrides settings.

    BM25 only (no model). The client's background errors fail the test instead of timing out.
    """
    chosen = {"help_channels": [p.HELP_CHANNEL_ID], "announce_channel": p.GENERAL_CHANNEL_ID}
    settings = make_settings(
        tmp_path, community=chosen | (community or {}), knowledge_dir=knowledge_dir, dense=False
    )
    async with fake_discord(guild) as fake:
        app = App(settings, clock=Clock(START, frozen=True), db_path=tmp_path / "d.db")
        adapter = DiscordAdapter(
            app, shards=shards, chunk_guilds_at_startup=False, guild_ready_timeout=0.1
        )
        app.add_adapter(adapter)
        _signal_handled_events(app)
        await app.start()
        loop = asyncio.get_running_loop()
        old_handler = loop.get_exception_handler()
        harness = Harness(fake, adapter.client)
        harness.watch()
        harness.task = asyncio.create_task(adapter.client.start("fake-token"))
        try:
            await harness.until(adapter.client.wait_until_ready())
            yield app, fake
            assert not harness.errors, harness.errors
        finally:
            await adapter.close(TIMEOUT)
            await asyncio.wait({harness.task}, timeout=TIMEOUT)
            loop.set_exception_handler(old_handler)
            await app.stop()


@pytest.fixture
async def discord_bot(tmp_path: Path) -> AsyncIterator[tuple[App, FakeDiscord]]:
    """Entraide with the Discord adapter on a fresh fake (#help is a help channel)."""
    async with running_bot(tmp_path) as started:
        yield started


def adapter_of(app: App) -> DiscordAdapter:
    """The Discord adapter the bot runs (to reach its discord.py client)."""
    return cast(DiscordAdapter, app.adapters["discord"])


def _signal_handled_events(app: App) -> None:
    """Let tests wait for 'an event was handled' instead of sleeping (dispatch stays real)."""
    handled = asyncio.Condition()
    real = app.handle

    async def handle(event: object) -> Handled:
        done = await real(event)  # type: ignore[arg-type]
        async with handled:
            handled.notify_all()
        return done

    app.handle = handle  # type: ignore[method-assign]
    app.handled = handled  # type: ignore[attr-defined]


async def until(app: App, query: Query, expected: object) -> None:
    """Wait until a query of tests.queries returns `expected`, re-checking after each event
    the bot handles."""
    handled: asyncio.Condition = app.handled  # type: ignore[attr-defined]

    async def check() -> bool:
        return bool(await query(app.db) == expected)

    async def wait() -> None:
        # Checked under the lock: an event handled between the check and the wait still wakes us.
        async with handled:
            while not await check():
                await handled.wait()

    await asyncio.wait_for(wait(), TIMEOUT)


async def thread_opened(fake: FakeDiscord, count: int = 1) -> str:
    """Wait for the bot's `count`-th new thread and send its THREAD_CREATE, as Discord does.

    Without it discord.py doesn't know the thread, and reactions or clicks in it lack a parent.
    """

    threads = r"/channels/\d+/messages/\d+/threads"
    await fake.wait_for_call(
        "POST", threads, TIMEOUT, lambda _: len(fake.calls_to("POST", threads)) >= count
    )
    call = fake.calls_to("POST", threads)[count - 1]
    _, _, parent_id, _, thread_id, _ = call.path.split("/")
    created = p.thread_create(thread_id, call.body["name"], parent_id=parent_id)
    await fake.dispatch("THREAD_CREATE", created)
    return thread_id
