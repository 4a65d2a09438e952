"""Factories for realistic Discord API payloads, with every key discord.py 2.x reads."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

Payload = dict[str, Any]

APPLICATION_ID = "900000000000000001"
BOT_USER_ID = APPLICATION_ID
GUILD_ID = "900000000000000100"
EVERYONE_ROLE_ID = GUILD_ID
HELPER_ROLE_ID = "900000000000000101"
HELP_CHANNEL_ID = "900000000000000200"
GENERAL_CHANNEL_ID = "900000000000000201"
ALICE_ID = "900000000000000300"
BOB_ID = "900000000000000301"
EPHEMERAL = 1 << 6
ALL_PERMISSIONS = "1071698660929"

_ids = itertools.count(910000000000000000)


def snowflake() -> str:
    """A fresh, increasing snowflake id."""
    return str(next(_ids))


def timestamp(at: datetime | None = None) -> str:
    """An ISO-8601 timestamp as Discord sends it."""
    return (at or datetime.now(UTC)).isoformat()


def user(user_id: str = ALICE_ID, username: str = "alice", *, bot: bool = False) -> Payload:
    """A user object."""
    return {
        "id": user_id,
        "username": username,
        "global_name": username.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def bot_user() -> Payload:
    """The bot's own user object (also the answer to GET /users/@me)."""
    data = user(BOT_USER_ID, "entraide", bot=True)
    data.update({"verified": True, "mfa_enabled": False, "locale": "en-US", "email": None})
    return data


def application() -> Payload:
    """The answer to GET /oauth2/applications/@me."""
    return {
        "id": APPLICATION_ID,
        "name": "Entraide",
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "00" * 32,
        "owner": user(),
        "flags": 0,
        "team": None,
    }


