"""One process, several platforms: one App (one database, one scheduler) serves every runner.

Each platform module (bot.adapters.discord.runner, bot.adapters.slack.runner) has
`attach(app, settings, scope, **options)`, which attaches its adapter to the app and returns
its runner. The runners are checked, the app starts, they run side by side; the first to end
(a refusal, a crash, or a signal) stops the others, then the app stops.

Online first: the app starts without the embedding model (BM25 answers meanwhile) and without
firing timers, so the platforms connect within a second or two of start. Once EVERY runner
says it is ready (Discord's READY, Slack listening), the app catches up on due timers and
missed scheduled posts and loads the model in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from bot.core.clock import Clock
from bot.runtime import heartbeat
from bot.runtime.app import App
from bot.settings import Settings

log = logging.getLogger(__name__)

# Platform → the module that runs it (imported only when used: discord.py is slow to import).
PLATFORMS = {"discord": "bot.adapters.discord.runner", "slack": "bot.adapters.slack.runner"}
NAMES = {"discord": "Discord", "slack": "Slack"}
SIGNALS = (signal.SIGINT, signal.SIGTERM)
CATCH_UP_TIMEOUT = 10.0  # seconds the start-up catch-up gets to finish when stopping


class PlatformRefused(Exception):
    """A platform refused the bot for a reason no retry can fix; one line for the operator."""


class Runner(Protocol):
    """Keeps one platform connected until stop()."""

    async def prepare(self) -> None:
        """Checks to make before the app starts (a refused token: PlatformRefused)."""

    async def run(self) -> None:
        """Serve until stop(); PlatformRefused when the platform refuses the bot."""

    def stop(self) -> None:
        """Ask run() to return (safe from a signal handler)."""

    async def ready(self) -> None:
        """Return once the platform can deliver (first connection made); never before."""

    def alive(self) -> bool:
        """Whether the platform's connection is up now (the heartbeat file says so)."""


async def done_before(task: asyncio.Future[Any], stopping: asyncio.Event) -> bool:
    """Wait for `task` or for `stopping` to be set, whichever comes first; True when the task
    is done."""
    waiting = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()
    return task.done()


def with_tokens(settings: Settings) -> list[str]:
    """The platforms with a secret in the environment, in a fixed order. A Slack app token
    or signing secret alone counts: its missing bot token is then reported, not ignored."""
    slack = (settings.slack_bot_token, settings.slack_app_token, settings.slack_signing_secret)
    found = {"discord": settings.discord_token is not None, "slack": any(slack)}
    return [name for name in PLATFORMS if found[name]]


async def serve(
    settings: Settings,
    *,
    db_path: Path,
    platforms: Sequence[str],
    options: Mapping[str, Mapping[str, Any]] | None = None,
    clock: Clock | None = None,
    beat_written: asyncio.Event | None = None,
) -> None:
    """Entraide on `platforms` until SIGINT or SIGTERM; PlatformRefused when one is refused
    (the others are stopped first, and the app too). `clock`: tests start in the past;
    `beat_written` is set at each heartbeat written (tests wait on it)."""
    app = App(settings_on_platforms(settings), clock=clock or Clock(), db_path=db_path)
    with contextlib.ExitStack() as scope:
        runners: dict[str, Runner] = {}
        for name in platforms:
            module = importlib.import_module(PLATFORMS[name])
            runners[name] = module.attach(app, settings, scope, **(options or {}).get(name, {}))
        with _signals(runners):
            for runner in runners.values():
                await runner.prepare()
            await app.start(platforms_first=True)
            log.info("Entraide is starting on %s", " and ".join(NAMES[n] for n in runners))
            all_ready = asyncio.Event()
            ready = asyncio.ensure_future(when_ready(app, runners, all_ready))
            beats = asyncio.ensure_future(
                _beat_once_ready(heartbeat.path_for(db_path), runners, all_ready, beat_written)
            )
            try:
                await run_together(runners)
            finally:
                beats.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await beats
                if all_ready.is_set():  # timers firing: let them finish before the database goes
                    await asyncio.wait({ready}, timeout=CATCH_UP_TIMEOUT)
                ready.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ready
                await app.stop()
                log.info("Entraide stopped")


def settings_on_platforms(settings: Settings) -> Settings:
    """Settings with the platforms' defaults: an unset answer_while_loading is true (online
    at once, BM25 answers until the model is in)."""
    if settings.retrieval.answer_while_loading is not None:
        return settings
    retrieval = settings.retrieval.model_copy(update={"answer_while_loading": True})
    return settings.model_copy(update={"retrieval": retrieval})


async def when_ready(app: App, runners: Mapping[str, Runner], all_ready: asyncio.Event) -> None:
    """Once every runner is ready, start the app's scheduled work (timers, catch-up, model)."""
    await asyncio.gather(*(runner.ready() for runner in runners.values()))
    all_ready.set()
    try:
        await app.platforms_ready()
    except Exception:  # one check's failure is logged inside; this is a last resort
        log.exception("starting scheduled work failed")


async def _beat_once_ready(
    path: Path,
    runners: Mapping[str, Runner],
    all_ready: asyncio.Event,
    written: asyncio.Event | None,
) -> None:
    """From the first moment every platform is connected, the heartbeat file (see
    bot.runtime.heartbeat), written while every connection is up."""
    await all_ready.wait()
    await heartbeat.beat(
        path, lambda: all(r.alive() for r in runners.values()), list(runners), written
    )


async def run_together(runners: Mapping[str, Runner]) -> None:
    """Run every runner; the first to end stops the others; its error (if any) is raised."""
    tasks = {asyncio.ensure_future(runner.run()): name for name, runner in runners.items()}
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:  # also when cancelled: nothing is left running
        for runner in runners.values():
            runner.stop()
        await asyncio.wait(tasks)
    # The runner that ended first is the cause; errors of the others while stopping follow.
    ordered = [*done, *(t for t in tasks if t not in done)]
    errors = [(tasks[t], t.exception()) for t in ordered if t.exception() is not None]
    if not errors:
        return
    name, error = errors[0]
    if len(runners) > 1:
        others = ", ".join(NAMES[n] for n in runners if n != name)
        log.error("%s stopped (%s): %s was stopped too", NAMES[name], error, others)
    assert error is not None
    raise error


@contextlib.contextmanager
def _signals(runners: Mapping[str, Runner]) -> Iterator[None]:
    """SIGINT and SIGTERM stop every runner (the app stops after them)."""
    loop = asyncio.get_running_loop()
    for sig in SIGNALS:
        with contextlib.suppress(NotImplementedError):  # not on Windows' event loop
            loop.add_signal_handler(sig, _stop_all, sig, runners)
    try:
        yield
    finally:
        for sig in SIGNALS:
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(sig)


def _stop_all(sig: signal.Signals, runners: Mapping[str, Runner]) -> None:
    log.info("%s received: stopping %s", sig.name, " and ".join(NAMES[n] for n in runners))
    for runner in runners.values():
        runner.stop()
