"""Slack events in order per channel, from the moment bolt has the request's body.

Bolt answers Slack first and runs each listener as its own task, after its middleware and
before our member and channel lookups: any of those awaits could let a later event overtake.
So the turn is taken in `async_dispatch`, before bolt's first await, and the listener
handles its event in that turn. A request no listener takes (our own posts, a bad signature)
gives its turn back at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.adapters.sequencer import Sequencer, Turn, key
from bot.runtime.dispatcher import Handled

TURN, TAKEN = "entraide_turn", "entraide_turn_taken"
# app_mention too: the same post arrives as `message` and `app_mention`, one event id; in
# one line the second is a replay, not a race past the first's "already processed" check.
ORDERED = frozenset({"message", "app_mention", "reaction_added", "reaction_removed"})


def channel_of(body: Any) -> tuple[str, str] | None:
    """(team, channel) of a message or reaction event; None for everything else."""
    if not isinstance(body, dict) or body.get("type") != "event_callback":
        return None
    event = body.get("event") or {}
    if event.get("type") not in ORDERED:
        return None
    channel = event.get("channel") or (event.get("item") or {}).get("channel")
    if not channel:
        return None
    return str(body.get("team_id") or ""), str(channel)


class OrderedApp(AsyncApp):
    """A bolt app whose message and reaction events get a turn in their channel's line."""

    sequencer: Sequencer

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        """Take the event's turn (no await before it), then let bolt dispatch as usual."""
        where = channel_of(req.body)
        if where is None:
            return await super().async_dispatch(req)
        turn = self.sequencer.turn(key("slack", *where))
        req.context[TURN] = turn
        try:
            return await super().async_dispatch(req)
        finally:
            if not req.context.get(TAKEN):
                turn.release()  # no listener will run: the next event mustn't wait


async def take_turn(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
    """Listener middleware: this listener will run, so it owns the event's turn now."""
    context[TAKEN] = True
    await next()


async def in_turn(
    sequencer: Sequencer, context: AsyncBoltContext, attempt: Callable[[], Awaitable[Handled]]
) -> Handled:
    """Run a listener's work in its event's turn (queued again if its message is unseen)."""
    turn: Turn | None = context.get(TURN)
    if turn is None:  # not taken at dispatch (a test calling bolt directly): take it now
        return await attempt()
    return await sequencer.run(turn, attempt)
