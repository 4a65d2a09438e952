"""Claim and Take over: who holds an escalation, told once to its thread, shown on the card."""

from __future__ import annotations

import logging

from bot.cogs._question_events import thread_of
from bot.cogs.escalation import card
from bot.core.ports import DeliveryError
from bot.core.replies import Reply
from bot.runtime.context import Context
from bot.storage import escalations, questions

log = logging.getLogger(__name__)


async def hold(ctx: Context, question_id: int, *, take_over: bool) -> None:
    """Claim (an open escalation) or Take over (one another staff member holds) for the
    presser. A Claim on someone else's claim changes nothing and is answered privately with
    the way to take it over; pressing either on your own claim says it is already yours. The
    hold is stored first; the thread is told once per new holder (a replay after a failed
    post tells it then, never twice); the card is edited to match."""
    if not ctx.event.author.is_moderator:
        await ctx.tell("escalation.staff_only")
        return
    me = ctx.event.author.id
    async with ctx.services.db.transaction() as tx:
        question = await questions.by_id(tx, ctx.community_id, question_id)
        record = await escalations.of(tx, question.id) if question else None
        if question is None or record is None:
            await ctx.tell("error.button_expired")
            return
        if record.status not in escalations.ACTIVE:
            await ctx.tell("escalation.already_closed", ref=question.ref)
            return
        # Take over on an open one (a card behind its state) is a plain claim.
        if record.status == "open" or (take_over and record.claimed_by != me):
            moving = record.status == "claimed"
            await escalations.hold(tx, question.id, ctx.member_id, ctx.event.at, take_over=moving)
            record = await escalations.of(tx, question.id) or record
    if record.claimed_by != me:
        await ctx.tell(
            "escalation.already_claimed", ref=question.ref, member=record.claimed_by or "?"
        )
    elif record.told_holds < record.holds:  # a new holder, or its line failed before
        key = "escalation.took_over" if record.taken_over else "escalation.claimed"
        await ctx.send(thread_of(question), Reply(ctx.t(key, member=me, ref=question.ref)))
        async with ctx.services.db.transaction() as tx:
            await escalations.update(tx, question.id, told_holds=record.holds)
        mine = "escalation.took_over_private" if record.taken_over else "escalation.claimed_private"
        await ctx.tell(mine, ref=question.ref)
    else:
        await ctx.tell("escalation.already_yours", ref=question.ref)
    await show_on_card(ctx, question)


async def show_on_card(ctx: Context, question: questions.Question) -> None:
    """Staff's action on the card itself (a stale card is brought up to date too); a refused
    edit is logged, not an error to them (the action is done, and the next state change
    edits the card again)."""
    try:
        await card.refresh(ctx.services, ctx.community_id, question.id)
    except DeliveryError as exc:
        log.warning("staff card of %s not edited: %s", question.ref, exc)
