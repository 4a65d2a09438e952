"""Slash commands, context menus and autocomplete on Discord, end to end against the fake.

How core commands are built into Discord's and parsed back is in `test_command_shapes.py`.
"""

from __future__ import annotations

import json
from typing import Any

from bot.runtime.app import App
from tests import queries as q
from tests.adapters.discord.conftest import TIMEOUT, thread_opened, until
from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord, RestCall

SEND_MESSAGES = str((1 << 10) | (1 << 11))  # view channel + send messages: a plain member
MANAGE_SERVER = str((1 << 10) | (1 << 11) | (1 << 5))
BOB = p.user(p.BOB_ID, "bob")


def slash(*path: str, author: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    """INTERACTION_CREATE for /path… (subcommands nested as Discord nests them)."""
    kinds = {str: 3, int: 4}
    leaf = [{"name": k, "type": kinds[type(v)], "value": v} for k, v in options.items()]
    for depth, name in reversed(list(enumerate(path[1:], start=1))):
        kind = 2 if depth < len(path) - 1 else 1
        leaf = [{"name": name, "type": kind, "options": leaf}]
    return p.slash_command(path[0], leaf, author=author)


def as_member(payload: dict[str, Any], permissions: str = SEND_MESSAGES) -> dict[str, Any]:
    """The same interaction, from someone Discord resolved to only these permissions."""
    payload["member"]["permissions"] = permissions
    return payload


async def followup_to(fake: FakeDiscord, interaction: dict[str, Any]) -> RestCall:
    """The first follow-up message the bot sent for this interaction."""
    path = rf"/webhooks/{p.APPLICATION_ID}/{interaction['token']}"
    return await fake.wait_for_call("POST", path, TIMEOUT)


async def test_commands_are_registered_at_start(discord_bot: tuple[App, FakeDiscord]) -> None:
    """One bulk PUT of every command group and the context menus, before the gateway."""
    _, fake = discord_bot
    put = await fake.wait_for_call("PUT", rf"/applications/{p.APPLICATION_ID}/commands", TIMEOUT)
    names = {c["name"] for c in put.body}
    assert {"entraide", "rep", "leaderboard", "kb", "Mark helpful", "Accept as solution"} <= names


async def test_a_member_is_refused_an_admin_command_and_nothing_changes(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """Discord's permission hint can be overridden by a server: the bot checks again."""
    app, fake = discord_bot
    attempt = as_member(slash("entraide", "config", "set", key="sla_minutes", value="45"))
    await fake.dispatch("INTERACTION_CREATE", attempt)
    ack = await fake.wait_for_call("POST", rf"/interactions/{attempt['id']}/[^/]+/callback")
    assert ack.body["type"] == 5  # deferred, "thinking…"
    assert ack.body["data"]["flags"] & p.EPHEMERAL
    refusal = await followup_to(fake, attempt)
    assert "only community admins" in refusal.body["content"]
    assert refusal.body["flags"] & p.EPHEMERAL
    assert await q.override_count(app.db) == 0

    allowed = as_member(slash("entraide", "config", "set", key="sla_minutes", value="45"))
    allowed["member"]["permissions"] = MANAGE_SERVER
    await fake.dispatch("INTERACTION_CREATE", allowed)
    done = await followup_to(fake, allowed)
    assert "sla_minutes is now 45" in done.body["content"]


async def test_bad_arguments_get_a_private_explanation(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """A key typed past autocomplete, or a stale command, is explained, not crashed on."""
    _, fake = discord_bot
    typo = slash("entraide", "config", "set", key="sla", value="45")
    await fake.dispatch("INTERACTION_CREATE", typo)
    answer = await followup_to(fake, typo)
    assert "isn't a valid key" in answer.body["content"]
    stale = slash("oldcommand")
    await fake.dispatch("INTERACTION_CREATE", stale)
    assert "/oldcommand" in (await followup_to(fake, stale)).body["content"]


async def test_autocomplete_offers_matching_setting_keys(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """Typing 'nudge' in the key of /entraide config set offers the nudge settings."""
    _, fake = discord_bot
    typing = slash("entraide", "config", "set", key="nudge")
    typing["type"] = 4  # APPLICATION_COMMAND_AUTOCOMPLETE
    typing["data"]["options"][0]["options"][0]["options"][0]["focused"] = True
    await fake.dispatch("INTERACTION_CREATE", typing)
    answer = await fake.wait_for_call("POST", rf"/interactions/{typing['id']}/[^/]+/callback")
    assert answer.body["type"] == 8
    offered = [c["value"] for c in answer.body["data"]["choices"]]
    assert "nudge_delay_minutes" in offered
    assert all("nudge" in c for c in offered)


async def test_mark_helpful_from_the_message_menu_awards_points(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """Right-click › Apps › Mark helpful on bob's answer: +10 and a private confirmation."""
    app, fake = discord_bot
    await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
    thread_id = await thread_opened(fake)
    answer = p.message_create("Settings › Export.", author=BOB, channel_id=thread_id)
    await fake.dispatch("MESSAGE_CREATE", answer)
    await until(app, q.answer_count, 1)
    menu = p.slash_command("Mark helpful")
    menu["data"] |= {"type": 3, "target_id": answer["id"]}
    menu["channel_id"], menu["channel"] = thread_id, p.thread_channel(thread_id, "Q1")
    await fake.dispatch("INTERACTION_CREATE", menu)
    confirmation = await followup_to(fake, menu)
    assert confirmation.body["flags"] & p.EPHEMERAL
    await until(app, q.points_given, 10)


async def test_ask_posts_publicly_and_confirms_privately(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """/ask posts the question in #help (its @everyone inert), and tells the asker privately."""
    app, fake = discord_bot
    ask = slash("ask", question="Can I pay by invoice @everyone?")
    await fake.dispatch("INTERACTION_CREATE", ask)
    await thread_opened(fake)
    confirmation = await followup_to(fake, ask)
    assert "Q1" in confirmation.body["content"]
    assert confirmation.body["flags"] & p.EPHEMERAL
    posted = [b for b in fake.sent_messages if "Can I pay by invoice" in str(b.get("content"))]
    assert posted
    assert all(b["allowed_mentions"].get("parse") == [] for b in posted)
    assert await q.question_count(app.db) == 1


async def test_a_public_only_answer_removes_the_thinking_placeholder(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """/solved in the thread: the thread is told; the private "thinking…" is deleted."""
    app, fake = discord_bot
    await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
    thread_id = await thread_opened(fake)
    solved = slash("solved")
    solved["channel_id"], solved["channel"] = thread_id, p.thread_channel(thread_id, "Q1")
    await fake.dispatch("INTERACTION_CREATE", solved)
    original = rf"/webhooks/{p.APPLICATION_ID}/{solved['token']}/messages/@original"
    await fake.wait_for_call("DELETE", original, TIMEOUT)
    assert any("Q1 is solved" in str(b.get("content")) for b in fake.sent_messages)
    assert not fake.calls_to("POST", rf"/webhooks/{p.APPLICATION_ID}/{solved['token']}")
    assert await q.question_status(app.db) == "solved"


async def test_privacy_export_arrives_as_a_private_file(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """/privacy export: an ephemeral follow-up carrying the member's data as JSON."""
    _, fake = discord_bot
    await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
    await thread_opened(fake)
    export = slash("privacy", "export")
    await fake.dispatch("INTERACTION_CREATE", export)
    answer = await followup_to(fake, export)
    assert answer.body["flags"] & p.EPHEMERAL
    [(name, data)] = answer.body["_uploads"]
    assert name.startswith("entraide-data-")
    assert name.endswith(".json")
    assert "How do I export my data?" in json.dumps(json.loads(data))
