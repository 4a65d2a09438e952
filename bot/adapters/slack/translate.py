"""Slack → neutral events (pure: reads the Events API payloads, returns core events or None).

Top-level messages are posts, thread replies (`thread_ts` ≠ `ts`) are replies; an
`app_mention` is read as the channel message it also is. A message in the bot's Messages
tab (`channel_type` im) is a DirectMessage. Bot messages,
edits of bot posts, thread bookkeeping and `subtype`s that aren't member content are
ignored. Slack names reactions (`white_check_mark`); the core speaks emoji (✅).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.events import (
    DirectMessage,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ReactionChanged,
    ReplyPosted,
)
from bot.core.identity import Community, Conversation, Member

# Subtypes that are a member's own words; every other subtype (joins, topics, bots) is not.
MEMBER_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}
EMOJI = {
    "white_check_mark": "✅",
    "heavy_check_mark": "✔️",
    "ballot_box_with_check": "☑️",
    "+1": "👍",
    "thumbsup": "👍",
    "-1": "👎",
    "thumbsdown": "👎",
    "tada": "🎉",
    "heart": "❤️",
    "star": "⭐",
    "bulb": "💡",
    "pray": "🙏",
    "raised_hands": "🙌",
    "eyes": "👀",
}

MessageEvent = MessagePosted | ReplyPosted | MessageEdited | MessageDeleted


def community(team_id: str, name: str = "") -> Community:
    """The neutral community of a workspace."""
    return Community("slack", team_id, name)


def emoji(name: str) -> str:
    """A reaction name as the core writes it: ✅ for white_check_mark, else :name:."""
    base = name.split("::", 1)[0]  # skin tones: thumbsup::skin-tone-2 is a thumbs up
    return EMOJI.get(base, f":{base}:")


def sender(event: dict[str, Any]) -> str | None:
    """Who wrote the message an event is about (posted, edited or deleted); None for bots."""
    subtype = event.get("subtype")
    message = {
        "message_changed": event.get("message"),
        "message_deleted": event.get("previous_message"),
    }.get(str(subtype), event)
    if isinstance(message, dict) and message.get("subtype") == "tombstone":
        message = event.get("previous_message")  # the author of what was deleted
    if not isinstance(message, dict) or message.get("bot_id"):
        return None
    if message.get("subtype") == "bot_message":
        return None
    user = message.get("user")
    return str(user) if user else None


def conversation(channel: str, thread_ts: str | None, channel_name: str | None) -> Conversation:
    """A channel, or a thread (the root message's ts) inside it."""
    return Conversation(channel, thread_ts, channel_name)


def message(
    event: dict[str, Any],
    team: Community,
    author: Member,
    at: datetime,
    channel_name: str | None = None,
) -> MessageEvent | None:
    """A `message` event: post, reply, edit or deletion; None when it isn't member content."""
    subtype, channel = event.get("subtype"), str(event.get("channel", ""))
    if author.is_bot or not channel or event.get("bot_id"):
        return None
    changed = event.get("message") or {}
    # A message with replies isn't deleted but replaced by a tombstone (message_changed).
    tombstone = subtype == "message_changed" and changed.get("subtype") == "tombstone"
    if subtype == "message_changed" and not tombstone:
        return _edited(event, team, author, at, channel, channel_name)
    if subtype == "message_deleted" or tombstone:
        deleted = str(event.get("deleted_ts") or changed.get("ts", ""))
        where = conversation(channel, _thread_of(event.get("previous_message") or {}), channel_name)
        return MessageDeleted(
            event_id=f"slack:deleted:{channel}:{deleted}",
            community=team,
            author=author,
            at=at,
            conversation=where,
            message_id=deleted,
        )
    if subtype not in MEMBER_SUBTYPES or not event.get("ts"):
        return None
    ts, thread = str(event["ts"]), _thread_of(event)
    common: dict[str, Any] = {
        "event_id": f"slack:message:{channel}:{ts}",
        "community": team,
        "author": author,
        "at": at,
        "message_id": ts,
        "text": str(event.get("text") or ""),
    }
    if thread is None:
        return MessagePosted(conversation=conversation(channel, None, channel_name), **common)
    return ReplyPosted(conversation=conversation(channel, thread, channel_name), **common)


def is_direct(event: dict[str, Any]) -> bool:
    """Whether a message was written to the bot in its Messages tab (a DM, `message.im`)."""
    return event.get("channel_type") == "im"


def direct(
    event: dict[str, Any], team: Community, author: Member, at: datetime
) -> DirectMessage | None:
    """A member's new message to the bot; None for edits, deletions and bookkeeping."""
    channel = str(event.get("channel", ""))
    if author.is_bot or event.get("bot_id") or not channel or not event.get("ts"):
        return None
    if event.get("subtype") not in MEMBER_SUBTYPES:
        return None
    ts = str(event["ts"])
    return DirectMessage(
        event_id=f"slack:message:{channel}:{ts}",
        community=team,
        author=author,
        at=at,
        conversation=conversation(channel, _thread_of(event), None),
        message_id=ts,
        text=str(event.get("text") or ""),
    )


def reaction(
    event: dict[str, Any], event_id: str, team: Community, author: Member, at: datetime
) -> ReactionChanged | None:
    """`reaction_added` / `reaction_removed` on a message; None on files or from bots."""
    item = event.get("item") or {}
    if author.is_bot or item.get("type") != "message" or not item.get("ts"):
        return None
    return ReactionChanged(
        event_id=f"slack:{event_id}",
        community=team,
        author=author,
        at=at,
        conversation=Conversation(str(item.get("channel", ""))),
        message_id=str(item["ts"]),
        emoji=emoji(str(event.get("reaction", ""))),
        added=event.get("type") == "reaction_added",
        message_author_id=str(event["item_user"]) if event.get("item_user") else None,
    )


def clicked(body: dict[str, Any]) -> tuple[str, Conversation, dict[str, Any]]:
    """Who clicked a button or ran a shortcut, where (the thread of the message), and that
    message."""
    message = body.get("message") or {}
    user = str((body.get("user") or {}).get("id", ""))
    channel = str((body.get("channel") or {}).get("id", ""))
    return user, Conversation(channel, _thread_of(message)), message


def _thread_of(message: dict[str, Any]) -> str | None:
    """The thread a message is a reply in (its root's ts); None for a top-level message."""
    thread, ts = message.get("thread_ts"), message.get("ts")
    return str(thread) if thread and thread != ts else None


def _edited(
    event: dict[str, Any],
    team: Community,
    author: Member,
    at: datetime,
    channel: str,
    channel_name: str | None,
) -> MessageEdited | None:
    """A member changed their text; thread bookkeeping (reply counts) changes no text."""
    new, old = event.get("message") or {}, event.get("previous_message") or {}
    if new.get("bot_id") or new.get("text") == old.get("text") or not new.get("ts"):
        return None
    edited_at = (new.get("edited") or {}).get("ts") or event.get("ts")
    return MessageEdited(
        event_id=f"slack:edited:{channel}:{new['ts']}:{edited_at}",
        community=team,
        author=author,
        at=at,
        conversation=conversation(channel, _thread_of(new), channel_name),
        message_id=str(new["ts"]),
        text=str(new.get("text") or ""),
    )
