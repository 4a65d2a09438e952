"""Discord → neutral events (pure: reads discord.py objects, returns core events or None).

Bot and webhook messages are never questions or answers; system messages (pins, joins,
thread starters) are not member content. Roles decide who counts as staff or admin, but
only as a first reading: admin checks are enforced again by the dispatcher.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord

from bot.core.events import (
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ReactionChanged,
    ReplyPosted,
)
from bot.core.identity import UNKNOWN_MEMBER, Community, Conversation, Member

MEMBER_CONTENT = (discord.MessageType.default, discord.MessageType.reply)


def community(guild: discord.Guild | Any) -> Community:
    """The neutral community of a guild."""
    return Community("discord", str(guild.id), str(guild.name))


def member(user: discord.Member | discord.User | Any) -> Member:
    """The neutral member: admins manage the server, staff moderate its messages."""
    perms = getattr(user, "guild_permissions", None)
    is_admin = bool(perms and (perms.administrator or perms.manage_guild))
    is_staff = bool(perms and perms.manage_messages)
    name = getattr(user, "display_name", None) or str(user.name)
    return Member(str(user.id), name, is_admin, is_staff, bool(user.bot))


def conversation(channel: Any) -> Conversation:
    """A channel, or a thread inside its parent channel."""
    if isinstance(channel, discord.Thread) or getattr(channel, "parent_id", None):
        parent = getattr(channel, "parent", None)
        return Conversation(str(channel.parent_id), str(channel.id), getattr(parent, "name", None))
    return Conversation(str(channel.id), channel_name=getattr(channel, "name", None))


def message(msg: discord.Message | Any, at: datetime) -> MessagePosted | ReplyPosted | None:
    """A member's post: top-level → MessagePosted, in a thread → ReplyPosted; else None.

    In a forum channel the post that opens a thread (its id is the thread's) is the question,
    its title included.
    """
    if msg.guild is None or msg.author.bot or msg.webhook_id is not None:
        return None
    if msg.type not in MEMBER_CONTENT:
        return None
    where = conversation(msg.channel)
    forum_starter = where.thread_id is not None and where.thread_id == str(msg.id)
    title = getattr(msg.channel, "name", None)  # a partial channel has none
    text = with_title(title, msg.content) if forum_starter else msg.content
    common: dict[str, Any] = {
        "event_id": f"discord:message:{msg.id}",
        "community": community(msg.guild),
        "author": member(msg.author),
        "at": at,
        "message_id": str(msg.id),
        "text": text,
    }
    if where.thread_id is None or forum_starter:
        return MessagePosted(conversation=where, **common)
    return ReplyPosted(conversation=where, **common)


def with_title(title: str | None, content: str) -> str:
    """A forum post's text: its title first (often the question itself), unless repeated."""
    title = (title or "").strip()
    if not title or content.strip().casefold().startswith(title.casefold()):
        return content
    return f"{title}\n{content}" if content.strip() else title


def reaction(
    payload: discord.RawReactionActionEvent | Any,
    guild: discord.Guild | Any,
    user: discord.Member | Any,
    channel: Any,
    at: datetime,
) -> ReactionChanged | None:
    """A raw reaction add/remove (raw: it also covers messages from before a restart)."""
    if user is None or user.bot:
        return None
    added = payload.event_type == "REACTION_ADD"
    emoji = str(payload.emoji)
    return ReactionChanged(
        event_id=f"discord:reaction:{payload.message_id}:{payload.user_id}:{emoji}:{int(added)}"
        f":{at.timestamp():.6f}",
        community=community(guild),
        author=member(user),
        at=at,
        conversation=conversation(channel),
        message_id=str(payload.message_id),
        emoji=emoji,
        added=added,
        message_author_id=str(payload.message_author_id) if payload.message_author_id else None,
    )


def edited(msg: discord.Message | Any, channel: Any, at: datetime) -> MessageEdited | None:
    """A member's message whose text changed (MESSAGE_UPDATE with content); else None.

    `channel` is where it is (resolved by the adapter: a raw update may carry only a partial
    one). A forum post's text keeps its title, as when it was posted.
    """
    if msg.guild is None or msg.author.bot or msg.webhook_id is not None:
        return None
    if msg.type not in MEMBER_CONTENT:
        return None
    where = conversation(channel)
    starter = where.thread_id is not None and where.thread_id == str(msg.id)
    text = with_title(getattr(channel, "name", None), msg.content) if starter else msg.content
    if msg.edited_at is None:  # an embed unfurled, a pin: the text didn't change
        return None
    return MessageEdited(
        # One id per edit: a redelivered MESSAGE_UPDATE is skipped, a later edit is new.
        event_id=f"discord:edited:{msg.id}:{msg.edited_at.timestamp():.6f}",
        community=community(msg.guild),
        author=member(msg.author),
        at=at,
        conversation=where,
        message_id=str(msg.id),
        text=text,
    )


def deleted(
    message_id: int,
    guild: discord.Guild | Any,
    channel: Any,
    cached: discord.Message | Any | None,
    at: datetime,
) -> MessageDeleted | None:
    """A raw MESSAGE_DELETE (one of a bulk delete too); None for a bot's or webhook's message.

    The author is the message's when discord.py still has it cached, else UNKNOWN_MEMBER.
    """
    if cached is not None and (cached.author.bot or cached.webhook_id is not None):
        return None
    return MessageDeleted(
        event_id=f"discord:deleted:{message_id}",
        community=community(guild),
        author=member(cached.author) if cached is not None else UNKNOWN_MEMBER,
        at=at,
        conversation=conversation(channel),
        message_id=str(message_id),
    )
