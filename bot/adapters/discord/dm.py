"""Buttons in direct messages: a DM belongs to no server, so its buttons carry their guild.

A button the bot sends by DM gets the custom id `entraide@<guild id>:<action>:<value>`
(`entraide:<action>:<value>` everywhere else); the responder reads the guild back, checks
the bot is in it and the member too, and the core gets the community it needs.
"""

from __future__ import annotations

import logging
import re

import discord

from bot.adapters.discord import translate
from bot.core.identity import Member
from bot.core.replies import Button, parse_custom_id

log = logging.getLogger(__name__)

LIMIT = 100  # characters in a Discord custom_id
SCOPED = re.compile(r"^entraide@(\d{1,20}):(.+)$")


def custom_id(button: Button, guild_id: str | None) -> str:
    """The button's custom id; in a DM (`guild_id` given) with its guild in it."""
    plain = button.custom_id
    if guild_id is None:
        return plain
    scoped = f"entraide@{guild_id}:{plain.removeprefix('entraide:')}"
    if len(scoped) > LIMIT:  # cut, it would act on a wrong value: the plain id says what to do
        log.warning("DM button %s too long to carry its server; sent without it", plain)
        return plain
    return scoped


def parse(custom_id: str) -> tuple[str, str, str] | None:
    """(guild id, action, value) of a DM button's custom id; None if it has no guild."""
    found = SCOPED.match(custom_id)
    if found is None:
        return None
    parsed = parse_custom_id(f"entraide:{found[2]}")
    return (found[1], *parsed) if parsed is not None else None


async def member_of(
    interaction: discord.Interaction, guild_id: str
) -> tuple[discord.Guild, Member] | None:
    """The guild of a DM button and who pressed it, as that guild's member (its roles make
    them staff or admin); None when the bot isn't in that guild or they aren't."""
    guild = interaction.client.get_guild(int(guild_id))
    if guild is None:
        return None
    user = interaction.user
    try:
        # Members aren't chunked at start-up: most are fetched, not cached.
        found = guild.get_member(user.id) or await guild.fetch_member(user.id)
    except discord.NotFound:  # not (or no longer) in that server
        return None
    except discord.HTTPException as exc:
        # Known to be pressed by them, not what they may do there: no moderator rights.
        log.info("member %s of %s not resolved (%s): not a moderator", user.id, guild_id, exc)
        return guild, translate.member(user)
    return guild, translate.member(found)
