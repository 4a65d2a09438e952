"""Routes neutral events to cog handlers; one failing handler never stops the others."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from bot.core.cog import Cog
from bot.core.commands import ArgumentError, CommandSpec, CommandTable
from bot.core.events import (
    ButtonPressed,
    CommandInvoked,
    Event,
    MemberText,
)
from bot.core.ports import DeliveryError
from bot.core.unseen import Unseen
from bot.runtime.context import CommunityContext, Context
from bot.storage import communities, processed_events
from bot.storage.communities import ensure_community, ensure_member
from bot.storage.scope import writing_for
from bot.storage.timers import Timer

if TYPE_CHECKING:
    from bot.core.services import Services

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[Any]]
# done: handled and marked processed; skipped: a replay or a bot's post; failed: a handler
# failed (retried on redelivery); unseen: about a message not seen yet (not marked either).
Handled: TypeAlias = Literal["done", "skipped", "failed", "unseen"]
# How long a process may hold an event it is handling before another may take a copy of it
# (handlers take well under a second; a send with retries, tens of seconds).
EVENT_CLAIM = timedelta(minutes=2)


class Dispatcher:
    """Holds every handler the loaded cogs declared and calls them for each event."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.listeners: dict[type[Event], list[tuple[Cog, Handler]]] = defaultdict(list)
        self.buttons: dict[str, tuple[Cog, Handler]] = {}
        self.commands = CommandTable()
        self.command_handlers: dict[str, tuple[Cog, Handler]] = {}
        self.timer_handlers: dict[str, Handler] = {}

    def register(self, cog: Cog) -> None:
        """Collect the cog's decorated methods."""
        for attr in dir(type(cog)):
            func = getattr(type(cog), attr, None)
            if func is None:
                continue
            bound = getattr(cog, attr)
            for event_type in getattr(func, "__entraide_listen__", ()):
                self.listeners[event_type].append((cog, bound))
            action = getattr(func, "__entraide_button__", None)
            if action is not None:
                if action in self.buttons:
                    raise ValueError(f"button action {action} is handled twice")
                self.buttons[action] = (cog, bound)
            spec: CommandSpec | None = getattr(func, "__entraide_command__", None)
            if spec is not None:
                self.commands.add(spec)
                self.command_handlers[spec.name] = (cog, bound)
            kind = getattr(func, "__entraide_timer__", None)
            if kind is not None:
                if kind in self.timer_handlers:
                    raise ValueError(f"timer kind {kind} is handled twice")
                self.timer_handlers[kind] = bound
                self.services.timers.handle(kind, partial(self.run_timer, bound))

    async def dispatch(self, event: Event) -> bool:
        """Handle one event; returns False if it was a replay or was ignored."""
        return await self.handle(event) == "done"

    async def handle(self, event: Event) -> Handled:
        """Handle one event and say how it went (adapters queue an unseen one again)."""
        if isinstance(event, MemberText) and event.author.is_bot:
            return "skipped"  # bot and webhook posts are never questions or answers
        # One atomic upsert, under no lock: the community's own lock needs its row id.
        async with self.services.db.unlocked() as conn:
            community_id = await ensure_community(conn, event.community, event.at)
        with writing_for(community_id):  # on PostgreSQL, other communities don't wait
            return await self._handle_for(event, community_id)

    async def _handle_for(self, event: Event, community_id: int) -> Handled:
        """handle() once the community's row is known."""
        services = self.services
        async with services.db.transaction() as tx:
            member_id = await ensure_member(tx, community_id, event.author, event.at)
            if await processed_events.was_processed(tx, community_id, event.event_id):
                log.debug("skipping replayed event %s", event.event_id)
                return "skipped"
            now = services.clock.now()
            owner = services.timers.owner
            if not await processed_events.claim(
                tx, community_id, event.event_id, owner, now, now + EVENT_CLAIM
            ):
                log.debug("event %s is being handled by another process", event.event_id)
                return "skipped"
        try:
            handled = await self._handle_claimed(event, community_id, member_id)
        except BaseException:
            await self._unclaim(community_id, event.event_id)
            raise
        async with services.db.transaction() as tx:
            if handled == "done":
                await processed_events.mark_processed(tx, community_id, event.event_id, event.at)
            await processed_events.unclaim(tx, community_id, event.event_id)
        return handled

    async def _unclaim(self, community_id: int, event_id: str) -> None:
        # Shielded: a cancelled handler still leaves the event to a redelivery.
        async def drop() -> None:
            async with self.services.db.transaction() as tx:
                await processed_events.unclaim(tx, community_id, event_id)

        await asyncio.shield(drop())

    async def _handle_claimed(self, event: Event, community_id: int, member_id: int) -> Handled:
        services = self.services
        config = await services.community_config(community_id)
        ctx = Context(
            services=services,
            community=event.community,
            community_id=community_id,
            config=config,
            event=event,
            member_id=member_id,
        )
        if isinstance(event, CommandInvoked):
            ok = await self._run_command(ctx, event)
        elif isinstance(event, ButtonPressed):
            ok = await self._run_button(ctx, event)
        else:
            ok, unseen = True, False
            for cog, handler in self.listeners.get(type(event), []):
                try:
                    ok = await self._guarded(cog, handler, ctx, event) and ok
                except Unseen:
                    unseen = True
            if unseen:  # never marked processed without its effect
                log.debug("event %s is about a message not seen yet", event.event_id)
                return "unseen"
        return "done" if ok else "failed"

    async def run_timer(self, handler: Handler, timer: Timer) -> None:
        """Run a due timer's handler with its community's context; a community gone since
        (the bot was removed) has nothing left to do. Failures go back to the timers, which
        retry or give up."""
        services = self.services
        async with services.db.read() as conn:
            community = await communities.by_id(conn, timer.community_id)
        if community is None:
            return
        ctx = CommunityContext(
            services=services,
            community=community,
            community_id=timer.community_id,
            config=await services.community_config(timer.community_id),
        )
        await handler(ctx, timer)

    async def _guarded(
        self, cog: Cog, handler: Handler, ctx: Context, *args: Any, **kwargs: Any
    ) -> bool:
        """Run a handler; log a failure with the event's context instead of raising.

        An ArgumentError is the user's mistake: they are told privately, and it counts as
        handled.
        """
        try:
            await handler(ctx, *args, **kwargs)
        except ArgumentError as exc:
            await ctx.tell(exc.key, **exc.params)
        except Unseen:
            raise
        except DeliveryError as exc:  # the adapter logged the cause; retried on replay
            log.warning(
                "cog %s could not deliver on %s (event %s): %s",
                cog.name,
                type(ctx.event).__name__,
                ctx.event.event_id,
                exc,
            )
            return False
        except Exception:
            event = ctx.event
            log.exception(
                "cog %s failed on %s (event %s, community %s, member %s)",
                cog.name,
                type(event).__name__,
                event.event_id,
                event.community.key,
                event.author.id,
            )
            return False
        return True

    async def _run_button(self, ctx: Context, event: ButtonPressed) -> bool:
        found = self.buttons.get(event.action)
        if found is None:
            await ctx.tell("error.button_expired")
            return True
        cog, handler = found
        ok = await self._guarded(cog, handler, ctx, event)
        if not ok:
            await self._apologise(ctx)
        return ok

    async def _run_command(self, ctx: Context, event: CommandInvoked) -> bool:
        spec = self.commands.specs.get(event.name)
        if spec is None:
            await ctx.tell("error.unknown_command", name=event.name)
            return True
        if spec.admin_only and not event.author.is_admin:
            await ctx.tell("error.admins_only", name=spec.name)
            return True
        if spec.staff_only and not event.author.is_moderator:
            await ctx.tell("error.staff_only", name=spec.name)
            return True
        cog, handler = self.command_handlers[spec.name]
        ok = await self._guarded(cog, handler, ctx, **event.options)
        if not ok:
            await self._apologise(ctx)
        return ok

    async def _apologise(self, ctx: Context) -> None:
        try:
            await ctx.tell("error.internal")
        except Exception:
            log.exception("could not tell %s about a failure", ctx.event.author.id)
