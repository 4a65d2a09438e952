"""Forum tags and thread edits on the fake Discord: PATCH a channel (a forum's available_tags)
or a thread (applied_tags, archived), answered with the channel and echoed to the client as
CHANNEL_UPDATE / THREAD_UPDATE, as Discord does."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tests.fakes import discord_payloads as p

if TYPE_CHECKING:
    from tests.fakes.discord_server import FakeDiscord, RestCall

Answer = tuple[int, Any]
UNKNOWN_CHANNEL, TOO_MANY_TAGS, MAX_APPLIED = 10003, 50035, 5


def _tag(body: dict[str, Any]) -> dict[str, Any]:
    """A tag as Discord keeps it: new ones get an id; both emoji keys, one maybe null."""
    return {
        "id": str(body.get("id") or p.snowflake()),
        "name": body["name"],
        "moderated": bool(body.get("moderated", False)),
        "emoji_id": body.get("emoji_id"),
        "emoji_name": body.get("emoji_name"),
    }


def register(fake: FakeDiscord) -> None:
    """Add the PATCH /channels/{id} route (in front of the others)."""

    def edit(call: RestCall, m: re.Match[str]) -> Answer:
        body: dict[str, Any] = call.body or {}
        thread = fake.store.threads.get(m[1])
        if thread is not None:
            if "applied_tags" in body:
                if len(body["applied_tags"]) > MAX_APPLIED:
                    return 400, p.error(TOO_MANY_TAGS, "Invalid Form Body")
                thread["applied_tags"] = [str(t) for t in body["applied_tags"]]
            if "archived" in body:
                thread["thread_metadata"] = thread["thread_metadata"] | {
                    "archived": bool(body["archived"]),
                    "archive_timestamp": p.timestamp(),
                }
            fake.echo("THREAD_UPDATE", thread)
            return 200, thread
        channel = next((c for c in fake.guild["channels"] if c["id"] == m[1]), None)
        if channel is None:
            return 404, p.error(UNKNOWN_CHANNEL, "Unknown Channel")
        if "available_tags" in body:
            channel["available_tags"] = [_tag(t) for t in body["available_tags"]]
        fake.echo("CHANNEL_UPDATE", channel)
        return 200, channel

    fake.route("PATCH", r"/channels/(\d+)", edit)


def unarchive_on_reply(fake: FakeDiscord, thread_id: str) -> dict[str, Any]:
    """What Discord does when a member writes in an archived, unlocked post: unarchives it.
    Returns the THREAD_UPDATE to dispatch before the member's MESSAGE_CREATE."""
    thread = fake.store.threads[thread_id]
    thread["thread_metadata"] = thread["thread_metadata"] | {"archived": False}
    return dict(thread)


def applied(fake: FakeDiscord, thread_id: str, forum_id: str = p.FORUM_CHANNEL_ID) -> list[str]:
    """The names of the tags a post carries now, on Discord's side."""
    forum = next(c for c in fake.guild["channels"] if c["id"] == forum_id)
    names = {t["id"]: t["name"] for t in forum["available_tags"]}
    return [names.get(t, t) for t in fake.store.threads[thread_id].get("applied_tags", [])]
