"""Constants and factories for the events Slack sends a bot (Events API, `event_callback`).

Interactions, slash commands and Socket Mode envelopes: `slack_interactions`; API objects
(users.info users, channels, user groups): `slack_objects`.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

Payload = dict[str, Any]

TEAM_ID = "T0TEAM"
TEAM_DOMAIN = "entraide-test"
API_APP_ID = "A0APP"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
ALICE = "U0ALICE"
BOB = "U0BOB"
ADMIN = "U0ADMIN"
HELP_CHANNEL = "C0HELP"
GENERAL = "C0GENERAL"
STAFF = "G0STAFF"  # private
SIGNING_SECRET = "fake-signing-secret"
BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-1-fake-app-token"
VERIFICATION_TOKEN = "fake-verification-token"  # the deprecated `token` field of payloads
RESPONSE_URL = "https://hooks.slack.com/commands/T0TEAM/1/fake"

_micros = itertools.count(1_700_000_000_000_100, 100)
_ids = itertools.count(1)


def next_ts() -> str:
    """A fresh message ts, unique and increasing in this process ("1700000000.000100")."""
    n = next(_micros)
    return f"{n // 1_000_000}.{n % 1_000_000:06d}"


def fresh_id(prefix: str) -> str:
    """A fresh opaque id with a Slack-like prefix (Ev…, V…, a trigger id…)."""
    return f"{prefix}{next(_ids):08d}"


def message(
    text: str,
    *,
    user_id: str = ALICE,
    channel_id: str = HELP_CHANNEL,
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
) -> Payload:
    """A `message` event: top level, or a thread reply when `thread_ts` is given."""
    ts = ts or next_ts()
    event: Payload = {
        "type": "message",
        "user": user_id,
        "text": text,
        "ts": ts,
        "channel": channel_id,
        "event_ts": ts,
        "channel_type": "group" if channel_id.startswith("G") else channel_type,
        "team": TEAM_ID,
        "client_msg_id": fresh_id("msg-"),
        "blocks": [{"type": "rich_text", "block_id": "b1", "elements": []}],
    }
    if thread_ts:
        event |= {"thread_ts": thread_ts, "parent_user_id": ALICE}
    return event


def bot_message(text: str, *, bot_id: str = "B0OTHER", channel_id: str = HELP_CHANNEL) -> Payload:
    """A `bot_message` subtype (legacy integrations and other bots)."""
    ts = next_ts()
    return {
        "type": "message",
        "subtype": "bot_message",
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "bot_id": bot_id,
        "username": "other-bot",
        "channel": channel_id,
        "channel_type": "channel",
    }


def message_changed(previous: Payload, new_text: str) -> Payload:
    """A `message_changed` subtype: `previous` was edited to `new_text`."""
    ts = next_ts()
    edited = previous | {"text": new_text, "edited": {"user": previous.get("user"), "ts": ts}}
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": previous["channel"],
        "ts": ts,
        "event_ts": ts,
        "channel_type": previous.get("channel_type", "channel"),
        "message": {k: v for k, v in edited.items() if k not in ("channel", "event_ts")},
        "previous_message": {k: v for k, v in previous.items() if k != "event_ts"},
    }


def message_deleted(previous: Payload) -> Payload:
    """A `message_deleted` subtype for the message `previous`."""
    ts = next_ts()
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": previous["channel"],
        "ts": ts,
        "event_ts": ts,
        "deleted_ts": previous["ts"],
        "channel_type": previous.get("channel_type", "channel"),
        "previous_message": {k: v for k, v in previous.items() if k != "event_ts"},
    }


def channel_join(user_id: str = BOB, channel_id: str = HELP_CHANNEL) -> Payload:
    """A `channel_join` subtype: a member joined a channel."""
    ts = next_ts()
    return {
        "type": "message",
        "subtype": "channel_join",
        "user": user_id,
        "text": f"<@{user_id}> has joined the channel",
        "ts": ts,
        "event_ts": ts,
        "channel": channel_id,
        "channel_type": "channel",
    }


def reaction(
    item: Payload,
    *,
    user_id: str = BOB,
    name: str = "white_check_mark",
    added: bool = True,
) -> Payload:
    """A `reaction_added` (or `reaction_removed`) event on the message `item`."""
    return {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user_id,
        "reaction": name,
        "item_user": item.get("user"),
        "item": {"type": "message", "channel": item["channel"], "ts": item["ts"]},
        "event_ts": next_ts(),
    }


def app_mention(message: Payload) -> Payload:
    """The `app_mention` Slack sends, beside the `message` event, for a channel message that
    names the bot (<@U0BOT>): same channel, ts, text and thread; no channel_type, no subtype."""
    keep = ("user", "text", "ts", "channel", "event_ts", "team", "client_msg_id", "blocks")
    event: Payload = {"type": "app_mention"} | {k: message[k] for k in keep if k in message}
    if message.get("thread_ts"):
        event |= {"thread_ts": message["thread_ts"], "parent_user_id": message["parent_user_id"]}
    return event


def direct_message(text: str, *, user_id: str = ALICE) -> Payload:
    """A `message.im` event: a member writing in the bot's Messages tab (their DM with it)."""
    return message(text, user_id=user_id, channel_id="D" + user_id[1:], channel_type="im")


def app_home_opened(user_id: str = ALICE, tab: str = "home") -> Payload:
    """An `app_home_opened` event."""
    return {
        "type": "app_home_opened",
        "user": user_id,
        "channel": "D" + user_id[1:],
        "tab": tab,
        "event_ts": next_ts(),
    }


def app_uninstalled() -> Payload:
    """An `app_uninstalled` event."""
    return {"type": "app_uninstalled", "event_ts": next_ts()}


def tokens_revoked(bot: list[str] | None = None, oauth: list[str] | None = None) -> Payload:
    """A `tokens_revoked` event (lists of user ids whose tokens were revoked)."""
    tokens = {"oauth": oauth or [], "bot": bot if bot is not None else [BOT_USER_ID]}
    return {"type": "tokens_revoked", "tokens": tokens, "event_ts": next_ts()}


def event_callback(event: Payload, *, event_id: str | None = None) -> Payload:
    """The Events API envelope (`type: event_callback`) around one event."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "context_team_id": TEAM_ID,
        "api_app_id": API_APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or fresh_id("Ev"),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": fresh_id("4-fake-context-"),
    }


def url_verification(challenge: str = "fake-challenge") -> Payload:
    """The request Slack sends when the Request URL is set."""
    return {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}


def thread_parent_deleted(parent: Payload, reply_users: list[str] | None = None) -> Payload:
    """What Slack sends when a message with thread replies is deleted: not a
    `message_deleted` but a `message_changed` whose message is a `tombstone` by USLACKBOT
    ("This message was deleted."); the replies stay."""
    ts = next_ts()
    users = reply_users if reply_users is not None else [BOB]
    tombstone: Payload = {
        "type": "message",
        "subtype": "tombstone",
        "text": "This message was deleted.",
        "user": "USLACKBOT",
        "hidden": True,
        "ts": parent["ts"],
        "thread_ts": parent["ts"],
        "parent_user_id": "USLACKBOT",
        "reply_count": len(users),
        "reply_users_count": len(users),
        "latest_reply": ts,
        "reply_users": users,
        "is_locked": False,
        "subscribed": False,
    }
    previous = {k: v for k, v in parent.items() if k != "event_ts"} | {"thread_ts": parent["ts"]}
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": parent["channel"],
        "ts": ts,
        "event_ts": ts,
        "channel_type": parent.get("channel_type", "channel"),
        "message": tombstone,
        "previous_message": previous,
    }
