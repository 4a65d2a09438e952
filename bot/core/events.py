"""Platform-neutral events: adapters translate platform payloads into these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.identity import Community, Conversation, Member


@dataclass(frozen=True, kw_only=True)
class Event:
    """Common fields: `event_id` is unique per community and stable across redelivery."""

    event_id: str
    community: Community
    author: Member
    at: datetime


@dataclass(frozen=True, kw_only=True)
class MemberText(Event):
    """What a member wrote, and where: the body of the three events below (handlers listen
    to those, never to this one)."""

    conversation: Conversation
    message_id: str
    text: str


@dataclass(frozen=True, kw_only=True)
class MessagePosted(MemberText):
    """A top-level message in a channel (or the opening post of a forum thread)."""


@dataclass(frozen=True, kw_only=True)
class ReplyPosted(MemberText):
    """A message inside a thread."""


@dataclass(frozen=True, kw_only=True)
class ArticleShared(ReplyPosted):
    """Internal: a member shared a knowledge-base article in a thread (/kb post); the bot's
    post (`message_id`, `text`) is that member's answer (author = the sharer). Features that
    follow replies listen to it beside ReplyPosted: it is a reply in every way but its words."""

    article: str  # the article's slug


@dataclass(frozen=True, kw_only=True)
class MessageEdited(MemberText):
    """A member changed the text of one of their messages."""


@dataclass(frozen=True, kw_only=True)
class MessageDeleted(Event):
    """A message was removed (by its author or a moderator)."""

    conversation: Conversation
    message_id: str


@dataclass(frozen=True, kw_only=True)
class ReactionChanged(Event):
    """A reaction added (`added=True`) or removed on a message; `author` is who reacted."""

    conversation: Conversation
    message_id: str
    emoji: str
    added: bool
    message_author_id: str | None = None


@dataclass
class MarkCounts:
    """What listeners changed in answer to a MarksSeen (the platform logs the counts)."""

    added: int = 0
    removed: int = 0


@dataclass(frozen=True, kw_only=True)
class MarksSeen(Event):
    """Who reacts with `emoji` on a message now, read back from the platform (a sweep after
    time offline); `author` is the bot. Listeners compare it with what they stored and count
    what they changed in `counts`. `event_id` is unique per reading, never replayed."""

    conversation: Conversation
    message_id: str
    emoji: str
    members: tuple[Member, ...]
    message_author_id: str | None = None
    counts: MarkCounts = field(default_factory=MarkCounts, compare=False)


@dataclass(frozen=True, kw_only=True)
class ButtonPressed(Event):
    """A button the bot rendered was pressed; `action` and `value` come from the Button."""

    conversation: Conversation
    message_id: str
    action: str
    value: str


@dataclass(frozen=True, kw_only=True)
class CommandInvoked(Event):
    """A slash command with its parsed options."""

    conversation: Conversation
    name: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class DirectMessage(Event):
    """A member wrote to the bot privately (Slack's Messages tab): not a question, nobody
    who could answer would see it."""

    conversation: Conversation
    message_id: str
    text: str


@dataclass(frozen=True, kw_only=True)
class MemberJoined(Event):
    """A member joined the community."""


@dataclass(frozen=True, kw_only=True)
class QuestionOpened(Event):
    """Internal: a question was recorded and its thread is open (author = the asker)."""

    question_id: int
    number: int
    text: str
    conversation: Conversation


@dataclass(frozen=True, kw_only=True)
class QuestionSolved(Event):
    """Internal: a question was marked solved (author = who marked it)."""

    question_id: int
    number: int
    resolution: str
    conversation: Conversation


@dataclass(frozen=True, kw_only=True)
class EarlierAnswerReused(Event):
    """Internal: an earlier thread's answer solved a new question, its asker said (author);
    `added=False`: the asker took that back."""

    question_id: int  # the new question
    number: int
    answer_id: int | None  # the earlier thread's answer (None when taken back)
    receiver_id: int | None  # the member row of that answer's author (None when taken back)
    added: bool


@dataclass(frozen=True, kw_only=True)
class AnswerMarkedHelpful(Event):
    """Internal: a helpful mark earned an answer points (author = who marked it)."""

    answer_id: int
    question_id: int
    receiver_id: int
    receiver: str
