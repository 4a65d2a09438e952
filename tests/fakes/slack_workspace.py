"""The state behind the fake Slack Web API: members, channels, messages, reactions, groups."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tests.fakes import slack_objects as o
from tests.fakes.slack_payloads import Payload

Answer = dict[str, Any]
Method = Callable[[dict[str, Any]], Answer]


class SlackError(Exception):
    """An `{"ok": false, "error": ...}` answer raised from inside a method handler."""


def flag(value: Any) -> bool:
    """A boolean argument as sent form-encoded ("1", "true") or in JSON (true)."""
    return value in (True, 1, "1", "true")


def id_list(value: Any) -> list[str]:
    """A list argument sent comma-separated ("U1,U2") or as a JSON list."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [i.strip() for i in items if i and i.strip()]


def need(args: dict[str, Any], *names: str) -> list[Any]:
    """The required arguments, or the error Slack gives when one is missing."""
    missing = [n for n in names if not args.get(n)]
    if missing:
        raise SlackError("invalid_arguments")
    return [args[n] for n in names]


def too_long(args: dict[str, Any]) -> bool:
    """What Slack refuses with `msg_too_long`: text past 40,000 characters, a section's text
    past 3,000, more than 50 blocks."""
    blocks = args.get("blocks") or []
    if isinstance(blocks, str):  # form-encoded: the blocks are JSON
        blocks = json.loads(blocks)
    sections = [b.get("text", {}).get("text", "") for b in blocks if b.get("type") == "section"]
    return (
        len(str(args.get("text") or "")) > 40_000
        or len(blocks) > 50
        or any(len(text) > 3000 for text in sections)
    )


def page(items: list[Payload], args: dict[str, Any]) -> tuple[list[Payload], Answer]:
    """One page of `items` by `limit`/`cursor` (the cursor is an offset here)."""
    start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 100)
    chunk, rest = items[start : start + limit], items[start + limit :]
    return chunk, {
        "has_more": bool(rest),
        "response_metadata": {"next_cursor": str(start + limit) if rest else ""},
    }


class Workspace:
    """A Slack workspace in memory; `WebApi` (slack_web_api) answers the methods over it."""

    def __init__(self) -> None:
        self.users: dict[str, Payload] = o.default_users()
        self.channels: dict[str, Payload] = o.default_channels()
        self.ims: dict[str, Payload] = {}
        self.usergroups: dict[str, Payload] = {}
        self.history: dict[str, list[Payload]] = {}  # channel -> messages by ts, replies too
        self.reactions: dict[tuple[str, str], dict[str, list[str]]] = {}
        self.home_views: dict[str, Payload] = {}  # user id -> last published App Home view

    def add_usergroup(self, group_id: str, handle: str, users: list[str] | None = None) -> None:
        """Create a user group (a Slack `subteam`)."""
        self.usergroups[group_id] = o.usergroup(group_id, handle, users)

    def find(self, channel: str, ts: str) -> Payload | None:
        """The stored message at `ts` in `channel`, if any."""
        return next((m for m in self.history.get(channel, []) if m["ts"] == ts), None)

    def add_message(self, channel: str, message: Payload) -> Payload:
        """Store a message (a bot post or a member's, from an event) and update its thread."""
        stored = {k: v for k, v in message.items() if k not in ("channel", "event_ts")}
        messages = self.history.setdefault(channel, [])
        messages.append(stored)
        messages.sort(key=lambda m: Decimal(m["ts"]))
        thread_ts = stored.get("thread_ts")
        parent = self.find(channel, thread_ts) if thread_ts and thread_ts != stored["ts"] else None
        if parent is not None:
            stored["parent_user_id"] = parent.get("user", "")
            parent["thread_ts"] = parent["ts"]
            parent["reply_count"] = parent.get("reply_count", 0) + 1
            parent["latest_reply"] = stored["ts"]
            users = parent.setdefault("reply_users", [])
            if stored.get("user") and stored["user"] not in users:
                users.append(stored["user"])
            parent["reply_users_count"] = len(users)
        return stored

    def seed(self, event: Payload) -> None:
        """Mirror a message event the bot is sent (top level, reply, edit, delete) in history."""
        event = event.get("event", event)  # an event_callback envelope or the event itself
        if event.get("type") != "message" or "channel" not in event:
            return
        subtype, channel = event.get("subtype"), event["channel"]
        if subtype in (None, "bot_message", "thread_broadcast", "file_share"):
            self.add_message(channel, event)
        elif subtype == "message_changed":
            found = self.find(channel, event["message"]["ts"])
            if found is not None:
                found.update(event["message"])
        elif subtype == "message_deleted":
            self._remove(channel, event["deleted_ts"])

    def _remove(self, channel: str, ts: str) -> None:
        found = self.find(channel, ts)
        if found is None:
            return
        self.history[channel].remove(found)
        parent_ts = found.get("thread_ts")
        parent = self.find(channel, parent_ts) if parent_ts and parent_ts != ts else None
        if parent is not None:
            parent["reply_count"] = max(0, parent.get("reply_count", 1) - 1)

    def _channel(self, channel: str) -> str:
        """A conversation id the bot may post to; a user id stands for the DM with them."""
        if channel.startswith(("U", "W")):
            return str(self._im(channel)["id"])
        if channel in self.channels or channel in self.ims or channel.startswith("D"):
            return channel
        raise SlackError("channel_not_found")

    def _im(self, user_id: str) -> Payload:
        member = self.users.get(user_id)
        if member is None:
            raise SlackError("user_not_found")
        if member.get("is_bot"):
            raise SlackError("cannot_dm_bot")
        im = o.im_channel(user_id)
        return self.ims.setdefault(im["id"], im)
