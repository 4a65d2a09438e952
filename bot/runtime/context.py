"""What a handler gets: the event's community and member rows, settings, and ways to reply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.core.events import Event
from bot.core.identity import Conversation
from bot.core.replies import Attachment, Button, Reply
from bot.settings import CommunityDefaults

if TYPE_CHECKING:
    from bot.runtime.app import App


@dataclass
class Context:
    """Handler context for one event."""

    app: App
    event: Event
    community_id: int
    member_id: int
    config: CommunityDefaults

    @property
    def language(self) -> str:
        """The community's language."""
        return self.config.language

    def t(self, message_key: str, /, **params: Any) -> str:
        """A catalogue message in the community's language."""
        return self.app.messages.get(self.language, message_key, **params)

    @property
    def conversation(self) -> Conversation | None:
        """Where the event happened, when it happened somewhere."""
        return getattr(self.event, "conversation", None)

    async def send(self, where: Conversation, reply: Reply) -> str:
        """Post a reply in a conversation; returns its message id."""
        return await self.app.chat(self.event.community).send(self.event.community, where, reply)

    async def reply(
        self,
        text: str,
        *,
        ephemeral: bool = False,
        buttons: tuple[Button, ...] = (),
        mentions: tuple[str, ...] = (),
        files: tuple[Attachment, ...] = (),
    ) -> str:
        """Answer where the event happened; `ephemeral` shows it (and its files) to the author
        only."""
        where = self.conversation
        if where is None:
            return await self.app.chat(self.event.community).send_dm(
                self.event.community,
                self.event.author.id,
                Reply(text, buttons=buttons, mentions=mentions, files=files),
            )
        reply = Reply(
            text,
            buttons=buttons,
            ephemeral_to=self.event.author.id if ephemeral else None,
            mentions=mentions,
            files=files,
        )
        return await self.send(where, reply)

    async def tell(self, message_key: str, /, **params: Any) -> str:
        """Ephemeral catalogue message to the event's author."""
        return await self.reply(self.t(message_key, **params), ephemeral=True)
