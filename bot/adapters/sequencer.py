"""Per-conversation order for the platform adapters: a turn is taken the moment an event
arrives, synchronously, before any lookup or await, and the event is handled when every
earlier event of its conversation is done. Conversations don't wait for each other.

An event about a message not seen yet (a reaction overtaking its answer on redelivery) is
not marked processed: it steps out of its conversation's line and is tried again behind each
event of the conversation that arrives next, for a few seconds, so the message it is about can
be handled first. Still unseen then, it is left unprocessed: the platform's redelivery, or a
catch-up, can still apply it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TypeAlias

from bot.core.events import Event
from bot.runtime.dispatcher import Handled

log = logging.getLogger(__name__)

Key: TypeAlias = str
PATIENCE = 60.0  # seconds one event waits for the one before it; then it goes anyway
# An unseen message's event tries again each time another event of its conversation arrives
# (behind it), for this many seconds; then it is left for a redelivery.
PATIENCE_UNSEEN = 6.0


class Turn:
    """One event's place in its conversation's line (enter waits; exit lets the next go)."""

    def __init__(self, owner: Sequencer, key: Key, before: asyncio.Event | None) -> None:
        self.owner, self.key, self._before = owner, key, before
        self.done = asyncio.Event()

    async def __aenter__(self) -> Turn:
        if self._before is not None and not self._before.is_set():
            try:
                await asyncio.wait_for(self._before.wait(), self.owner.patience)
            except asyncio.CancelledError:  # stopping: the events behind this one still go
                self.release()
                raise
            except TimeoutError:  # a stuck handler must not stop its conversation for good
                log.warning(
                    "event in %s waited %.0f s for the one before it", self.key, self.owner.patience
                )
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def release(self) -> None:
        """Let the next event of the conversation go (idempotent)."""
        self.done.set()
        if self.owner._tails.get(self.key) is self.done:
            del self.owner._tails[self.key]  # nothing queued behind: forget the conversation


class Sequencer:
    """FIFO lines of events, one per conversation key."""

    def __init__(self, patience: float = PATIENCE, unseen: float = PATIENCE_UNSEEN) -> None:
        self.patience, self.unseen = patience, unseen
        self._tails: dict[Key, asyncio.Event] = {}
        self._watching: dict[Key, set[asyncio.Event]] = {}  # unseen events waiting for news

    def turn(self, key: Key) -> Turn:
        """Take a place at the back of `key`'s line now (no await: arrival order is kept)."""
        turn = Turn(self, key, self._tails.get(key))
        self._tails[key] = turn.done
        for news in self._watching.get(key, ()):
            news.set()  # this may be the message an unseen event is about: try again behind it
        return turn

    def busy(self) -> int:
        """How many conversations have events queued or running (for tests and logs)."""
        return len(self._tails)

    async def run(self, turn: Turn, attempt: Callable[[], Awaitable[Handled]]) -> Handled:
        """Run `attempt` in its turn; an unseen message's event tries again for a while."""
        async with turn:
            outcome = await attempt()
        clock = asyncio.get_running_loop().time
        deadline = clock() + self.unseen
        while outcome == "unseen":
            left = deadline - clock()
            if left <= 0:
                log.info("an event in %s is about a message not seen: left unprocessed", turn.key)
                break
            await self._news(turn.key, left)
            async with self.turn(turn.key):
                outcome = await attempt()
        return outcome

    async def _news(self, key: Key, within: float) -> None:
        """Wait, out of the line, until another event of the conversation arrives (or not)."""
        news = asyncio.Event()
        self._watching.setdefault(key, set()).add(news)
        try:
            await asyncio.wait_for(news.wait(), within)
        except TimeoutError:
            pass
        finally:
            self._watching[key].discard(news)
            if not self._watching[key]:
                del self._watching[key]

    async def dispatch(
        self, event: Event, handle: Callable[[Event], Awaitable[Handled]]
    ) -> Handled:
        """A neutral event in its conversation's line (taken now), or at once without one."""
        line = key_of(event)
        if line is None:
            return await handle(event)
        return await self.run(self.turn(line), lambda: handle(event))


def key_of(event: Event) -> Key | None:
    """The line of a neutral event: its community and channel (a thread's parent channel, so
    a question and the replies in its thread keep their order); None without a conversation."""
    where = getattr(event, "conversation", None)
    if where is None:
        return None
    return f"{event.community.key}:{where.channel_id}"


def key(platform: str, community_id: object, channel_id: object) -> Key:
    """The same line's key from raw platform ids (before anything is looked up)."""
    return f"{platform}:{community_id}:{channel_id}"
