"""config/slack-manifest.yml grants what the Slack adapter uses, and nothing more: scopes for
every Web API method it calls, every event its bolt app listens to, /entraide, the shortcuts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.adapters.slack import commands

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = ROOT / "config" / "slack-manifest.yml"
ADAPTER = ROOT / "bot" / "adapters" / "slack"
# Web API method → the bot scopes it needs (one of them per channel type, all listed here).
METHOD_SCOPES: dict[str, set[str]] = {
    "auth.test": set(),
    "chat.postMessage": {"chat:write", "chat:write.public"},  # .public: #general uninvited
    "chat.postEphemeral": {"chat:write"},
    "chat.update": {"chat:write"},
    "chat.delete": {"chat:write"},
    "chat.getPermalink": set(),
    "conversations.open": {"im:write"},
    "conversations.info": {"channels:read", "groups:read", "im:read"},  # DMs: message.im
    "conversations.list": {"channels:read", "groups:read"},
    "conversations.history": {"channels:history", "groups:history"},
    "conversations.replies": {"channels:history", "groups:history"},
    "reactions.get": {"reactions:read"},
    "users.info": {"users:read"},
    "usergroups.list": {"usergroups:read"},
    "usergroups.users.update": {"usergroups:write"},
    "views.publish": set(),
    "files.upload.v2": {"files:write"},  # files_upload_v2: charts, data exports
    # checks.py, at start in Socket Mode: called with the app-level token (connections:write,
    # granted on the token itself), so no bot scope.
    "apps.connections.open": set(),
}
# Bolt event type → the manifest's bot events that deliver it.
EVENT_SUBSCRIPTIONS = {"message": {"message.channels", "message.groups", "message.im"}}
EVENT_SCOPES = {
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "message.im": {"im:history"},
    "app_mention": {"app_mentions:read"},
    "reaction_added": {"reactions:read"},
    "reaction_removed": {"reactions:read"},
}
CALL = re.compile(
    r"\bclient\.([a-z]+(?:_[a-zA-Z0-9]+)+)\(|_call\(\s*\"([a-z]+(?:_[a-zA-Z0-9]+)+)\""
)
EVENT = re.compile(r"\bbolt\.event\(\s*\"([a-z_]+)\"")


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    """The parsed manifest."""
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def adapter_source() -> str:
    """Every module of the Slack adapter, concatenated."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(ADAPTER.glob("*.py")))


def web_api_methods() -> set[str]:
    """Web API methods the adapter calls (client.chat_postMessage → chat.postMessage)."""
    found = {a or b for a, b in CALL.findall(adapter_source())}
    return {name.replace("_", ".") for name in found}


def test_the_manifest_is_a_version_1_app_manifest(manifest: dict[str, Any]) -> None:
    """Slack's format: _metadata major version 1, a bot user, App Home with its tabs."""
    assert manifest["_metadata"]["major_version"] == 1
    assert manifest["display_information"]["name"] == "Entraide"
    assert len(manifest["display_information"]["description"]) <= 140
    assert 175 <= len(manifest["display_information"]["long_description"]) <= 4000
    features = manifest["features"]
    assert features["bot_user"]["display_name"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True


def test_bot_scopes_cover_every_web_api_method_the_adapter_calls(
    manifest: dict[str, Any],
) -> None:
    """Each method found in bot/adapters/slack has its scopes; a new method must be added to
    METHOD_SCOPES (and its scope to the manifest)."""
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    methods = web_api_methods()
    assert {"chat.postMessage", "users.info", "views.publish"} <= methods  # the scan works
    unknown = methods - METHOD_SCOPES.keys()
    assert not unknown, f"add {sorted(unknown)} to METHOD_SCOPES with the scopes they need"
    missing = {m: METHOD_SCOPES[m] - scopes for m in methods if METHOD_SCOPES[m] - scopes}
    assert missing == {}


def test_every_event_the_bolt_app_listens_to_is_subscribed(manifest: dict[str, Any]) -> None:
    """`bolt.event("reaction_added")` etc. in the adapter ↔ the manifest's bot events."""
    subscribed = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    listened = set(EVENT.findall(adapter_source()))
    assert {"message", "reaction_added", "app_home_opened"} <= listened  # the scan works
    needed = set().union(*(EVENT_SUBSCRIPTIONS.get(e, {e}) for e in listened))
    assert needed - subscribed == set()
    assert subscribed - needed == set(), "subscribed to events nothing listens to"


def test_scopes_are_only_what_is_needed(manifest: dict[str, Any]) -> None:
    """No scope beyond the methods called, the events subscribed, and `commands`."""
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    needed = {"commands"}.union(
        *(METHOD_SCOPES[m] for m in web_api_methods()),
        *(EVENT_SCOPES.get(e, set()) for e in events),
    )
    assert scopes == needed


def test_the_slash_command_and_shortcuts_match_the_adapter(manifest: dict[str, Any]) -> None:
    """/entraide with escaping (the adapter parses <@U…|name>), a usage hint; the message
    shortcuts' callback ids are commands.SHORTCUTS."""
    [slash] = manifest["features"]["slash_commands"]
    assert slash["command"] == commands.SLASH
    assert slash["should_escape"] is True
    assert slash["usage_hint"]
    shortcuts = manifest["features"]["shortcuts"]
    assert {s["callback_id"] for s in shortcuts} == set(commands.SHORTCUTS)
    assert {s["type"] for s in shortcuts} == {"message"}
    names = {s["callback_id"]: s["name"] for s in shortcuts}
    assert names == {"entraide_helpful": "Mark helpful", "entraide_accept": "Accept as solution"}
