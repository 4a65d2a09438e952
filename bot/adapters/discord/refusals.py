"""Discord's refusals that no retry can fix, each as one line for the operator."""

from __future__ import annotations

import discord

INTENTS = "Server Members Intent and Message Content Intent"
# Gateway close codes a new login would only meet again (discord.py raises ConnectionClosed).
FATAL_CLOSE = {
    4004: "ENTRAIDE_DISCORD_TOKEN was refused by Discord (gateway authentication failed)",
    4010: "Discord refused the shard settings (check discord_shards)",
    4011: 'Discord requires sharding for this bot: set discord_shards = "auto"',
    4012: "Discord refused the gateway API version (upgrade discord.py)",
    4013: "Discord refused the gateway intents (a bug in Entraide: please report it)",
}


def fatal_message(exc: BaseException) -> str | None:
    """The operator's line for an error not worth retrying; None for a transient one."""
    if isinstance(exc, discord.LoginFailure):
        return "ENTRAIDE_DISCORD_TOKEN was refused by Discord (reset it in Developer Portal › Bot)"
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return f"Discord refused the privileged intents: enable {INTENTS} in Developer Portal › Bot"
    if isinstance(exc, discord.ConnectionClosed):
        return FATAL_CLOSE.get(exc.code)
    return None
