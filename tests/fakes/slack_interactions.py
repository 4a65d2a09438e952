"""Factories for interactions Slack sends a bot: block actions, shortcuts, slash commands, and
the Socket Mode envelopes around any of them."""

from __future__ import annotations

from typing import Any

from tests.fakes.slack_payloads import (
    ALICE,
    API_APP_ID,
    BOT_ID,
    BOT_USER_ID,
    GENERAL,
    HELP_CHANNEL,
    RESPONSE_URL,
    STAFF,
    TEAM_DOMAIN,
    TEAM_ID,
    VERIFICATION_TOKEN,
    Payload,
    fresh_id,
    next_ts,
)

CHANNEL_NAMES = {HELP_CHANNEL: "help", GENERAL: "general", STAFF: "staff"}


def user_name(user_id: str) -> str:
    """The fake's handle for a user id ("U0ALICE" -> "alice")."""
    return user_id[2:].lower() if user_id.startswith(("U0", "W0")) else user_id.lower()


def channel_name(channel_id: str) -> str:
    """The name Slack sends for a channel id ("directmessage" for DMs)."""
    if channel_id.startswith("D"):
        return "directmessage"
    return CHANNEL_NAMES.get(channel_id, channel_id.lower())


def trigger_id() -> str:
    """A fresh trigger id (valid 3 seconds on the real Slack, forever here)."""
    return f"1700000000.{fresh_id('')}.fake"


def _user(user_id: str) -> Payload:
    name = user_name(user_id)
    return {"id": user_id, "username": name, "name": name, "team_id": TEAM_ID}


def block_actions(
    action_id: str,
    value: str = "",
    *,
    user_id: str = ALICE,
    channel_id: str = HELP_CHANNEL,
    message_ts: str | None = None,
    thread_ts: str | None = None,
    text: str = "Mark solved",
    block_id: str = "actions",
    response_url: str = RESPONSE_URL,
    ephemeral: bool = False,
) -> Payload:
    """A `block_actions` payload: `user_id` pressed the button `action_id` on a bot message.

    An ephemeral message has no `message` in the payload (as on Slack), only `container`.
    """
    message_ts = message_ts or next_ts()
    container: Payload = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": ephemeral,
    }
    message: Payload = {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "app_id": API_APP_ID,
        "text": "",
        "ts": message_ts,
        "team": TEAM_ID,
        "blocks": [{"type": "actions", "block_id": block_id, "elements": []}],
    }
    if thread_ts:
        container["thread_ts"] = thread_ts
        message["thread_ts"] = thread_ts
    action = {
        "type": "button",
        "action_id": action_id,
        "block_id": block_id,
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "value": value,
        "action_ts": next_ts(),
    }
    payload: Payload = {
        "type": "block_actions",
        "user": _user(user_id),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": trigger_id(),
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": channel_name(channel_id)},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }
    if not ephemeral:
        payload["message"] = message
    return payload


def message_shortcut(
    callback_id: str,
    message: Payload,
    *,
    user_id: str = ALICE,
    response_url: str = RESPONSE_URL,
) -> Payload:
    """A message shortcut (`type: message_action`) run by `user_id` on `message` (an event)."""
    channel_id = message["channel"]
    shown = {k: v for k, v in message.items() if k not in ("channel", "event_ts", "channel_type")}
    return {
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": next_ts(),
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": _user(user_id),
        "channel": {"id": channel_id, "name": channel_name(channel_id)},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id(),
        "response_url": response_url,
        "message_ts": message["ts"],
        "message": shown,
    }


def slash_command(
    text: str = "",
    *,
    command: str = "/entraide",
    user_id: str = ALICE,
    channel_id: str = HELP_CHANNEL,
    response_url: str = RESPONSE_URL,
) -> dict[str, str]:
    """The form fields of a slash command (all strings; JSON `payload` in Socket Mode)."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name(channel_id),
        "user_id": user_id,
        "user_name": user_name(user_id),
        "command": command,
        "text": text,
        "api_app_id": API_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id(),
    }


def socket_envelope(
    payload: dict[str, Any],
    kind: str = "events_api",
    *,
    envelope_id: str | None = None,
    retry_attempt: int = 0,
    retry_reason: str = "",
    accepts_response_payload: bool | None = None,
) -> Payload:
    """A Socket Mode envelope; `kind` is events_api, slash_commands or interactive."""
    if accepts_response_payload is None:
        accepts_response_payload = kind == "slash_commands"
    envelope: Payload = {
        "envelope_id": envelope_id or fresh_id("env-"),
        "type": kind,
        "accepts_response_payload": accepts_response_payload,
        "payload": payload,
    }
    if kind == "events_api":
        envelope |= {"retry_attempt": retry_attempt, "retry_reason": retry_reason}
    return envelope
