"""/insights for staff, and the weekly staff report in the staff channel."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.cogs.insights import _render
from bot.core.cog import Cog
from bot.core.commands import Option, command
from bot.core.identity import Community, Conversation
from bot.core.periods import latest_period
from bot.core.ports import NotReady
from bot.core.replies import Reply
from bot.insights.charts import render_png
from bot.insights.figures import compute
from bot.insights.model import Insights, Period
from bot.runtime.context import Context
from bot.settings import CommunityDefaults
from bot.storage import scheduled_posts

log = logging.getLogger(__name__)

WINDOWS = {"week": timedelta(days=7), "month": timedelta(days=30)}
KIND = "insights"


class InsightsCog(Cog):
    """Figures from the records the other features keep; nothing of its own to store."""

    name = "insights"

    async def load(self) -> None:
        """Register the weekly report with the wake-ups."""
        self.services.wakeups.every_tick("insights", self.post_due)

    @command(
        "insights",
        Option("period", "choice", required=False, choices=tuple(WINDOWS)),
        staff_only=True,
    )
    async def insights(self, ctx: Context, period: str = "week") -> None:
        """The last 7 or 30 days, posted in the staff channel with a chart and an HTML report."""
        end = ctx.event.at + timedelta(microseconds=1)  # up to and including now
        _, reply = await self._report(
            ctx.community_id, ctx.event.community, ctx.config, Period(end - WINDOWS[period], end)
        )
        staff = Conversation(ctx.config.staff_channel)
        chat = ctx.chat
        if not await chat.channel_exists(ctx.event.community, ctx.config.staff_channel):
            await ctx.tell("insights.no_staff_channel")
            return
        await chat.send(ctx.event.community, staff, reply)
        where = ctx.conversation
        if where is None or not where.is_in([ctx.config.staff_channel]) or where.thread_id:
            await ctx.tell("insights.posted", channel=ctx.config.staff_channel)

    async def _report(
        self, community_id: int, community: Community, config: CommunityDefaults, period: Period
    ) -> tuple[Insights, Reply]:
        async with self.services.db.read() as conn:
            figures = await compute(
                conn,
                community_id,
                period,
                claim_sla_minutes=config.claim_sla_minutes,
                timezone=config.timezone,
                now=self.services.clock.now(),
            )
        png = await render_png(figures, language=config.language, timezone=config.timezone)
        reply = await asyncio.to_thread(  # the page inlines the chart: base64 of ~100 KB
            _render.summary,
            figures,
            png,
            community=community.name or f"{community.platform} {community.id}",
            language=config.language,
            timezone=config.timezone,
        )
        return figures, reply

    async def post_due(self, now: datetime) -> None:
        """Each community's latest scheduled report, once (missed runs coalesce into one)."""
        await self.services.for_each_community(
            "scheduled insights",
            lambda community_id, community: self._post_one(community_id, community, now),
        )

    async def _post_one(self, community_id: int, community: Community, now: datetime) -> None:
        config = await self.services.community_config(community_id)
        period = latest_period(config.insights_cron, config.timezone, now)
        if period is None:
            return
        chat = self.services.chat(community)
        if not await chat.channel_exists(community, config.staff_channel):
            return  # nowhere to post; checked again at the next run
        async with self.services.db.transaction() as tx:
            if not await scheduled_posts.claim(tx, community_id, KIND, period[1], now):
                return
        # At most once: a crash between the claim and the send loses this week's report
        # rather than repeating it in the staff channel.
        figures, reply = await self._report(community_id, community, config, Period(*period))
        if figures.asked == 0 and figures.active_members == 0:
            return  # a quiet week (or one before the bot came): no empty report
        try:
            message_id = await chat.send(community, Conversation(config.staff_channel), reply)
        except NotReady:
            # Nothing went out (the platform was still connecting, or already closing at a
            # restart): give the period back so the next run posts it, rather than lose it.
            async with self.services.db.transaction() as tx:
                await scheduled_posts.release(tx, community_id, KIND, period[1])
            log.info("weekly report for community %s waits for the platform", community_id)
            return
        async with self.services.db.transaction() as tx:
            await scheduled_posts.set_message(tx, community_id, KIND, period[1], message_id)
