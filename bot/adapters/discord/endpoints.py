"""Where discord.py connects: Discord itself, or a Discord-compatible server.

discord.py keeps both addresses in class attributes, so they apply to every client in the
process: `Route.BASE` (REST, read when each request's Route is built) and
`DiscordWebSocket.DEFAULT_GATEWAY` (the gateway). How each client finds the gateway:

- `discord.Client` never asks REST: it connects to DEFAULT_GATEWAY, then resumes on the
  `resume_gateway_url` READY gave it;
- `AutoShardedClient` with a fixed shard count also connects to DEFAULT_GATEWAY;
- `AutoShardedClient` with `shard_count=None` ("auto") asks GET /gateway/bot for the shard
  count *and* the URL, and connects where that answer says: DEFAULT_GATEWAY is then only
  used again after Discord invalidates a session. A compatible server must answer
  /gateway/bot with its own URL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

log = logging.getLogger(__name__)

API_SUFFIX = "/api/v10"  # discord.py 2.x speaks API v10; routes are appended to this base


def current() -> tuple[str, str]:
    """The REST base and gateway URL discord.py uses now."""
    return Route.BASE, str(DiscordWebSocket.DEFAULT_GATEWAY)


def point_at(api_url: str, gateway_url: str) -> None:
    """Send discord.py's REST calls to `api_url` and its gateway connection to `gateway_url`."""
    api_url = api_url.rstrip("/")
    if not api_url.endswith(API_SUFFIX):
        raise ValueError(f"the Discord API URL must end in {API_SUFFIX}: {api_url}")
    Route.BASE = api_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    log.info("Discord endpoints: REST %s, gateway %s", api_url, gateway_url)


@contextmanager
def pointed_at(api_url: str, gateway_url: str) -> Iterator[None]:
    """point_at() for the duration of a block; the previous addresses come back on exit."""
    before = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    point_at(api_url, gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = before
