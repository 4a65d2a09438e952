"""Protocols the core depends on; adapters and services implement them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

import numpy as np

from bot.core.commands import CommandSpec
from bot.core.identity import Community, Conversation
from bot.core.replies import Reply


class DeliveryError(Exception):
    """The platform refused a post: a missing permission, closed DMs, no such channel.

    The adapter has already logged what an admin should do; handlers and timers treat it
    as a failure to retry, without a traceback per event.
    """


class NotReady(Exception):
    """The platform isn't connected yet (starting, reconnecting): nothing was sent.

    Not a DeliveryError: nobody refused anything, so a timer that meets it is tried again
    soon without counting a failed try.
    """


@dataclass(frozen=True)
class ChannelInfo:
    """A channel as people know it: its platform id (the same channel however settings name
    it) and its name, shown as `#name`."""

    id: str
    name: str


# What a question's thread shows of its state (forum tags on Discord): "open" (with the
# community), "escalated" (with staff), "solved".
QuestionState = Literal["open", "escalated", "solved"]
# What ChatAdapter.lookup finds.
LookupKind = Literal["member", "role"]


class ChatAdapter(Protocol):
    """What a chat platform must offer the cogs."""

    platform: str

    async def send(self, community: Community, where: Conversation, reply: Reply) -> str:
        """Post a reply; returns the new message id."""
        ...

    async def send_dm(self, community: Community, member_id: str, reply: Reply) -> str:
        """Send a direct message; returns the message id."""
        ...

    async def edit(
        self, community: Community, where: Conversation, message_id: str, reply: Reply
    ) -> None:
        """Replace one of the bot's messages in place: its text, and its buttons (none if the
        reply has none). `where` is the channel or thread it was posted in."""
        ...

    async def open_thread(
        self, community: Community, channel_id: str, root_message_id: str, title: str, ref: str
    ) -> str:
        """Open (or find) the thread under a message; returns the thread id."""
        ...

    async def channel_exists(self, community: Community, channel_id: str) -> bool:
        """Whether the bot can see and post in that channel."""
        ...

    async def channel_info(self, community: Community, ref: str) -> ChannelInfo | None:
        """The channel a setting names (an id, a mention or a name); None if there is none.
        Settings may name one channel twice (`help` and its id): the id tells them apart."""
        ...

    async def set_role(
        self, community: Community, member_id: str, role: str, granted: bool
    ) -> bool:
        """Grant or remove a role (Discord role, Slack user group); False where unsupported."""
        ...

    async def lookup(self, community: Community, kind: LookupKind, ref: str) -> str | None:
        """What a setting names (on_duty's members, rank_roles' roles): a member's platform id
        from an id, mention or name; a role as typed when it exists. None: there is no such
        member or role. `ref` as given when the platform can't tell now (a refused lookup):
        a setting isn't refused for the platform's own failure."""
        ...

    def usage(self, spec: CommandSpec) -> str:
        """How members type this command on this platform (help and error messages)."""
        ...

    async def link(
        self, community: Community, where: Conversation, message_id: str | None = None
    ) -> str:
        """Where a member can open a channel, thread or message: a web address (Discord jump
        link, Slack permalink), or a short label where there is none (console `Q3`); "" when
        it can't be told now. Cogs show it with `replies.linked`."""
        ...

    async def show_state(
        self,
        community: Community,
        where: Conversation,
        root_message_id: str | None,
        state: QuestionState,
        *,
        close: bool = False,
    ) -> None:
        """Mark a question's state where members see it, in step with the database (a
        Discord forum post's Solved / Staff tags, a ✅ on a solved question's first message;
        nothing where a platform has no such mark). `close`: also close a solved forum post.
        Idempotent and best effort: the adapter logs a refusal, never raises it."""
        ...


class Clock(Protocol):
    """Source of the current time."""

    def now(self) -> datetime:
        """The current time, UTC."""
        ...


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors (blocking: call it off the event loop)."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Shape (len(texts), dim)."""
        ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Like encode, for questions; may trade a little precision for speed on bursts."""
        ...
