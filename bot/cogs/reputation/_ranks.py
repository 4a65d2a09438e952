"""Ranks follow totals: stored first, then mirrored as platform roles both ways; a promotion
is announced once per member and rank, ever (rank_announcements, migration 0017)."""

from __future__ import annotations

import logging

from bot.cogs.reputation import _render, _rules
from bot.core.identity import Conversation
from bot.core.replies import Reply
from bot.runtime.context import Context
from bot.settings.config_formats import parse_rank_roles
from bot.storage import reputation as rep
from bot.storage import standings
from bot.storage.communities import external_id

log = logging.getLogger(__name__)


async def follow(ctx: Context, member_ids: tuple[int, ...] | list[int]) -> None:
    """Re-rank members whose totals moved; announce promotions, sync mapped roles."""
    for member_id in dict.fromkeys(member_ids):
        try:
            await _follow_one(ctx, member_id)
        except Exception:
            log.exception("rank update failed for member %s", member_id)


async def _follow_one(ctx: Context, member_id: int) -> None:
    config = ctx.config
    async with ctx.services.db.transaction() as tx:
        total = await rep.total(tx, ctx.community_id, member_id)
        givers = await rep.distinct_givers(tx, ctx.community_id, member_id, config.rank_min_givers)
        new = _rules.rank_for(total, givers, config)
        old = await standings.rank_of(tx, ctx.community_id, member_id)
        if old == new.name:
            return
        await standings.set_rank(tx, ctx.community_id, member_id, new.name, ctx.event.at)
        promoted = _rules.rank_index(new.name, config) > max(_rules.rank_index(old, config), 0)
        # Once per member and rank, ever: falling back under a line and crossing it again
        # (a ✅ toggled, a replay, a restart) finds the row and stays quiet.
        announce = promoted and await standings.claim_announcement(
            tx, ctx.community_id, member_id, new.name, ctx.event.at
        )
        external = await external_id(tx, member_id)
    if external is None:
        return
    community = ctx.event.community
    chat = ctx.services.chat(community)
    roles = parse_rank_roles(config.rank_roles)
    for name, granted in ((old, False), (new.name, True)):
        role = roles.get((name or "").lower())
        if role and not await chat.set_role(community, external, role, granted):
            log.info("platform %s can't set roles; rank %s not mirrored", chat.platform, name)
    if not announce:
        return
    channel = config.announce_channel
    if not await chat.channel_exists(community, channel):
        log.warning(
            "announce_channel %r is missing; %s's new rank not announced", channel, external
        )
        return
    text = ctx.t("reputation.rank_up", member=external, rank=_render.rank_name(ctx, new.name))
    await chat.send(community, Conversation(channel), Reply(text, mentions=(external,)))
