"""/leaderboard on demand and the scheduled post of each period."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import aiosqlite

from bot.cogs.leaderboard import _periods, _render
from bot.cogs.leaderboard._periods import Window
from bot.core.cog import Cog
from bot.core.commands import Option, command
from bot.core.identity import Community, Conversation
from bot.core.replies import Reply
from bot.runtime.context import Context
from bot.settings import CommunityDefaults
from bot.storage import helping, scheduled_posts, standings
from bot.storage.period_tallies import PeriodTallies

if TYPE_CHECKING:
    from bot.core.services import Services

log = logging.getLogger(__name__)

KIND = "leaderboard"  # its runs in scheduled_posts


class PeriodNotPosted(Exception):
    """The board can't go out this minute (its channel is missing); tried again later."""


class LeaderboardCog(Cog):
    """/leaderboard [week|month|all], opt-out, and the scheduled post."""

    name = "leaderboard"
    member_tables = ("leaderboard_optouts",)

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self._tallies = PeriodTallies()

    async def load(self) -> None:
        """Register the scheduled post with the wake-ups."""
        self.services.wakeups.every_tick("leaderboard", self.post_due)

    async def forget_community(self, community_id: int) -> None:
        """Purged ledger rows break the tallies' append-only reading (and their row ids may
        be reused): every window is summed afresh on its next board."""
        self._tallies = PeriodTallies()

    @command(
        "leaderboard", Option("period", "choice", required=False, choices=("week", "month", "all"))
    )
    async def show(self, ctx: Context, period: str = "week") -> None:
        """The top helpers of this week, this month, or all time."""
        window = _periods.on_demand(period, ctx.event.at, ctx.config.timezone)
        text, _ = await self._board(ctx.community_id, ctx.config, window, ctx.t)
        await ctx.reply(text, ephemeral=True)

    @command("leaderboard optout")
    async def optout(self, ctx: Context) -> None:
        """Stop appearing on leaderboards (your points still count)."""
        await self._set_optout(ctx, True)

    @command("leaderboard optin")
    async def optin(self, ctx: Context) -> None:
        """Appear on leaderboards again."""
        await self._set_optout(ctx, False)

    async def _set_optout(self, ctx: Context, out: bool) -> None:
        async with ctx.services.db.transaction() as tx:
            changed = await standings.set_optout(
                tx, ctx.community_id, ctx.member_id, out, ctx.event.at
            )
        state = "out" if out else "in"
        await ctx.tell(f"leaderboard.opted_{state}" if changed else f"leaderboard.already_{state}")

    async def _board(
        self, community_id: int, config: CommunityDefaults, window: Window, t: _render.Translate
    ) -> tuple[str, bool]:
        """The board's text, and whether anyone is on it: helping points only (the asker's
        bonus and admins' adjustments count in /rep, not here)."""
        async with self.services.db.read() as conn:
            if window.start is None or window.end is not None:
                rows = await helping.top_helpers(
                    conn,
                    community_id,
                    start=window.start,
                    end=window.end,
                    limit=config.leaderboard_size,
                    hide_staff=config.leaderboard_hide_staff,
                )
            else:  # this week or month so far: kept current from the ledger's new rows
                rows = await self._tallies.top(
                    conn,
                    community_id,
                    window.start,
                    limit=config.leaderboard_size,
                    hide_staff=config.leaderboard_hide_staff,
                )
            newcomers: set[int] = set()
            if window.start is not None:
                newcomers = await helping.first_time_helpers(
                    conn, community_id, [r.member_id for r in rows], window.start
                )
        return _render.board(t, window, rows, newcomers, config.timezone), bool(rows)

    async def post_due(self, now: datetime) -> None:
        """Post each community's latest scheduled leaderboard unless it was posted already."""
        await self.services.for_each_community(
            "scheduled leaderboard",
            lambda community_id, community: self._post_one(community_id, community, now),
        )

    async def _post_one(self, community_id: int, community: Community, now: datetime) -> None:
        config = await self.services.community_config(community_id)
        window = _periods.scheduled(config.leaderboard_cron, config.timezone, now)
        if window is None or window.end is None:
            return
        end = window.end
        async with self.services.db.read() as conn:
            if await scheduled_posts.made(conn, community_id, KIND, end):
                return

        # Claimed before it is made, so processes sharing the database post it once; a send
        # that fails gives the period back (tried again next minute), and a crash between the
        # claim and the send loses this period's board rather than posting it twice.
        async with self.services.db.transaction() as tx:
            if not await scheduled_posts.claim(tx, community_id, KIND, end, now):
                return
        try:
            message_id = await self._post_board(community, community_id, config, window)
        except BaseException as exc:
            async with self.services.db.transaction() as tx:
                await scheduled_posts.release(tx, community_id, KIND, end)
            if isinstance(exc, PeriodNotPosted):
                log.warning("%s", exc)
                return
            raise
        if message_id is not None:
            async with self.services.db.transaction() as tx:
                await scheduled_posts.set_message(tx, community_id, KIND, end, message_id)

    async def _post_board(
        self, community: Community, community_id: int, config: CommunityDefaults, window: Window
    ) -> str | None:
        """Post the period's board (None: an empty period, nothing to post); PeriodNotPosted
        when the channel is missing."""
        t = self.services.messages.translator(config.language)
        text, has_rows = await self._board(community_id, config, window, t)
        if not has_rows:
            return None
        chat = self.services.chat(community)
        channel = config.leaderboard_channel
        if not await chat.channel_exists(community, channel):
            raise PeriodNotPosted(f"leaderboard_channel {channel!r} is missing; period not posted")
        return await chat.send(community, Conversation(channel), Reply(text))

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """The member's opt-out (and when they chose it) goes; the anonymous row left behind is
        opted out afresh, so boards never list it as a mention of someone who isn't there."""
        now = self.services.clock.now()
        await standings.set_optout(tx, community_id, member_id, False, now)
        await standings.set_optout(tx, community_id, member_id, True, now)
