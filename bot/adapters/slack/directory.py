"""Who and where on Slack: members (users.info) and channels (conversations.info/list),
cached, because Slack events carry bare ids and these methods are rate limited (tier 3-4).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.identity import Member

log = logging.getLogger(__name__)

TTL = 600.0  # seconds: a promotion to admin or a renamed channel shows within ten minutes


@dataclass(frozen=True)
class Channel:
    """What the bot knows of a channel."""

    id: str
    name: str
    is_private: bool
    is_member: bool


class Directory:
    """Cached lookups; admins and staff come from Slack's roles plus the configured lists."""

    def __init__(
        self, client: AsyncWebClient, admins: Collection[str] = (), staff: Collection[str] = ()
    ) -> None:
        self.client, self.admins, self.staff = client, set(admins), set(staff)
        self._members: dict[str, tuple[float, Member]] = {}
        self._channels: dict[str, tuple[float, Channel | None]] = {}

    async def member(self, user_id: str) -> Member:
        """The member behind a user id (workspace admins and owners are admins)."""
        cached = self._members.get(user_id)
        if cached and time.monotonic() - cached[0] < TTL:
            return cached[1]
        try:
            user: dict[str, Any] = (await self.client.users_info(user=user_id))["user"]
        except SlackApiError as exc:  # deleted user, missing scope: still a member by id
            log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
            user = {"id": user_id}
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("name")
        admin = bool(user.get("is_admin") or user.get("is_owner")) or user_id in self.admins
        found = Member(
            user_id,
            str(name or user_id),
            is_admin=admin,
            is_staff=user_id in self.staff,
            is_bot=bool(user.get("is_bot")),
        )
        self._members[user_id] = (time.monotonic(), found)
        return found

    async def names(self, user_ids: Collection[str]) -> dict[str, str]:
        """Display names of members (for @name in messages that don't ping them)."""
        return {u: (await self.member(u)).name for u in user_ids}

    async def channel(self, ref: str) -> Channel | None:
        """A channel by id, <#id|name>, or name (settings may say "help"); None if unknown."""
        ref = ref.strip()
        if ref.startswith("<#"):
            ref = ref[2:].split("|", 1)[0].rstrip(">")
        if ref[:1] in ("C", "G", "D") and ref[1:].isalnum() and ref.isupper():
            return await self._by_id(ref)
        return await self._by_name(ref.removeprefix("#").lower())

    async def _by_id(self, channel_id: str) -> Channel | None:
        cached = self._channels.get(channel_id)
        if cached and time.monotonic() - cached[0] < TTL:
            return cached[1]
        try:
            info = (await self.client.conversations_info(channel=channel_id))["channel"]
            found: Channel | None = _channel(info)
        except SlackApiError as exc:
            log.info("conversations.info %s: %s", channel_id, exc.response.get("error"))
            found = None
        self._channels[channel_id] = (time.monotonic(), found)
        return found

    async def _by_name(self, name: str) -> Channel | None:
        cached = self._channels.get("#" + name)
        if cached and time.monotonic() - cached[0] < TTL:
            return cached[1]
        found, cursor = None, None
        while found is None:
            page = await self.client.conversations_list(
                types="public_channel,private_channel", limit=200, cursor=cursor
            )
            found = next((_channel(c) for c in page["channels"] if c.get("name") == name), None)
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        self._channels["#" + name] = (time.monotonic(), found)
        return found


def _channel(info: dict[str, Any]) -> Channel:
    return Channel(
        str(info["id"]),
        str(info.get("name") or ""),
        bool(info.get("is_private")),
        bool(info.get("is_member")),
    )
