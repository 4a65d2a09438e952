"""/questions [unanswered|open|mine] [#channel] [PAGE]: the helper's to-do list."""

from __future__ import annotations

from datetime import datetime

from bot.cogs.queue import _render
from bot.cogs.queue._render import PER_PAGE, Line
from bot.core.cog import Cog
from bot.core.commands import Option, command
from bot.core.identity import Conversation
from bot.runtime.context import Context
from bot.storage import triage
from bot.storage.triage import FILTERS, Filter


class QueueCog(Cog):
    """Lists the questions still waiting for help, with links to their threads."""

    name = "queue"

    @command(
        "questions",
        Option("filter", "choice", required=False, choices=FILTERS),
        Option("channel", "channel", required=False),
        Option("page", "int", required=False),
    )
    async def questions(
        self,
        ctx: Context,
        filter: Filter = "unanswered",
        channel: str | None = None,
        page: int = 1,
    ) -> None:
        """Questions still waiting for help, oldest first: unanswered (default), open, or
        mine; in one help channel if given; ten a page."""
        if page < 1:
            await ctx.tell("queue.bad_page", page=page)
            return
        async with ctx.services.db.read() as conn:
            total, items = await triage.page(
                conn,
                ctx.community_id,
                filter,
                asker_id=ctx.member_id if filter == "mine" else None,
                channel_id=channel,
                offset=(page - 1) * PER_PAGE,
                limit=PER_PAGE,
            )
        chat = ctx.chat
        community = ctx.event.community
        place = await chat.link(community, Conversation(channel)) if channel else None
        lines = [
            Line(
                item,
                await chat.link(
                    community,
                    Conversation(item.channel_id, item.thread_id),
                    None if item.thread_id else item.root_message_id,
                ),
                _age(ctx.event.at, item.created_at),
            )
            for item in items
        ]
        await ctx.reply(_render.page(ctx.t, filter, place, page, total, lines), ephemeral=True)


def _age(now: datetime, created_at: str) -> float:
    """Seconds since the question was asked (never negative: clocks may disagree a little)."""
    return max(0.0, (now - datetime.fromisoformat(created_at)).total_seconds())
