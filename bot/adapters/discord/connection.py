"""Whether the Discord client can send yet (timers wait for it: see bot/scheduler/timers.py)."""

from __future__ import annotations

import discord

from bot.core.ports import NotReady


def ready_or_raise(client: discord.Client) -> None:
    """NotReady before the gateway's READY or once closed: discord.py can't send then (its
    errors are AttributeErrors on sentinels), and a NotReady tells timers to try again soon.
    Not client.is_ready(): that waits for every guild's data, and events come in before."""
    if client.user is None or client.is_closed():
        raise NotReady("Discord is not connected yet")


def gateway_open(client: discord.Client) -> bool:
    """Whether every gateway connection of the client is up now (False while discord.py
    waits to reconnect, or once closed): what the heartbeat file vouches for."""
    if client.is_closed() or client.user is None:
        return False
    if isinstance(client, discord.AutoShardedClient):
        shards = client.shards.values()
        return bool(shards) and not any(shard.is_closed() for shard in shards)
    return client.ws is not None and client.ws.open
