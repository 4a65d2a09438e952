"""Who and where: platform-tagged ids for communities, members and conversations."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Community:
    """A Discord guild, a Slack workspace or the console sandbox."""

    platform: str
    id: str
    name: str = ""

    @property
    def key(self) -> str:
        """Stable string key, unique across platforms."""
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True)
class Member:
    """A person (or bot) as the platform reports them on this event."""

    id: str
    name: str
    is_admin: bool = False
    is_staff: bool = False
    is_bot: bool = False

    @property
    def is_moderator(self) -> bool:
        """Staff and admins may act on anyone's question."""
        return self.is_admin or self.is_staff


# Who acted when the platform doesn't say (Discord never names who deleted a message, and
# once out of its cache not even whose it was). A bot, so it never counts as a helper.
UNKNOWN_MEMBER = Member("unknown", "unknown member", is_bot=True)


@dataclass(frozen=True)
class Conversation:
    """A channel, or a thread inside a channel when `thread_id` is set.

    `channel_name`, where the platform tells it, lets settings name channels ("help")
    instead of giving platform ids; it takes no part in equality.
    """

    channel_id: str
    thread_id: str | None = None
    channel_name: str | None = field(default=None, compare=False)

    def in_thread(self, thread_id: str) -> Conversation:
        """The same channel, inside the given thread."""
        return Conversation(self.channel_id, thread_id, self.channel_name)

    def is_in(self, channels: Collection[str]) -> bool:
        """Whether settings list this channel, by id or by name (with or without '#')."""
        if self.channel_id in channels or f"<#{self.channel_id}>" in channels:
            return True
        name = self.channel_name
        return name is not None and (name in channels or f"#{name}" in channels)
