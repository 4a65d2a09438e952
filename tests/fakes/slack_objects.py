"""Slack API objects the fake Web API answers with: users, conversations, user groups, messages."""

from __future__ import annotations

from typing import Any

from tests.fakes.slack_payloads import (
    ADMIN,
    ALICE,
    API_APP_ID,
    BOB,
    BOT_ID,
    BOT_USER_ID,
    GENERAL,
    HELP_CHANNEL,
    STAFF,
    TEAM_ID,
    Payload,
    fresh_id,
)


def user(
    user_id: str = ALICE,
    name: str = "alice",
    *,
    is_admin: bool = False,
    is_owner: bool = False,
    is_bot: bool = False,
    deleted: bool = False,
) -> Payload:
    """A users.info `user` object."""
    profile: Payload = {
        "real_name": name.title(),
        "display_name": name,
        "real_name_normalized": name.title(),
        "display_name_normalized": name,
        "image_48": f"https://avatars.example/{name}_48.png",
        "team": TEAM_ID,
    }
    if is_bot:
        profile |= {"bot_id": BOT_ID if user_id == BOT_USER_ID else fresh_id("B"), "api_app_id": ""}
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": name,
        "deleted": deleted,
        "real_name": name.title(),
        "tz": "Europe/Paris",
        "tz_label": "Central European Time",
        "tz_offset": 3600,
        "profile": profile,
        "is_admin": is_admin or is_owner,
        "is_owner": is_owner,
        "is_primary_owner": is_owner,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "updated": 1_700_000_000,
    }


def default_users() -> dict[str, Payload]:
    """The workspace's members: Alice, Bob, an admin and the bot itself."""
    return {
        ALICE: user(ALICE, "alice"),
        BOB: user(BOB, "bob"),
        ADMIN: user(ADMIN, "admin", is_admin=True),
        BOT_USER_ID: user(BOT_USER_ID, "entraide", is_bot=True),
    }


def channel(channel_id: str, name: str, *, is_private: bool = False) -> Payload:
    """A conversations.info `channel` object for a public or private channel."""
    return {
        "id": channel_id,
        "name": name,
        "is_channel": not is_private,
        "is_group": is_private,
        "is_im": False,
        "is_mpim": False,
        "is_private": is_private,
        "is_archived": False,
        "is_general": name == "general",
        "is_member": True,
        "is_shared": False,
        "is_ext_shared": False,
        "created": 1_600_000_000,
        "creator": ADMIN,
        "context_team_id": TEAM_ID,
        "name_normalized": name,
        "num_members": 4,
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
    }


def im_channel(user_id: str) -> Payload:
    """A direct-message conversation with one member."""
    return {
        "id": "D" + user_id[1:],
        "is_im": True,
        "is_channel": False,
        "is_group": False,
        "is_private": True,
        "user": user_id,
        "created": 1_600_000_000,
        "is_archived": False,
        "is_org_shared": False,
        "context_team_id": TEAM_ID,
    }


def default_channels() -> dict[str, Payload]:
    """#help, #general and the private #staff."""
    return {
        HELP_CHANNEL: channel(HELP_CHANNEL, "help"),
        GENERAL: channel(GENERAL, "general"),
        STAFF: channel(STAFF, "staff", is_private=True),
    }


def usergroup(group_id: str, handle: str, users: list[str] | None = None) -> Payload:
    """A usergroups.list `usergroup` object."""
    return {
        "id": group_id,
        "team_id": TEAM_ID,
        "is_usergroup": True,
        "name": handle.title(),
        "handle": handle,
        "description": "",
        "is_external": False,
        "date_create": 1_600_000_000,
        "date_update": 1_600_000_000,
        "date_delete": 0,
        "created_by": ADMIN,
        "users": list(users or []),
        "user_count": len(users or []),
        "prefs": {"channels": [], "groups": []},
    }


def posted_message(args: dict[str, Any], ts: str) -> Payload:
    """The message object Slack stores for a chat.postMessage by the bot."""
    posted: Payload = {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "app_id": API_APP_ID,
        "text": args.get("text") or "",
        "ts": ts,
        "team": TEAM_ID,
        "bot_profile": {"id": BOT_ID, "app_id": API_APP_ID, "name": "entraide", "deleted": False},
    }
    for key in ("blocks", "attachments", "metadata"):
        if args.get(key):
            posted[key] = args[key]
    if args.get("thread_ts"):
        posted["thread_ts"] = args["thread_ts"]
        posted["parent_user_id"] = ""  # filled in by the workspace when the parent is known
    return posted
