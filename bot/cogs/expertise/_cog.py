"""/expertise add|remove|list and /experts."""

from __future__ import annotations

import aiosqlite

from bot.cogs.expertise import _render
from bot.core.cog import Cog
from bot.core.commands import ArgumentError, Option, command
from bot.expertise import ranking
from bot.runtime.context import Context
from bot.storage import nudges

MAX_TOPIC = 60
MAX_TOPICS = 10


class ExpertiseCog(Cog):
    """Declared topics, and the view staff get of the expertise model."""

    name = "expertise"
    member_tables = ("expertise_topics",)

    @command("expertise add", Option("topic", "text"))
    async def add(self, ctx: Context, topic: str) -> None:
        """Declare a topic you know well, so you're asked about it (e.g. billing)."""
        cleaned = " ".join(topic.split()).lower()
        if not cleaned or len(cleaned) > MAX_TOPIC:
            raise ArgumentError("expertise.bad_topic", limit=MAX_TOPIC)
        async with ctx.services.db.transaction() as tx:
            mine = (await nudges.topics(tx, ctx.community_id)).get(ctx.member_id, [])
            if cleaned not in mine and len(mine) >= MAX_TOPICS:
                raise ArgumentError("expertise.too_many", limit=MAX_TOPICS)
            added = await nudges.set_topic(
                tx, ctx.community_id, ctx.member_id, cleaned, True, ctx.event.at
            )
        await ctx.tell("expertise.added" if added else "expertise.already", topic=cleaned)

    @command("expertise remove", Option("topic", "text"))
    async def remove(self, ctx: Context, topic: str) -> None:
        """Stop declaring a topic."""
        cleaned = " ".join(topic.split()).lower()
        async with ctx.services.db.transaction() as tx:
            removed = await nudges.set_topic(
                tx, ctx.community_id, ctx.member_id, cleaned, False, ctx.event.at
            )
        await ctx.tell("expertise.removed" if removed else "expertise.not_declared", topic=cleaned)

    @command("expertise list")
    async def show(self, ctx: Context) -> None:
        """The topics you declared."""
        async with ctx.services.db.read() as conn:
            mine = (await nudges.topics(conn, ctx.community_id)).get(ctx.member_id, [])
        if not mine:
            await ctx.tell("expertise.none")
        else:
            await ctx.tell("expertise.list", topics=", ".join(mine))

    @command("experts", Option("query", "text"), staff_only=True)
    async def experts(self, ctx: Context, query: str) -> None:
        """Who would be nudged for a question like QUERY, and why (staff)."""
        ranked = await ranking.candidates(
            ctx.services, ctx.community_id, ctx.config, query, None, None, ctx.event.at
        )
        text = _render.experts(ctx.t, query, ranked, ctx.config.nudge_experts)
        await ctx.reply(text, ephemeral=True)

    async def delete_member_data(
        self, tx: aiosqlite.Connection, community_id: int, member_id: int
    ) -> None:
        """Declared topics describe the member: gone."""
        await nudges.drop_topics(tx, community_id, member_id)
