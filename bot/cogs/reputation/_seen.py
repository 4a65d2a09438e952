"""Marks read back from the platform (MarksSeen): give or take back only the difference.

Each change goes through the dispatcher as the reaction it stands for, so it is handled,
deduplicated and followed (ranks, announcements) exactly like a live one. A mark that earned
nothing (own answer, daily cap) is still stored, so it is never sent twice either.
"""

from __future__ import annotations

from bot.cogs.reputation._rules import mark_difference
from bot.core.events import MarksSeen, ReactionChanged
from bot.core.identity import Member
from bot.runtime.context import Context
from bot.storage import awards, reconcile


async def settle(ctx: Context, seen: MarksSeen) -> None:
    """Dispatch an add for each reaction without a mark, a removal for each mark without one."""
    if seen.emoji != ctx.config.helpful_emoji:
        return
    async with ctx.services.db.read() as conn:
        if await awards.answer_by_message(conn, ctx.community_id, seen.message_id) is None:
            return  # only answers carry marks
        givers = await reconcile.mark_givers(conn, ctx.community_id, seen.message_id)
    reacting = {member.id: member for member in seen.members}
    stored = {giver.external_id: giver for giver in givers}
    difference = mark_difference(reacting, [giver.external_id for giver in givers])
    for member_id in difference.give:
        if await _send(ctx, seen, reacting[member_id], added=True):
            seen.counts.added += 1
    for member_id in difference.take_back:
        giver = stored[member_id]
        author = Member(giver.external_id, giver.name, is_staff=giver.is_staff)
        if await _send(ctx, seen, author, added=False):
            seen.counts.removed += 1


async def _send(ctx: Context, seen: MarksSeen, author: Member, *, added: bool) -> bool:
    """One reaction change; True if it was handled (not a replay, nothing failed)."""
    return await ctx.emit(
        ReactionChanged,
        # Unique per reading: a mark given, taken back and given again is three changes.
        event_id=f"{seen.event_id}:{author.id}:{int(added)}",
        author=author,
        at=ctx.services.clock.now(),
        conversation=seen.conversation,
        message_id=seen.message_id,
        emoji=seen.emoji,
        added=added,
        message_author_id=seen.message_author_id,
    )
