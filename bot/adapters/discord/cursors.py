"""Per-channel cursors on Discord: the newest message handled in each help channel and thread.

The READY sweep reads them to know where "missed" starts; they only ever move forward.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.adapters.discord import lookup, translate
from bot.storage import reconcile

if TYPE_CHECKING:
    from bot.runtime.app import App

log = logging.getLogger(__name__)


async def advance(app: App, community_id: int, channel_id: int, message_id: int) -> None:
    """Move one channel's cursor forward (an older id changes nothing)."""
    async with app.db.transaction() as tx:
        await reconcile.advance(tx, community_id, str(channel_id), message_id, app.clock.now())


async def remember(app: App, message: discord.Message) -> None:
    """After a live message was handled: its channel's cursor moves past it."""
    if message.guild is None:
        return
    try:
        community_id = await app.community_id(translate.community(message.guild))
        config = await app.community_config(community_id)
        if not lookup.refers_to(message.channel, config.help_channels):
            return
        await advance(app, community_id, message.channel.id, message.id)
        parent = getattr(message.channel, "parent_id", None)
        if parent and message.id == message.channel.id:  # a forum post is news to its forum
            await advance(app, community_id, parent, message.id)
    except Exception:
        # A lost cursor only means the next sweep re-reads more (replays are deduplicated).
        log.exception("could not advance the cursor of channel %s", message.channel.id)
