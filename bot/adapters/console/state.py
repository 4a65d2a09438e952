"""What the console community holds: members, channels, messages, threads, reactions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.replies import Attachment, Button
from bot.settings import ConsoleSettings

BOT_NAME = "entraide"


@dataclass
class ConsoleMessage:
    """A message in the console community; `id` is what the transcript shows (M3)."""

    id: str
    platform_id: str
    channel: str
    thread_id: str | None
    author: str
    text: str
    buttons: tuple[Button, ...] = ()
    private_to: str | None = None
    dm_to: str | None = None
    reactions: dict[str, set[str]] = field(default_factory=dict)
    deleted: bool = False
    files: tuple[Attachment, ...] = ()
    saved: tuple[str, ...] = ()  # how the saved files show ("📎 saved: PATH (12 KB)")


@dataclass
class ConsoleState:
    """All console data; message numbering restarts per session, platform ids don't."""

    settings: ConsoleSettings
    session: str
    messages: dict[str, ConsoleMessage] = field(default_factory=dict)
    by_platform_id: dict[str, ConsoleMessage] = field(default_factory=dict)
    thread_labels: dict[str, str] = field(default_factory=dict)
    thread_by_label: dict[str, str] = field(default_factory=dict)
    speakers: set[str] = field(default_factory=set)
    # Members the database knows from earlier sessions (name → id), looked up per command.
    stored: dict[str, str] = field(default_factory=dict)
    counter: int = 0

    def next_ids(self) -> tuple[str, str]:
        """(display id, platform id) of the next message."""
        self.counter += 1
        return f"M{self.counter}", f"{self.session}.{self.counter}"

    def add(self, message: ConsoleMessage) -> ConsoleMessage:
        """Store a new message."""
        self.messages[message.id] = message
        self.by_platform_id[message.platform_id] = message
        return message

    def is_admin(self, name: str) -> bool:
        """Admins come from [console] admins."""
        return name in self.settings.admins

    def is_staff(self, name: str) -> bool:
        """Staff come from [console] staff."""
        return name in self.settings.staff

    def known_member(self, name: str) -> bool:
        """Configured members, anyone who has spoken, and members stored in the database."""
        s = self.settings
        return (
            name in s.members
            or name in s.staff
            or name in s.admins
            or name in self.speakers
            or name in self.stored
        )

    def can_see_channel(self, name: str, channel: str) -> bool:
        """Private channels are for staff and admins."""
        if channel not in self.settings.private_channels:
            return True
        return self.is_staff(name) or self.is_admin(name) or name == BOT_NAME

    def visible_to(self, message: ConsoleMessage, name: str) -> bool:
        """Whether `name` can see (and so point at) a message."""
        if message.deleted:
            return False
        if message.private_to is not None:
            return message.private_to == name
        if message.dm_to is not None:
            return name in (message.dm_to, message.author)
        return self.can_see_channel(name, message.channel)

    def latest_by(
        self,
        author: str,
        viewer: str,
        having: Callable[[ConsoleMessage], bool] = lambda _: True,
    ) -> ConsoleMessage | None:
        """The newest message by `author` that `viewer` can see and that is `having` (for
        ^NAME; a press looks for the newest with its button)."""
        for message in reversed(list(self.messages.values())):
            if message.author == author and self.visible_to(message, viewer) and having(message):
                return message
        return None

    def thread_label(self, thread_id: str | None) -> str | None:
        """How a thread shows in the transcript: its question ref, or its root message id."""
        if thread_id is None:
            return None
        if thread_id in self.thread_labels:
            return self.thread_labels[thread_id]
        root = self.by_platform_id.get(thread_id)
        return root.id if root else thread_id
