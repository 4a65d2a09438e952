"""Factories for core events as an adapter would deliver them to the console community."""

from __future__ import annotations

from datetime import datetime

from bot.adapters.console.adapter import COMMUNITY
from bot.core.events import MessagePosted, ReactionChanged, ReplyPosted
from bot.core.identity import Conversation, Member
from tests.fakes.console import START


def message_posted(
    event_id: str,
    message_id: str,
    text: str = "Does this work?",
    *,
    author: Member | None = None,
    channel: str = "help",
    at: datetime = START,
) -> MessagePosted:
    """A top-level post (by alice in #help unless told otherwise)."""
    return MessagePosted(
        event_id=event_id,
        community=COMMUNITY,
        author=author or Member("alice", "alice"),
        at=at,
        conversation=Conversation(channel),
        message_id=message_id,
        text=text,
    )


def reply_posted(
    event_id: str,
    message_id: str,
    thread_id: str,
    text: str = "Try this.",
    *,
    author: Member | None = None,
    channel: str = "help",
    at: datetime = START,
) -> ReplyPosted:
    """A reply in a thread (by bob unless told otherwise)."""
    return ReplyPosted(
        event_id=event_id,
        community=COMMUNITY,
        author=author or Member("bob", "bob"),
        at=at,
        conversation=Conversation(channel, thread_id),
        message_id=message_id,
        text=text,
    )


def reaction_changed(
    event_id: str,
    message_id: str,
    *,
    by: str,
    added: bool = True,
    emoji: str = "✅",
    thread_id: str | None = None,
    at: datetime = START,
) -> ReactionChanged:
    """A member adds (or removes) a reaction on a message."""
    return ReactionChanged(
        event_id=event_id,
        community=COMMUNITY,
        author=Member(by, by),
        at=at,
        conversation=Conversation("help", thread_id),
        message_id=message_id,
        emoji=emoji,
        added=added,
    )
