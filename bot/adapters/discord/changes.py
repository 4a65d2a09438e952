"""Deleted and edited messages on Discord → MessageDeleted / MessageEdited.

Raw gateway events, so messages from before a restart (not in discord.py's cache) count too.
Only help channels and their threads: a deletion anywhere else can't be a question or an
answer, and a busy server deletes a lot.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.adapters.discord import lookup, translate
from bot.core.events import Event
from bot.runtime.dispatcher import Handled

if TYPE_CHECKING:
    from bot.adapters.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)


class Changes:
    """The adapter's raw delete and edit handlers."""

    def __init__(self, adapter: DiscordAdapter) -> None:
        self.adapter, self.client, self.app = adapter, adapter.client, adapter.app

    def register(self) -> None:
        """Listen to the raw delete, bulk delete and edit events."""
        self.client.event(self.on_raw_message_delete)
        self.client.event(self.on_raw_bulk_message_delete)
        self.client.event(self.on_raw_message_edit)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        """One message deleted (by its author or a moderator: Discord doesn't say)."""
        turn = self.adapter.sequencer.turn(self.adapter.line(payload.guild_id, payload.channel_id))
        cached = [payload.cached_message] if payload.cached_message is not None else []
        await self.adapter.sequencer.run(
            turn,
            lambda: self._deleted(
                payload.guild_id, payload.channel_id, {payload.message_id}, cached
            ),
        )

    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        """A moderator's purge: each message as its own deletion."""
        turn = self.adapter.sequencer.turn(self.adapter.line(payload.guild_id, payload.channel_id))
        await self.adapter.sequencer.run(
            turn,
            lambda: self._deleted(
                payload.guild_id, payload.channel_id, payload.message_ids, payload.cached_messages
            ),
        )

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """A new text; updates without content (embeds unfurled, a pin) change no text."""
        if "content" not in payload.data or payload.guild_id is None:
            return
        turn = self.adapter.sequencer.turn(self.adapter.line(payload.guild_id, payload.channel_id))
        await self.adapter.sequencer.run(turn, lambda: self._edited(payload))

    async def _edited(self, payload: discord.RawMessageUpdateEvent) -> Handled:
        assert payload.guild_id is not None
        place = await self._help_place(payload.guild_id, payload.channel_id)
        if place is None:
            return "skipped"
        event = translate.edited(payload.message, place[1], self.app.clock.now())
        return await self._dispatch(event) if event is not None else "skipped"

    async def _deleted(
        self,
        guild_id: int | None,
        channel_id: int,
        message_ids: set[int],
        cached: list[discord.Message],
    ) -> Handled:
        if guild_id is None or not message_ids:
            return "skipped"
        place = await self._help_place(guild_id, channel_id)
        if place is None:
            return "skipped"
        guild, channel = place
        known = {m.id: m for m in cached}
        now = self.app.clock.now()
        outcome: Handled = "skipped"
        for message_id in sorted(message_ids):
            event = translate.deleted(message_id, guild, channel, known.get(message_id), now)
            if event is not None:
                outcome = await self._dispatch(event)
        return outcome

    async def _help_place(self, guild_id: int, channel_id: int) -> tuple[Any, Any] | None:
        """The guild and the channel or thread, when settings make it a help channel (or a
        thread of one); None otherwise or when it can't be seen."""
        guild = self.client.get_guild(guild_id)
        if guild is None:
            return None
        try:
            # A thread from before a restart or archived isn't cached: its parent decides.
            channel = guild.get_channel_or_thread(channel_id) or await self.client.fetch_channel(
                channel_id
            )
        except discord.HTTPException as exc:  # gone (a deleted thread), or hidden from the bot
            log.info("change in %s not handled: %s", channel_id, exc)
            return None
        community_id = await self.app.community_id(translate.community(guild))
        config = await self.app.community_config(community_id)
        if not lookup.refers_to(channel, config.help_channels):
            return None
        return guild, channel

    async def _dispatch(self, event: Event) -> Handled:
        """In the turn the raw event took on arrival (not a new one: that would wait on it)."""
        return await self.app.handle(event)
