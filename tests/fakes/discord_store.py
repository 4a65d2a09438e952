"""What the fake Discord remembers: messages per channel, their reactions, active threads.

It follows what goes through the fake (dispatches sent to the client, messages and threads
the client creates over REST) and what tests add as "happened while the bot was away", and
answers the read routes discord.py uses: channel history, one message, a reaction's users,
a guild's active threads, a channel by id (of every guild the fake serves).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from tests.fakes import discord_payloads as p

if TYPE_CHECKING:
    from tests.fakes.discord_server import FakeDiscord, RestCall

Payload = dict[str, Any]
Answer = tuple[int, Any]
UNKNOWN_CHANNEL, UNKNOWN_MESSAGE = 10003, 10008
NEWEST = 2**63


class MessageStore:
    """Messages by channel and id, users by message and emoji, threads by id."""

    def __init__(self) -> None:
        self.messages: dict[str, dict[str, Payload]] = {}
        self.reactions: dict[str, dict[str, dict[str, Payload]]] = {}
        self.threads: dict[str, Payload] = {}

    def add_message(self, data: Payload) -> Payload:
        """Keep a message as REST returns it (no gateway-only `member`)."""
        stored = {k: v for k, v in data.items() if k != "member"}
        self.messages.setdefault(str(data["channel_id"]), {})[str(data["id"])] = stored
        return data

    def delete_message(self, channel_id: str, message_id: str) -> None:
        """Forget a deleted message and its reactions."""
        self.messages.get(channel_id, {}).pop(message_id, None)
        self.reactions.pop(message_id, None)

    def react(self, message_id: str, emoji: str, user: Payload, *, add: bool = True) -> None:
        """Add or remove one user's reaction on a message."""
        users = self.reactions.setdefault(message_id, {}).setdefault(emoji, {})
        if add:
            users[str(user["id"])] = user
        else:
            users.pop(str(user["id"]), None)

    def add_thread(self, data: Payload) -> None:
        """Keep a thread as a channel object (without THREAD_CREATE's extra keys)."""
        skip = ("newly_created", "member")
        self.threads[str(data["id"])] = {k: v for k, v in data.items() if k not in skip}

    def observe_dispatch(self, event: str, data: Payload) -> None:
        """What a dispatch sent to the client changes on Discord's side."""
        if event == "MESSAGE_CREATE":
            self.add_message(data)
        elif event == "MESSAGE_DELETE":
            self.delete_message(str(data["channel_id"]), str(data["id"]))
        elif event == "MESSAGE_DELETE_BULK":
            for message_id in data["ids"]:
                self.delete_message(str(data["channel_id"]), str(message_id))
        elif event == "MESSAGE_UPDATE":
            kept = self.messages.get(str(data["channel_id"]), {}).get(str(data["id"]))
            if kept is not None:
                kept.update({k: v for k, v in data.items() if k != "member"})
        elif event in ("MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE"):
            user = (data.get("member") or {}).get("user") or p.user(str(data["user_id"]))
            add = event == "MESSAGE_REACTION_ADD"
            self.react(str(data["message_id"]), data["emoji"]["name"], user, add=add)
        elif event == "THREAD_CREATE":
            self.add_thread(data)

    def observe_rest(self, call: RestCall, answer: Any) -> None:
        """What a successful REST call of the client created, changed or deleted."""
        path, method = call.path, call.method
        if call.status >= 300:
            return
        if method == "POST" and re.fullmatch(r"/channels/\d+/messages", path):
            self.add_message(answer)
        elif method == "POST" and re.fullmatch(r"/channels/\d+(/messages/\d+)?/threads", path):
            self.add_thread(answer)
        elif method == "DELETE" and (m := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path)):
            self.delete_message(m[1], m[2])
        elif m := re.fullmatch(r"/channels/\d+/messages/(\d+)/reactions/([^/]+)/@me", path):
            self.react(m[1], unquote(m[2]), p.bot_user(), add=method == "PUT")

    def with_reactions(self, message: Payload) -> Payload:
        """The message with its `reactions` array, counted from the users kept."""
        kept = self.reactions.get(str(message["id"]), {})
        counts = [
            p.reaction_count(emoji, len(users), me=p.BOT_USER_ID in users)
            for emoji, users in kept.items()
            if users
        ]
        return message | {"reactions": counts}

    def history(self, call: RestCall, m: re.Match[str]) -> Answer:
        """GET messages: newest first; with `after`, the oldest `limit` after it (as Discord)."""
        kept = sorted(self.messages.get(m[1], {}).values(), key=lambda d: int(d["id"]))
        limit, query = int(call.query.get("limit", 50)), call.query
        if "after" in query:
            chosen = [d for d in kept if int(d["id"]) > int(query["after"])][:limit]
        else:
            before = int(query.get("before", NEWEST))
            chosen = [d for d in kept if int(d["id"]) < before][-limit:]
        return 200, [self.with_reactions(d) for d in reversed(chosen)]

    def message(self, call: RestCall, m: re.Match[str]) -> Answer:
        """GET one message, or 404 Unknown Message."""
        found = self.messages.get(m[1], {}).get(m[2])
        if found is None:
            return 404, p.error(UNKNOWN_MESSAGE, "Unknown Message")
        return 200, self.with_reactions(found)

    def reaction_users(self, call: RestCall, m: re.Match[str]) -> Answer:
        """GET the users who reacted with an emoji, by id, after `after`, at most `limit`."""
        users = self.reactions.get(m[2], {}).get(unquote(m[3]), {})
        after, limit = int(call.query.get("after", 0)), int(call.query.get("limit", 25))
        chosen = sorted(
            (u for u in users.values() if int(u["id"]) > after), key=lambda u: int(u["id"])
        )
        return 200, chosen[:limit]

    def register(self, fake: FakeDiscord) -> None:
        """Answer the read routes from this store (in front of the fake's own routes)."""
        snow = r"(\d+)"

        def channel(call: RestCall, m: re.Match[str]) -> Answer:
            found = fake.channel(m[1])  # a thread, or a channel of any of the fake's guilds
            return (200, found) if found else (404, p.error(UNKNOWN_CHANNEL, "Unknown Channel"))

        def active(call: RestCall, m: re.Match[str]) -> Answer:
            live = [
                t
                for t in self.threads.values()
                if t.get("guild_id") == m[1] and not t["thread_metadata"]["archived"]
            ]
            return 200, p.active_threads(live)

        fake.route("GET", rf"/channels/{snow}", channel)
        fake.route("GET", rf"/channels/{snow}/messages", self.history)
        fake.route("GET", rf"/channels/{snow}/messages/{snow}", self.message)
        fake.route(
            "GET", rf"/channels/{snow}/messages/{snow}/reactions/([^/]+)", self.reaction_users
        )
        fake.route("GET", rf"/guilds/{snow}/threads/active", active)