def member(author: Payload | None = None, roles: list[str] | None = None) -> Payload:
    """A guild member object, with its user."""
    return {
        "user": author or user(),
        "nick": None,
        "roles": roles or [],
        "joined_at": timestamp(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
    }


def role(role_id: str, name: str, *, position: int = 0, permissions: str = "0") -> Payload:
    """A role object."""
    return {
        "id": role_id,
        "name": name,
        "color": 0,
        "hoist": False,
        "position": position,
        "permissions": permissions,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def text_channel(
    channel_id: str = HELP_CHANNEL_ID,
    name: str = "help",
    *,
    position: int = 0,
    guild_id: str = GUILD_ID,
) -> Payload:
    """A guild text channel."""
    return {
        "id": channel_id,
        "type": 0,
        "guild_id": guild_id,
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "topic": None,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "parent_id": None,
        "default_auto_archive_duration": 1440,
        "flags": 0,
    }


def thread_channel(
    thread_id: str,
    name: str,
    *,
    parent_id: str = HELP_CHANNEL_ID,
    owner_id: str = ALICE_ID,
    guild_id: str = GUILD_ID,
) -> Payload:
    """A public thread (type 11) with its metadata."""
    return {
        "id": thread_id,
        "type": 11,
        "guild_id": guild_id,
        "parent_id": parent_id,
        "owner_id": owner_id,
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": timestamp(),
            "locked": False,
        },
    }


def guild(
    *,
    guild_id: str = GUILD_ID,
    help_channel_id: str = HELP_CHANNEL_ID,
    general_channel_id: str = GENERAL_CHANNEL_ID,
    helper_role_id: str = HELPER_ROLE_ID,
    **overrides: Any,
) -> Payload:
    """A full GUILD_CREATE guild: #help, #general, @everyone, Helper, alice and the bot
    (another guild: its own ids; @everyone's id is the guild's, as on Discord)."""
    everyone = role(guild_id, "@everyone", permissions=ALL_PERMISSIONS)
    help_channel = text_channel(help_channel_id, "help", guild_id=guild_id)
    general = text_channel(general_channel_id, "general", position=1, guild_id=guild_id)
    return {
        "id": guild_id,
        "name": "Entraide Test",
        "icon": None,
        "owner_id": ALICE_ID,
        "preferred_locale": "en-US",
        "features": [],
        "emojis": [],
        "roles": [everyone, role(helper_role_id, "Helper", position=1)],
        "channels": [help_channel, general],
        "threads": [],
        "members": [member(), member(bot_user())],
        "member_count": 3,
        "unavailable": False,
        "joined_at": timestamp(),
    } | overrides


def message(
    content: str,
    *,
    message_id: str | None = None,
    channel_id: str = HELP_CHANNEL_ID,
    author: Payload | None = None,
    guild_id: str | None = GUILD_ID,
) -> Payload:
    """A message object, as returned by REST."""
    return {
        "id": message_id or snowflake(),
        "type": 0,
        "channel_id": channel_id,
        "author": author or user(),
        "content": content,
        "timestamp": timestamp(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "reactions": [],
        "pinned": False,
        "flags": 0,
        **({"guild_id": guild_id} if guild_id else {}),
    }


def message_create(content: str, *, author: Payload | None = None, **kwargs: Any) -> Payload:
    """A MESSAGE_CREATE dispatch: a message plus the author's partial member."""
    data = message(content, author=author or user(), **kwargs)
    if "guild_id" in data:
        data["member"] = {k: v for k, v in member(data["author"]).items() if k != "user"}
    return data


def reaction(
    message_id: str,
    emoji: str = "👍",
    *,
    user_id: str = ALICE_ID,
    channel_id: str = HELP_CHANNEL_ID,
    add: bool = True,
    guild_id: str = GUILD_ID,
    author_id: str = ALICE_ID,
) -> Payload:
    """A raw MESSAGE_REACTION_ADD (add=True, with member and the message's author) or
    _REMOVE payload."""
    data: Payload = {
        "user_id": user_id,
        "channel_id": channel_id,
        "message_id": message_id,
        "guild_id": guild_id,
        "emoji": {"id": None, "name": emoji, "animated": False},
        "burst": False,
        "type": 0,
    }
    if add:
        data["member"] = member(user(user_id))
        data["message_author_id"] = author_id
        data["burst_colors"] = []
    return data


def thread_create(thread_id: str, name: str, **kwargs: Any) -> Payload:
    """A THREAD_CREATE dispatch for a freshly created thread."""
    data = thread_channel(thread_id, name, **kwargs)
    data["newly_created"] = True
    joined = {"id": thread_id, "user_id": data["owner_id"], "flags": 0}
    data["member"] = joined | {"join_timestamp": timestamp()}
    return data


def _interaction(
    kind: int,
    data: Payload,
    channel_id: str,
    author: Payload | None,
    guild_id: str = GUILD_ID,
) -> Payload:
    """The common shape of an INTERACTION_CREATE in a guild channel."""
    return {
        "id": snowflake(),
        "application_id": APPLICATION_ID,
        "type": kind,
        "data": data,
        "guild_id": guild_id,
        "guild": {"id": guild_id, "locale": "en-US", "features": []},
        "channel_id": channel_id,
        "channel": text_channel(channel_id, guild_id=guild_id),
        "member": {**member(author or user()), "permissions": ALL_PERMISSIONS},
        "token": f"tok-{snowflake()}",
        "version": 1,
        "app_permissions": ALL_PERMISSIONS,
        "locale": "en-US",
        "guild_locale": "en-US",
        "context": 0,
        "attachment_size_limit": 10485760,
    }


def slash_command(
    name: str,
    options: list[Payload] | None = None,
    *,
    command_id: str | None = None,
    channel_id: str = HELP_CHANNEL_ID,
    author: Payload | None = None,
    guild_id: str = GUILD_ID,
) -> Payload:
    """An INTERACTION_CREATE for a chat-input (slash) command."""
    data = {"id": command_id or snowflake(), "name": name, "type": 1, "options": options or []}
    data["guild_id"] = guild_id
    return _interaction(2, data, channel_id, author, guild_id)


def button_click(
    custom_id: str, on: Payload, *, author: Payload | None = None, guild_id: str = GUILD_ID
) -> Payload:
    """An INTERACTION_CREATE for a click on a button (component type 2) of message `on`."""
    data = {"custom_id": custom_id, "component_type": 2}
    return _interaction(3, data, on["channel_id"], author, guild_id) | {"message": on}


def dm_button_click(custom_id: str, on: Payload, *, author: Payload | None = None) -> Payload:
    """An INTERACTION_CREATE for a click on a button of a DM the bot sent (`on`): no guild,
    a `user` instead of a `member`, the bot's DM context."""
    clicker = author or user()
    return {
        "id": snowflake(),
        "application_id": APPLICATION_ID,
        "type": 3,
        "data": {"custom_id": custom_id, "component_type": 2},
        "channel_id": on["channel_id"],
        "channel": {"id": on["channel_id"], "type": 1, "recipients": [clicker]},
        "user": clicker,
        "token": f"tok-{snowflake()}",
        "version": 1,
        "app_permissions": ALL_PERMISSIONS,
        "locale": "en-US",
        "context": 1,
        "attachment_size_limit": 10485760,
        "message": on,
    }


def message_delete(message: Payload) -> Payload:
    """A MESSAGE_DELETE dispatch: ids only (Discord never says who deleted it)."""
    data = {"id": message["id"], "channel_id": message["channel_id"]}
    return data | ({"guild_id": message["guild_id"]} if "guild_id" in message else {})


def message_delete_bulk(messages: list[Payload]) -> Payload:
    """A MESSAGE_DELETE_BULK dispatch (a moderator's purge) of messages of one channel."""
    first = messages[0]
    data = {"ids": [m["id"] for m in messages], "channel_id": first["channel_id"]}
    return data | ({"guild_id": first["guild_id"]} if "guild_id" in first else {})


def message_update(message: Payload, content: str, *, edited: datetime | None = None) -> Payload:
    """A MESSAGE_UPDATE dispatch: the whole message with its new text and edit time."""
    return message | {"content": content, "edited_timestamp": timestamp(edited)}


def ready(session_id: str, resume_gateway_url: str, guild_ids: list[str]) -> Payload:
    """The READY dispatch, listing guilds as unavailable until their GUILD_CREATE."""
    return {
        "user": bot_user(),
        "guilds": [{"id": gid, "unavailable": True} for gid in guild_ids],
        "session_id": session_id,
        "resume_gateway_url": resume_gateway_url,
        "application": {"id": APPLICATION_ID, "flags": 0},
        "private_channels": [],
    }


def members_chunk(guild_id: str, members: list[Payload], nonce: str | None) -> Payload:
    """A GUILD_MEMBERS_CHUNK dispatch answering REQUEST_GUILD_MEMBERS (op 8) in one chunk."""
    return {
        "guild_id": guild_id,
        "members": members,
        "chunk_index": 0,
        "chunk_count": 1,
        "not_found": [],
        "nonce": nonce,
    }


def gateway_bot(url: str, shards: int = 1) -> Payload:
    """The answer to GET /gateway/bot (what an auto-sharded client asks first)."""
    limit = {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}
    return {"url": url, "shards": shards, "session_start_limit": limit}


def dm_channel(recipient_id: str = ALICE_ID) -> Payload:
    """A DM channel (type 1), the answer to POST /users/@me/channels."""
    return {"id": snowflake(), "type": 1, "recipients": [user(recipient_id)]}


# Forum and private channels, refusals (issue 6: forum help channels, staff channel, 403s).

FORUM_CHANNEL_ID = "900000000000000202"
STAFF_CHANNEL_ID = "900000000000000203"
VIEW_CHANNEL, SEND_MESSAGES = 1 << 10, 1 << 11


def forum_channel(channel_id: str = FORUM_CHANNEL_ID, name: str = "questions") -> Payload:
    """A forum channel (type 15): tags, default reaction and layout, as discord.py 2.7 reads it."""

    def tag(tag_id: str, name: str, emoji: str | None) -> Payload:
        # Discord sends both emoji keys, one of them null: discord.py indexes emoji_name.
        named = {"id": tag_id, "name": name, "moderated": False}
        return named | {"emoji_id": None, "emoji_name": emoji}

    tags = [tag("900000000000000210", "bug", None), tag("900000000000000211", "how-to", "❓")]
    return text_channel(channel_id, name, position=2) | {
        "type": 15,
        "topic": "Ask here: one post per question",
        "available_tags": tags,
        "default_reaction_emoji": {"emoji_id": None, "emoji_name": "✅"},
        "default_sort_order": 0,
        "default_forum_layout": 1,
        "default_thread_rate_limit_per_user": 0,
    }


def forum_post(thread_id: str, title: str, *, parent_id: str = FORUM_CHANNEL_ID) -> Payload:
    """THREAD_CREATE of a new forum post: a thread whose id its starter message will share."""
    data = thread_create(thread_id, title, parent_id=parent_id)
    data["applied_tags"] = ["900000000000000211"]
    data["message_count"] = 1
    return data


def forum_starter(thread_id: str, content: str, *, author: Payload | None = None) -> Payload:
    """The MESSAGE_CREATE opening a forum post: same id as the thread, posted inside it."""
    return message_create(content, message_id=thread_id, channel_id=thread_id, author=author)


def staff_channel(
    channel_id: str = STAFF_CHANNEL_ID, name: str = "staff", *, guild_id: str = GUILD_ID
) -> Payload:
    """A private text channel: hidden from @everyone (whose id is the guild's), open to the bot."""
    hidden = {"id": guild_id, "type": 0, "allow": "0", "deny": str(VIEW_CHANNEL)}
    bot = {"id": BOT_USER_ID, "type": 1, "allow": str(VIEW_CHANNEL | SEND_MESSAGES), "deny": "0"}
    made = text_channel(channel_id, name, position=3, guild_id=guild_id)
    return made | {"permission_overwrites": [hidden, bot]}


def error(code: int, message: str) -> Payload:
    """A Discord JSON error body, e.g. 50013 Missing Permissions, 50007 DMs closed."""
    return {"message": message, "code": code}


# Stored history (the READY sweep reads messages, reactions and active threads back).


def reaction_count(emoji: str, count: int, *, me: bool = False) -> Payload:
    """One entry of a message's `reactions` array: an emoji and how many reacted with it."""
    return {
        "emoji": {"id": None, "name": emoji},
        "count": count,
        "count_details": {"burst": 0, "normal": count},
        "me": me,
        "me_burst": False,
        "burst_colors": [],
    }


def active_threads(threads: list[Payload]) -> Payload:
    """The answer to GET /guilds/{id}/threads/active (no thread members listed)."""
    return {"threads": threads, "members": []}
