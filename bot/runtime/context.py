"""What a handler gets: its community, settings and services; for an event, also the
member and ways to reply, and to raise the internal events other features listen to."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.core.events import Event
from bot.core.identity import Community, Conversation
from bot.core.ports import ChatAdapter, DeliveryError
from bot.core.replies import Attachment, Button, Reply
from bot.core.services import Services
from bot.settings import CommunityDefaults

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Event)


@dataclass
class CommunityContext:
    """A community at work: what a timer handler gets (the runtime builds it)."""

    services: Services
    community: Community
    community_id: int
    config: CommunityDefaults

    @property
    def language(self) -> str:
        """The community's language."""
        return self.config.language

    def t(self, message_key: str, /, **params: Any) -> str:
        """A catalogue message in the community's language."""
        return self.services.messages.get(self.language, message_key, **params)

    @property
    def translator(self) -> Callable[..., str]:
        """`t` as a function to hand to renderers."""
        return self.services.messages.translator(self.language)

    @property
    def chat(self) -> ChatAdapter:
        """The adapter of the community's platform."""
        return self.services.chat(self.community)

    async def send(self, where: Conversation, reply: Reply) -> str:
        """Post a reply in a conversation; returns its message id."""
        return await self.chat.send(self.community, where, reply)

    async def dm(self, member: str, reply: Reply) -> bool:
        """A direct message; False (logged) when the platform refuses it (closed DMs)."""
        try:
            await self.chat.send_dm(self.community, member, reply)
        except DeliveryError as exc:
            log.info("DM to %s in %s not delivered: %s", member, self.community.key, exc)
            return False
        return True

    async def dm_or_mention(
        self,
        dms: dict[str, Reply],
        where: Conversation,
        mention: Callable[[list[str]], Reply],
        *,
        mention_anyway: Sequence[str] = (),
    ) -> list[str]:
        """DM each member their reply; those whose DMs are refused are mentioned in `where`
        instead, in one `mention(members)` message with `mention_anyway` first. Returns who
        was mentioned."""
        refused = [member for member, reply in dms.items() if not await self.dm(member, reply)]
        if refused:
            log.warning("DM to %s refused; mentioning them instead", ", ".join(refused))
        mentioned = [*mention_anyway, *refused]
        if mentioned:
            await self.send(where, mention(mentioned))
        return mentioned


@dataclass
class Context(CommunityContext):
    """Handler context for one event."""

    event: Event
    member_id: int

    @property
    def conversation(self) -> Conversation | None:
        """Where the event happened, when it happened somewhere."""
        return getattr(self.event, "conversation", None)

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
            return await self.chat.send_dm(
                self.community,
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

    async def emit(self, event_type: type[E], /, *, event_id: str, **fields: Any) -> bool:
        """Raise an internal event (by this event's author, at its time unless given) for
        every feature; its `event_id` makes it happen once. False if replayed or failed."""
        fields.setdefault("author", self.event.author)
        fields.setdefault("at", self.event.at)
        event = event_type(event_id=event_id, community=self.community, **fields)
        return await self.services.dispatch(event)
