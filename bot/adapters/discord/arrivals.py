"""Messages and reactions from the gateway, each in its channel's line.

discord.py runs each handler in its own task, started in gateway order: the turn is taken
before the handler's first await, so a reaction never overtakes the answer it marks, even
when the reacting member or an archived thread has to be fetched first. A thread's events
share its parent channel's line: a question, its thread's replies and their reactions.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.adapters.discord import cursors, translate
from bot.adapters.sequencer import Key, key
from bot.runtime.dispatcher import Handled

if TYPE_CHECKING:
    from bot.adapters.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)


def line(client: discord.Client, guild_id: int | None, channel_id: int) -> Key:
    """The line of a channel, or of a cached thread's parent; never awaited (a thread not in
    the cache has its own line: its parent can't be known without a request)."""
    guild = client.get_guild(guild_id or 0)
    found = guild.get_channel_or_thread(channel_id) if guild is not None else None
    parent = found.parent_id if isinstance(found, discord.Thread) else None
    return key("discord", guild_id, parent or channel_id)


class Arrivals:
    """The adapter's message and raw reaction handlers."""

    def __init__(self, adapter: DiscordAdapter) -> None:
        self.adapter, self.client, self.app = adapter, adapter.client, adapter.app
        self.sequencer = adapter.sequencer

    def register(self) -> None:
        """Listen to messages and raw reactions."""
        self.client.event(self.on_message)
        self.client.event(self.on_raw_reaction_add)
        self.client.event(self.on_raw_reaction_remove)

    async def on_message(self, message: discord.Message) -> None:
        """A member's post or reply becomes a neutral event."""
        guild_id = message.guild.id if message.guild else None
        turn = self.sequencer.turn(line(self.client, guild_id, message.channel.id))
        await self.sequencer.run(turn, lambda: self._message(message))

    async def _message(self, message: discord.Message) -> Handled:
        event = translate.message(message, self.app.clock.now())
        outcome = await self.app.handle(event) if event is not None else "skipped"
        await cursors.remember(self.app, message)
        return outcome

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        """Raw, so reactions on messages from before a restart count too."""
        await self._reaction(payload)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        """A removed reaction (e.g. a helpful mark taken back)."""
        await self._reaction(payload)

    async def _reaction(self, payload: discord.RawReactionActionEvent) -> None:
        turn = self.sequencer.turn(line(self.client, payload.guild_id, payload.channel_id))
        await self.sequencer.run(turn, lambda: self._reacted(payload))

    async def _reacted(self, payload: discord.RawReactionActionEvent) -> Handled:
        guild = self.client.get_guild(payload.guild_id or 0)
        if guild is None:
            return "skipped"
        try:
            # Not cached (members not chunked, a thread from before a restart or archived):
            # fetched, or the reaction would be dropped without a word.
            user = (
                payload.member
                or guild.get_member(payload.user_id)
                or await guild.fetch_member(payload.user_id)
            )
            channel = guild.get_channel_or_thread(
                payload.channel_id
            ) or await self.client.fetch_channel(payload.channel_id)
        except discord.HTTPException as exc:  # gone, or hidden from the bot
            log.info("reaction in %s not handled: %s", payload.channel_id, exc)
            return "skipped"
        event = translate.reaction(payload, guild, user, channel, self.app.clock.now())
        return await self.app.handle(event) if event is not None else "skipped"
