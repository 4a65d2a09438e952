"""Closing the Discord client cleanly, even moments after a session began."""

from __future__ import annotations

import asyncio
import logging

import discord

log = logging.getLogger(__name__)


async def close_client(client: discord.Client, drain_timeout: float) -> None:
    """Let event handlers already running finish (their replies need the open client, the
    database they write must not close under them), then close the client."""
    _cancel_ready_waits(client)
    # discord.py runs each handler as a task named "discord.py: <event>".
    running = {t for t in asyncio.all_tasks() if t.get_name().startswith("discord.py: ")}
    running.discard(asyncio.current_task())
    if running:
        log.info("waiting for %d event handler(s) to finish", len(running))
        await asyncio.wait(running, timeout=drain_timeout)
    await client.close()


def _cancel_ready_waits(client: discord.Client) -> None:
    """Cancel discord.py's wait for the guilds after READY (about 2 s): left running past
    close(), it fires on a state already torn down and logs a traceback. Private
    attributes, looked up defensively: a discord.py without them just keeps its wait."""
    state = getattr(client, "_connection", None)
    waits = [getattr(state, "_ready_task", None)]
    waits += list((getattr(state, "_ready_tasks", None) or {}).values())
    for task in waits:
        if isinstance(task, asyncio.Task) and not task.done():
            task.cancel()
