"""The READY sweep: catch up on what the help channels got while the bot was away.

discord.py fires `on_ready` after every new gateway session (IDENTIFY), never after a RESUME
(the gateway replays those events itself). What happened in between is read back over REST:
top-level posts in help text channels after each channel's cursor (new questions), then the
latest messages of help threads (the active ones and those of unsolved questions): replies
after the thread's cursor are answers, and who reacts on known answers is handed to the cogs,
which compare it with their stored marks (see sweep_marks). Idempotent: a message keeps its id,
so the dispatcher skips replays. Bounded: one page of MAX_MESSAGES per channel or thread,
MAX_THREADS threads.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import discord

from bot.adapters.discord import cursors, lookup, sweep_marks, translate
from bot.core.events import ReplyPosted
from bot.storage import reconcile

if TYPE_CHECKING:
    from bot.adapters.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)

MAX_MESSAGES = 100  # one history page per channel or thread
MAX_THREADS = 100


@dataclass
class Summary:
    """What one sweep caught up (counted only when the bot had not handled it yet)."""

    posts: int = 0
    replies: int = 0
    marked: int = 0
    unmarked: int = 0
    threads: int = 0
    failed: list[str] = field(default_factory=list)


async def run(adapter: DiscordAdapter, shard_id: int | None = None) -> Summary:
    """Sweep every guild (or one shard's), log one INFO line, then dispatch `reconciled`."""
    summary, run_id = Summary(), uuid.uuid4().hex[:12]
    for guild in list(adapter.client.guilds):
        if shard_id is not None and guild.shard_id != shard_id:
            continue
        try:
            await _GuildSweep(adapter, guild, summary, run_id).run()
        except Exception:
            log.exception("READY sweep of guild %s failed", guild.id)
            summary.failed.append(f"guild {guild.id}")
    log.info(
        "READY sweep caught up %d posts, %d replies, %d helpful marks added and %d removed"
        " (%d threads looked at; failed: %s)",
        summary.posts,
        summary.replies,
        summary.marked,
        summary.unmarked,
        summary.threads,
        ", ".join(summary.failed) or "none",
    )
    adapter.client.dispatch("reconciled", summary)
    return summary


class _GuildSweep:
    """One guild's sweep: its help channels, then their threads."""

    def __init__(
        self, adapter: DiscordAdapter, guild: discord.Guild, summary: Summary, run_id: str
    ) -> None:
        self.adapter, self.app, self.guild = adapter, adapter.app, guild
        self.summary, self.run_id = summary, run_id
        self.community_id = 0

    async def run(self) -> None:
        """Help text channels first (new questions open threads), then the threads."""
        self.community_id = await self.app.community_id(translate.community(self.guild))
        config = await self.app.community_config(self.community_id)
        found = (lookup.find_channel(self.guild, ref) for ref in config.help_channels)
        helps = [c for c in found if c is not None and not isinstance(c, discord.Thread)]
        for channel in helps:
            if isinstance(channel, discord.TextChannel):
                await self._guarded(channel.id, self._channel(channel))
        threads = await self._threads({c.id for c in helps})
        marks = sweep_marks.Marks(self.adapter, self.guild, self.community_id, config, self.run_id)
        for thread in threads:
            await self._guarded(thread.id, self._thread(thread, marks))
        self.summary.threads += len(threads)
        self.summary.marked += marks.added
        self.summary.unmarked += marks.removed
        for channel in helps:  # a forum never watched starts from the posts it has now
            if isinstance(channel, discord.ForumChannel):
                newest = max((t.id for t in threads if t.parent_id == channel.id), default=0)
                if await self._cursor(channel.id) is None:
                    await cursors.advance(self.app, self.community_id, channel.id, newest)

    async def _guarded(self, channel_id: int, work: Awaitable[None]) -> None:
        """One channel's failure (403, 404, …) is logged; the sweep goes on."""
        try:
            await work
        except discord.HTTPException as exc:
            log.warning("READY sweep skipped channel %s: %s %s", channel_id, exc.status, exc.text)
            self.summary.failed.append(str(channel_id))
        except Exception:
            log.exception("READY sweep failed on channel %s", channel_id)
            self.summary.failed.append(str(channel_id))

    async def _cursor(self, channel_id: int) -> int | None:
        async with self.app.db.read() as conn:
            return await reconcile.get(conn, self.community_id, str(channel_id))

    async def _channel(self, channel: discord.TextChannel) -> None:
        """Top-level posts after the cursor, oldest first."""
        cursor = await self._cursor(channel.id)
        if cursor is None:  # never watched: its past was not missed, it starts now
            newest = [m.id async for m in channel.history(limit=1)]
            await cursors.advance(self.app, self.community_id, channel.id, max(newest, default=0))
            return
        seen = 0
        async for message in channel.history(after=discord.Object(id=cursor), limit=MAX_MESSAGES):
            seen += 1
            await self._deliver(message)
        if seen == MAX_MESSAGES:
            log.warning(
                "READY sweep: over %d posts missed in %s; older ones skipped", seen, channel
            )

    async def _threads(self, help_ids: set[int]) -> list[discord.Thread]:
        """Threads of unsolved questions first, then the other active help threads."""
        try:
            active = {t.id: t for t in await self.guild.active_threads() if t.parent_id in help_ids}
        except discord.HTTPException as exc:
            log.warning("READY sweep could not list active threads: %s %s", exc.status, exc.text)
            active = {}
        async with self.app.db.read() as conn:
            known = await reconcile.unsolved_threads(conn, self.community_id, MAX_THREADS)
        chosen: list[discord.Thread] = []
        for thread_id in (int(t) for t in known if t.isdigit()):
            thread = active.pop(thread_id, None) or self.guild.get_thread(thread_id)
            if thread is None:
                thread = await self._fetch_thread(thread_id)
            if thread is not None:
                chosen.append(thread)
        chosen += sorted(active.values(), key=lambda t: t.id, reverse=True)
        if len(chosen) > MAX_THREADS:
            log.warning("READY sweep: %d help threads, only %d looked at", len(chosen), MAX_THREADS)
        return chosen[:MAX_THREADS]

    async def _fetch_thread(self, thread_id: int) -> discord.Thread | None:
        """An archived or uncached thread; a deleted or hidden one is logged and skipped."""
        try:
            channel = await self.guild.fetch_channel(thread_id)
        except discord.HTTPException as exc:
            log.warning("READY sweep skipped thread %s: %s %s", thread_id, exc.status, exc.text)
            self.summary.failed.append(str(thread_id))
            return None
        return channel if isinstance(channel, discord.Thread) else None

    async def _thread(self, thread: discord.Thread, marks: sweep_marks.Marks) -> None:
        """Replies after the thread's cursor, then helpful marks on the answers in view."""
        window = [m async for m in thread.history(limit=MAX_MESSAGES)][::-1]  # oldest first
        cursor = await self._cursor(thread.id)
        if cursor is None:
            # New to us: a question thread, or a forum post newer than what its forum had.
            async with self.app.db.read() as conn:
                known = await reconcile.is_question_thread(conn, self.community_id, str(thread.id))
            parent = await self._cursor(thread.parent_id)
            cursor = -1 if known or (parent is not None and thread.id > parent) else None
        if cursor is not None:
            if len(window) == MAX_MESSAGES and window[0].id > cursor >= 0:
                log.warning("READY sweep: over %d replies missed in %s", MAX_MESSAGES, thread)
            for message in window:
                if message.id > cursor:
                    await self._deliver(message)
        for message in window:
            await marks.settle(thread, message)
        if window:
            await cursors.advance(self.app, self.community_id, thread.id, window[-1].id)

    async def _deliver(self, message: discord.Message) -> None:
        """A missed message goes through the usual path, in gateway order with live events."""
        event = translate.message(message, self.app.clock.now())
        if event is not None:
            handled = await self.adapter.dispatch(event)
            if handled and isinstance(event, ReplyPosted):
                self.summary.replies += 1
            elif handled:
                self.summary.posts += 1
        await cursors.advance(self.app, self.community_id, message.channel.id, message.id)
