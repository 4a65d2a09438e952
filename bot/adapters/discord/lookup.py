"""Finding members, roles and channels in a guild, and reading Discord's refusals."""

from __future__ import annotations

import re
from typing import Any

import discord

MISSING_ACCESS = 50001  # the bot can't see the channel at all
CANNOT_DM = 50007  # the member closed their DMs (or shares no server with the bot)
MISSING_PERMISSIONS = 50013
THREAD_EXISTS = 160004  # "A thread has already been created for this message"

ROLE_MENTION = re.compile(r"^<@&(\d+)>$")
CHANNEL_MENTION = re.compile(r"^<#(\d+)>$")
MEMBER_MENTION = re.compile(r"^<@!?(\d{15,21})>$|^(\d{15,21})$")


def find_role(guild: discord.Guild, role: str) -> discord.Role | None:
    """A role by id, mention (<@&id>), exact name, then name ignoring case."""
    text = role.strip()
    mentioned = ROLE_MENTION.match(text)
    if mentioned or text.isdigit():
        return guild.get_role(int(mentioned[1] if mentioned else text))
    exact = discord.utils.get(guild.roles, name=text)
    if exact is not None:
        return exact
    # Config is typed by hand ("Helper=@helpers"); Discord role names keep their case.
    return next((r for r in guild.roles if r.name.casefold() == text.casefold()), None)


async def find_member(guild: discord.Guild, ref: str) -> str | None:
    """A member's id from a mention (<@id>), an id, or a name the cache knows."""
    text = ref.strip()
    found = MEMBER_MENTION.match(text)
    if not found:  # members aren't chunked: a name finds only members seen lately
        named = guild.get_member_named(text.removeprefix("@"))
        return None if named is None else str(named.id)
    member_id = int(found[1] or found[2])
    try:
        member = guild.get_member(member_id) or await guild.fetch_member(member_id)
    except discord.NotFound:
        return None
    except discord.HTTPException:  # rate limited, Discord down: can't tell now
        return str(member_id)
    return str(member.id)


def find_channel(guild: discord.Guild, ref: str) -> Any:
    """A channel or thread by id, mention (<#id>), or name (settings may say "help")."""
    text = ref.strip()
    mentioned = CHANNEL_MENTION.match(text)
    if mentioned or text.isdigit():
        return guild.get_channel_or_thread(int(mentioned[1] if mentioned else text))
    name = text.removeprefix("#").casefold()
    return next((c for c in guild.channels if c.name.casefold() == name), None)


def refers_to(channel: Any, refs: list[str]) -> bool:
    """Whether settings name this channel, or the parent of this thread, by id or name."""
    parent_id = getattr(channel, "parent_id", None)
    target = getattr(channel, "parent", None) if parent_id else channel  # None: not cached
    key = str(parent_id or channel.id)
    name = getattr(target, "name", None)
    wanted = {key, f"<#{key}>"} | ({name, f"#{name}"} if name else set())
    return not wanted.isdisjoint(refs)


def can_post(channel: Any, me: discord.Member | None) -> bool:
    """Whether the bot may see and post there (in a forum: post inside its threads)."""
    if me is None:  # our own member not cached yet: don't reject what we can't judge
        return True
    perms = channel.permissions_for(me)
    if isinstance(channel, discord.ForumChannel):
        return bool(perms.view_channel and perms.send_messages_in_threads)
    return bool(perms.view_channel and perms.send_messages)


def label(place: Any) -> str:
    """'#channel (id)' or '@role (id)' for logs; the bare id of a channel not in the cache."""
    name = getattr(place, "name", None)
    sign = "@" if isinstance(place, discord.Role) else "#"
    return f"{sign}{name} ({place.id})" if name else str(place.id)


def needed(exc: discord.Forbidden, permission: str) -> str:
    """The permission an admin must grant for the refused action."""
    if exc.code == MISSING_ACCESS:
        return "View Channel"
    return permission
