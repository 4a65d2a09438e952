"""Helpful reactions read back for the READY sweep: who reacts on each answer now.

Reaction events carry no id of their own, so replaying them can't be deduplicated by the
dispatcher. Instead the sweep reads who reacts with the helpful emoji on an answer now and
emits one neutral MarksSeen; the reputation cog compares it with the marks it stored and
gives or takes back only the difference (see reputation/_seen.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.adapters.discord import translate
from bot.adapters.sequencer import key
from bot.core.events import MarksSeen
from bot.core.identity import UNKNOWN_MEMBER
from bot.settings import CommunityDefaults
from bot.storage import reconcile

if TYPE_CHECKING:
    from bot.adapters.discord.adapter import DiscordAdapter


class Marks:
    """Reconciles the marks of one guild's answers; counts what it changed."""

    def __init__(
        self,
        adapter: DiscordAdapter,
        guild: discord.Guild,
        community_id: int,
        config: CommunityDefaults,
        run_id: str,
    ) -> None:
        self.adapter, self.app, self.guild = adapter, adapter.app, guild
        self.community_id, self.emoji, self.run_id = community_id, config.helpful_emoji, run_id
        self.added = self.removed = 0

    async def settle(self, thread: discord.Thread, message: discord.Message) -> None:
        """Tell the cogs who reacts with the helpful emoji on this answer now."""
        async with self.app.db.read() as conn:
            answer = await reconcile.is_answer(conn, self.community_id, str(message.id))
        if not answer:
            return  # only answers carry marks (a ✅ on a question or the bot's post is noise)
        # In one turn of the thread's line, reactions read from Discord then marks from the
        # database (by the cog): a live ✅ handled before the turn is in both; one queued behind
        # it finds the sweep's change made (read before the turn, a live ✅ would be taken back).
        line = key("discord", self.guild.id, thread.parent_id or thread.id)
        async with self.adapter.sequencer.turn(line):
            reacting = await self._reacting(message)
            bot = self.adapter.client.user
            event = MarksSeen(
                # Unique per sweep; the changes it leads to are numbered under it.
                event_id=f"discord:sweep:{self.run_id}:{message.id}",
                community=translate.community(self.guild),
                author=translate.member(bot) if bot else UNKNOWN_MEMBER,
                at=self.app.clock.now(),
                conversation=translate.conversation(thread),
                message_id=str(message.id),
                emoji=self.emoji,
                members=tuple(translate.member(reacting[u]) for u in sorted(reacting)),
                message_author_id=str(message.author.id),
            )
            await self.app.dispatch(event)  # the caller holds the thread's turn
        self.added += event.counts.added
        self.removed += event.counts.removed

    async def _reacting(self, message: discord.Message) -> dict[str, discord.Member | discord.User]:
        """Who reacts with the helpful emoji now (asked even if the history showed none)."""
        found = next((r for r in message.reactions if str(r.emoji) == self.emoji), None)
        if found is None:
            emoji = discord.PartialEmoji.from_str(self.emoji)
            data: Any = {"count": 1, "me": False, "emoji": emoji.to_dict()}
            # A unicode emoji goes in the URL as itself, a custom one as name:id.
            shown = emoji.name if emoji.is_unicode_emoji() else emoji
            found = discord.Reaction(message=message, data=data, emoji=shown)
        return {str(u.id): u async for u in found.users() if not u.bot}
