"""A question's state where Discord members see it: a forum post's Solved / Staff tags (and
its closing), a ✅ on a solved question's first message in a text channel.

Best effort: a refusal is logged once per channel and permission, naming what to grant.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.adapters.discord import lookup
from bot.core.identity import Community, Conversation
from bot.core.ports import QuestionState

if TYPE_CHECKING:
    from bot.adapters.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)

SOLVED, STAFF = "Solved", "Staff"
SOLVED_EMOJI = "✅"
MAX_APPLIED = 5  # Discord refuses a post with more tags than this
# Which of our tags a post carries in each state (a member's own tags are kept).
WANTED: dict[str, tuple[str, ...]] = {"open": (), "escalated": (STAFF,), "solved": (SOLVED,)}


class Marks:
    """Keeps forum tags and ✅ reactions in step with the states the core reports."""

    def __init__(self, adapter: DiscordAdapter) -> None:
        self.adapter = adapter
        self._logged: set[tuple[int, str]] = set()  # (channel id, permission) already logged
        # Tags created by us that the forum in the cache may not list yet (until its
        # CHANNEL_UPDATE): never create the same tag twice.
        self._made: dict[tuple[int, str], int] = {}
        # One change at a time: two changes of one post read the same tags and would undo
        # each other; tag creation must not race either. Changes are rare.
        self._lock = asyncio.Lock()

    async def show(
        self,
        community: Community,
        where: Conversation,
        root_message_id: str | None,
        state: QuestionState,
        *,
        close: bool = False,
    ) -> None:
        """The adapter's show_state: a forum post's Solved / Staff tags (closed when asked),
        or ✅ on a solved question in a text channel; refusals logged once, never raised."""
        client = self.adapter.client
        parent = client.get_channel(int(where.channel_id)) if where.channel_id.isdigit() else None
        try:
            async with self._lock:
                if isinstance(parent, discord.ForumChannel) and where.thread_id:
                    await self._tag(parent, int(where.thread_id), state, close)
                elif state == "solved" and root_message_id and where.channel_id.isdigit():
                    await self._react(int(where.channel_id), int(root_message_id))
        except discord.NotFound:  # the post or message is gone: nothing to mark
            log.info("question in %s is gone; its state isn't shown", where.channel_id)
        except discord.HTTPException as exc:  # a 5xx after discord.py's retries, a bad tag
            log.warning("state %s not shown in %s: %s", state, where.channel_id, exc)

    async def _react(self, channel_id: int, message_id: int) -> None:
        """✅ from the bot on the question's message (PUT again is a no-op on Discord)."""
        channel = self.adapter.client.get_channel(channel_id)
        if channel is None or isinstance(channel, discord.ForumChannel):
            return
        message = channel.get_partial_message(message_id)  # type: ignore[union-attr]
        try:
            await message.add_reaction(SOLVED_EMOJI)
        except discord.Forbidden as exc:
            self._refused(channel, "Add Reactions and Read Message History", exc)

    async def _tag(
        self, forum: discord.ForumChannel, thread_id: int, state: QuestionState, close: bool
    ) -> None:
        """Our tags for this state on, the others of ours off, members' tags kept; closed
        (archived) too when asked. One PATCH, or none when nothing changes."""
        guild = forum.guild
        thread = guild.get_thread(thread_id) or await self.adapter.client.fetch_channel(thread_id)
        if not isinstance(thread, discord.Thread):
            return
        current = [int(t) for t in thread._applied_tags]  # ids, even of tags not cached yet
        ours = {name: await self._find(forum, name, create=False) for name in (SOLVED, STAFF)}
        wanted = []
        for name in WANTED[state]:
            found = ours[name] or await self._find(forum, name, create=True)
            if found is not None:
                wanted.append(found)
        unwanted = {tag for name, tag in ours.items() if tag is not None and tag not in wanted}
        kept = [t for t in current if t not in unwanted and t not in wanted]
        # Ours first, so that a post already full of members' tags still shows its state.
        applied = (wanted + kept)[:MAX_APPLIED]
        changes: dict[str, Any] = {}
        if sorted(applied) != sorted(current):
            changes["applied_tags"] = [discord.Object(id=t) for t in applied]
        if close and state == "solved" and not thread.archived:
            changes["archived"] = True
        # Discord edits no archived post: it is opened to be retagged, and a solved one that
        # was closed (by us, or by Discord after inactivity) is closed again after.
        reclose = bool(changes) and thread.archived and state == "solved"
        if changes and thread.archived:
            changes["archived"] = False
        if not changes:
            return
        try:
            edited = await thread.edit(**changes)
            if reclose:
                edited = await edited.edit(archived=True)
        except discord.Forbidden as exc:
            self._refused(forum, "Manage Threads", exc)
            return
        # Our next change may come before Discord's THREAD_UPDATE: the cache follows now.
        thread._applied_tags, thread.archived = edited._applied_tags, edited.archived

    async def _find(self, forum: discord.ForumChannel, name: str, *, create: bool) -> int | None:
        """The id of our tag by name (any case), created when asked and allowed; None if not."""
        found = next(
            (t for t in forum.available_tags if t.name.casefold() == name.casefold()), None
        )
        if found is not None:
            return found.id
        made = self._made.get((forum.id, name))
        if made is not None or not create:
            return made
        me = forum.guild.me
        if me is not None and not forum.permissions_for(me).manage_channels:
            # Not in the invite (see README): a warning that says how to get the tags.
            self._log_once(
                forum, "Manage Channels", f"(no {name!r} tag: create it, or", logging.WARNING
            )
            return None
        try:
            # Moderated: only staff (Manage Threads) and the bot may set or remove it.
            emoji = discord.PartialEmoji(name=SOLVED_EMOJI) if name == SOLVED else None
            tag = await forum.create_tag(name=name, emoji=emoji, moderated=True, reason="Entraide")
        except discord.Forbidden as exc:
            self._refused(forum, "Manage Channels", exc)
            return None
        self._made[(forum.id, name)] = tag.id
        log.info("created the %r tag in forum %s", name, lookup.label(forum))
        return tag.id

    def _refused(self, place: Any, permission: str, exc: discord.Forbidden) -> None:
        """A 403: logged once per channel and permission."""
        self._log_once(place, lookup.needed(exc, permission), f"(code {exc.code}:")

    def _log_once(self, place: Any, permission: str, why: str, level: int = logging.ERROR) -> None:
        if (place.id, permission) in self._logged:
            return
        self._logged.add((place.id, permission))
        log.log(
            level,
            "Discord: question states not shown in %s %s grant the bot %s there)",
            lookup.label(place),
            why,
            permission,
        )
