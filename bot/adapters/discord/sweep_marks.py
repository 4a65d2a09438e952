"""Helpful reactions against stored marks, for the READY sweep: only the difference is sent.

Reaction events carry no id of their own, so replaying them can't be deduplicated by the
dispatcher. Instead the sweep reads who reacts with the helpful emoji on an answer now and
who holds a mark on it in the database, and dispatches an add for each reaction without a
mark and a removal for each mark without a reaction. A mark that earned nothing (own answer,
daily cap) is still stored, so it is never sent twice either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.adapters.discord import translate
from bot.adapters.sequencer import key
from bot.core.events import ReactionChanged
from bot.core.identity import Member
from bot.settings import CommunityDefaults
from bot.storage import awards, reconcile

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
        """Send the reactions on this message that the stored marks don't reflect."""
        async with self.app.db.read() as conn:
            answer = await awards.answer_by_message(conn, self.community_id, str(message.id))
        if answer is None:
            return  # only answers carry marks (a ✅ on a question or the bot's post is noise)
        # In one turn of the thread's line, reactions read from Discord then marks from the
        # database: a live ✅ handled before the turn is in both; one queued behind it finds
        # the sweep's change made (read before the turn, a live ✅ would be taken back).
        line = key("discord", self.guild.id, thread.parent_id or thread.id)
        async with self.adapter.sequencer.turn(line):
            reacting = await self._reacting(message)
            async with self.app.db.read() as conn:
                givers = await reconcile.mark_givers(conn, self.community_id, str(message.id))
            stored = {g.external_id for g in givers}
            for user_id in sorted(reacting.keys() - stored):
                if await self._send(thread, message, translate.member(reacting[user_id]), True):
                    self.added += 1
            for giver in givers:
                if giver.external_id not in reacting:
                    author = self._member(giver)
                    if await self._send(thread, message, author, False):
                        self.removed += 1

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

    def _member(self, giver: reconcile.Giver) -> Member:
        """The giver as the guild knows them now; from the database if they left."""
        found = giver.external_id.isdigit() and self.guild.get_member(int(giver.external_id))
        if found:
            return translate.member(found)
        return Member(giver.external_id, giver.name, is_staff=giver.is_staff)

    async def _send(
        self, thread: discord.Thread, message: discord.Message, author: Member, added: bool
    ) -> bool:
        """Dispatch one reaction change (the caller holds the thread's turn)."""
        event = ReactionChanged(
            # Unique per sweep: a mark given, taken back and given again is three changes.
            event_id=f"discord:sweep:{self.run_id}:{message.id}:{author.id}:{int(added)}",
            community=translate.community(self.guild),
            author=author,
            at=self.app.clock.now(),
            conversation=translate.conversation(thread),
            message_id=str(message.id),
            emoji=self.emoji,
            added=added,
            message_author_id=str(message.author.id),
        )
        return await self.app.dispatch(event)
