"""Running Entraide on Discord: log in, stay connected, back off between logins, stop cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.adapters.discord import endpoints
from bot.adapters.discord.adapter import DiscordAdapter
from bot.adapters.discord.connection import gateway_open
from bot.adapters.discord.refusals import fatal_message
from bot.runtime.app import App
from bot.runtime.serve import PlatformRefused, done_before, serve
from bot.settings import Settings

log = logging.getLogger(__name__)

BASE_DELAY, MAX_DELAY, JITTER = 5.0, 600.0, 0.25
# Connected at least this long: the next failure starts the schedule again from 5 s.
STABLE_RUN = MAX_DELAY
READY_POLL = 1.0  # seconds between looks at the current adapter while waiting for READY
CLOSE_TIMEOUT = 10.0  # seconds start() gets to return after close()
DRAIN_TIMEOUT = 10.0  # seconds events already received get to finish before the client closes
Sleep = Callable[[float], Awaitable[None]]
AdapterFactory = Callable[[App], DiscordAdapter]


class FatalDiscordError(PlatformRefused):
    """Discord refused the bot for a reason no retry can fix; one line for the operator."""


def backoff_delay(attempt: int, jitter: float) -> float:
    """Seconds before login retry `attempt` (0 first): 5 s doubling to 10 min, +0–25 % jitter."""
    nominal = min(MAX_DELAY, BASE_DELAY * 2.0 ** min(attempt, 20))
    # Never below the nominal delay: each login is an IDENTIFY, and Discord allows 1,000 a day.
    return nominal * (1 + JITTER * jitter)


class DiscordRunner:
    """Keeps a DiscordAdapter logged in until stop(); a fresh client for every login."""

    def __init__(
        self,
        app: App,
        token: str,
        make_adapter: AdapterFactory,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.app, self._token, self._make = app, token, make_adapter
        self._sleep, self._clock, self._jitter = sleep, clock, jitter
        self._stopping = asyncio.Event()
        self.logins = 0
        # Attached now, before app.start(): overdue timers may want to send at once.
        self.adapter = make_adapter(app)
        app.add_adapter(self.adapter)

    def stop(self) -> None:
        """Ask run() to close the client and return (safe from a signal handler)."""
        self._stopping.set()

    async def prepare(self) -> None:
        """Nothing to check before the app starts: every login checks the token."""

    async def ready(self) -> None:
        """Return at the first READY from Discord (whichever login brought it)."""
        while True:
            adapter = self.adapter  # a new login makes a new adapter: wait on the current one
            waiting = asyncio.ensure_future(adapter.connected.wait())
            done, _ = await asyncio.wait({waiting}, timeout=READY_POLL)
            if done:
                return
            waiting.cancel()

    def alive(self) -> bool:
        """Whether the current client's gateway connection is up (not between logins)."""
        return gateway_open(self.adapter.client)

    async def run(self) -> None:
        """Log in and stay connected until stop(); raises FatalDiscordError on a refusal."""
        attempt = 0
        while not self._stopping.is_set():
            if self.logins:  # a closed discord.py client can't log in again: a new one
                self.adapter = self._make(self.app)
                self.app.add_adapter(self.adapter)
            self.logins += 1
            started, error = self._clock(), None
            try:
                await self._session(self.adapter)
            except Exception as exc:  # classified below: fatal, or retried after a delay
                error = exc
            finally:
                await self.adapter.client.close()
            if self._stopping.is_set():
                return
            message = fatal_message(error) if error is not None else None
            if message is not None:
                raise FatalDiscordError(message) from error
            if self._clock() - started >= STABLE_RUN:
                attempt = 0
            delay = backoff_delay(attempt, self._jitter())
            attempt += 1
            why = f"{type(error).__name__}: {error}" if error else "the client stopped"
            log.warning("Discord connection lost (%s); logging in again in %.0f s", why, delay)
            pause = asyncio.ensure_future(self._sleep(delay))
            if not await done_before(pause, self._stopping):
                pause.cancel()

    async def _session(self, adapter: DiscordAdapter) -> None:
        """client.start() until it ends, or until stop(): then close it and let start return."""
        log.info("logging in to Discord (login %d)", self.logins)
        task = asyncio.ensure_future(adapter.client.start(self._token, reconnect=True))
        if await done_before(task, self._stopping):
            task.result()
            return
        await adapter.close(DRAIN_TIMEOUT)
        done, _ = await asyncio.wait({task}, timeout=CLOSE_TIMEOUT)
        if not done:
            task.cancel()
        with contextlib.suppress(BaseException):  # ending on our request: errors don't matter
            await task


def make_adapter(settings: Settings, **client_options: Any) -> AdapterFactory:
    """A factory of adapters with the configured sharding (0: one connection)."""
    shards = None if settings.discord_shards == "auto" else settings.discord_shards
    ids = settings.shard_ids
    return lambda app: DiscordAdapter(app, shards=shards, shard_ids=ids, **client_options)


def attach(
    app: App, settings: Settings, scope: contextlib.ExitStack, **client_options: Any
) -> DiscordRunner:
    """A runner for `app` on Discord; discord.py uses the settings' URLs while `scope` lasts."""
    if settings.discord_token is None:
        raise FatalDiscordError("ENTRAIDE_DISCORD_TOKEN is not set")
    scope.enter_context(
        endpoints.pointed_at(settings.discord_api_url, settings.discord_gateway_url)
    )
    if not settings.discord_shard_ids:
        log.info("Discord: shards %s", settings.discord_shards)
    else:
        log.info(
            "Discord: shards %s of %s in this process",
            settings.discord_shard_ids,
            settings.discord_shards,
        )
    return DiscordRunner(
        app, settings.discord_token.get_secret_value(), make_adapter(settings, **client_options)
    )


async def run(settings: Settings, *, db_path: Path, **client_options: Any) -> None:
    """Entraide on Discord until SIGINT or SIGTERM; raises FatalDiscordError on a refusal."""
    await serve(
        settings, db_path=db_path, platforms=("discord",), options={"discord": client_options}
    )
