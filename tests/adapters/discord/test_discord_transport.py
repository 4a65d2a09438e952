"""The Chat port on Discord, method by method, against the local fake: threads, channels, roles."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from bot.core.identity import Community, Conversation
from bot.core.replies import Attachment, Reply
from bot.runtime.app import App
from tests import queries as q
from tests.adapters.discord.conftest import TIMEOUT, adapter_of, running_bot
from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord

GUILD = Community("discord", p.GUILD_ID, "Entraide Test")
OTHER_GUILD_ID, OTHER_CHANNEL_ID = "900000000000000500", "900000000000000501"
LOCKED_CHANNEL_ID = "900000000000000204"
THREADS = r"/channels/\d+/messages/\d+/threads"


async def test_a_thread_already_opened_for_the_message_is_reused(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """Discord says 160004 (a crash came between opening the thread and storing its id): the
    message's thread (same id) is used, and the intro goes there."""
    app, fake = discord_bot
    exists = p.error(160004, "A thread has already been created for this message")
    fake.route("POST", THREADS, lambda c, m: (400, exists))
    question = p.message_create("How do I export my data?")
    await fake.dispatch("MESSAGE_CREATE", question)
    await fake.wait_for_call(
        "POST",
        rf"/channels/{question['id']}/messages",
        TIMEOUT,
        lambda c: "Q1 is open" in str(c.body),
    )
    assert await q.question_thread(app.db) == question["id"]


async def test_a_help_channel_without_create_threads_is_logged_once(
    discord_bot: tuple[App, FakeDiscord], caplog: pytest.LogCaptureFixture
) -> None:
    """Two questions, two refusals (50013) to open their threads: one line naming the permission."""
    _, fake = discord_bot
    caplog.set_level(logging.ERROR, logger="bot.adapters.discord.adapter")
    fake.route("POST", THREADS, lambda c, m: (403, p.error(50013, "Missing Permissions")))
    for text in ("First question?", "Second question?"):
        await fake.dispatch("MESSAGE_CREATE", p.message_create(text))
    await fake.wait_for_call(
        "POST", THREADS, TIMEOUT, lambda _: len(fake.calls_to("POST", THREADS)) == 2
    )
    lines = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert lines == [
        f"Discord refused the bot in #help ({p.HELP_CHANNEL_ID}) (code 50013):"
        " grant it Create Public Threads there"
    ]


def _guild_with_locked_channel() -> dict[str, Any]:
    guild = p.guild()
    locked = p.text_channel(LOCKED_CHANNEL_ID, "locked", position=4)
    deny = str(p.VIEW_CHANNEL)
    locked["permission_overwrites"] = [{"id": p.BOT_USER_ID, "type": 1, "allow": "0", "deny": deny}]
    guild["channels"] += [locked, p.staff_channel()]
    return guild


async def test_only_this_guilds_channels_where_the_bot_may_post_exist(tmp_path: Path) -> None:
    """#help and the private #staff (open to the bot) exist, by id, mention or name; a channel
    hidden from the bot, an unknown name or id, or another server's channel don't."""
    async with running_bot(tmp_path, guild=_guild_with_locked_channel()) as (app, fake):
        client = adapter_of(app).client
        joined = client.wait_for("guild_join", timeout=TIMEOUT)
        other = p.guild(
            id=OTHER_GUILD_ID, name="Elsewhere", roles=[p.role(OTHER_GUILD_ID, "@everyone")]
        )
        other["channels"] = [
            p.text_channel(OTHER_CHANNEL_ID, "general") | {"guild_id": OTHER_GUILD_ID}
        ]
        del other["unavailable"]  # a server the bot joins (not one becoming available)
        await fake.dispatch("GUILD_CREATE", other)
        await joined
        assert client.get_channel(int(OTHER_CHANNEL_ID)) is not None  # the bot sees it...
        exists = adapter_of(app).channel_exists
        assert await exists(GUILD, p.HELP_CHANNEL_ID)
        assert await exists(GUILD, p.STAFF_CHANNEL_ID)
        assert not await exists(GUILD, OTHER_CHANNEL_ID)  # ...but it isn't this community's
        assert not await exists(GUILD, LOCKED_CHANNEL_ID)
        assert await exists(GUILD, "general")  # by name, as config/default.toml names them
        assert await exists(GUILD, f"<#{p.HELP_CHANNEL_ID}>")
        assert not await exists(GUILD, "nowhere")
        assert not await exists(GUILD, "900000000000000999")


async def test_a_rank_role_is_set_for_a_member_not_in_the_cache(
    discord_bot: tuple[App, FakeDiscord], caplog: pytest.LogCaptureFixture
) -> None:
    """Bob isn't cached (no member chunking): he is fetched and the role (named in any case)
    granted then removed; an unknown role is False; a refusal is False, logged once."""
    app, fake = discord_bot
    adapter = adapter_of(app)
    role_path = rf"/guilds/{p.GUILD_ID}/members/{p.BOB_ID}/roles/{p.HELPER_ROLE_ID}"
    assert await adapter.set_role(GUILD, p.BOB_ID, "helper", True)
    assert await adapter.set_role(GUILD, p.BOB_ID, f"<@&{p.HELPER_ROLE_ID}>", False)
    assert [c.method for c in fake.calls_to("PUT|DELETE", role_path)] == ["PUT", "DELETE"]
    assert fake.calls_to("GET", rf"/guilds/{p.GUILD_ID}/members/{p.BOB_ID}")
    assert not await adapter.set_role(GUILD, p.BOB_ID, "Moderators", True)
    caplog.set_level(logging.ERROR, logger="bot.adapters.discord.adapter")
    fake.route("PUT", role_path, lambda c, m: (403, p.error(50013, "Missing Permissions")))
    assert not await adapter.set_role(GUILD, p.BOB_ID, "Helper", True)
    assert not await adapter.set_role(GUILD, p.BOB_ID, "Helper", True)
    lines = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(lines) == 1
    assert "@Helper" in lines[0]
    assert "Manage Roles" in lines[0]


async def test_files_go_with_the_last_message(discord_bot: tuple[App, FakeDiscord]) -> None:
    """A chart posted in a channel: one multipart message carrying the text and the PNG."""
    app, fake = discord_bot
    chart = Attachment("insights.png", b"\x89PNG fake chart", "image/png")
    reply = Reply("Insights for this week", files=(chart,))
    await adapter_of(app).send(GUILD, Conversation(p.GENERAL_CHANNEL_ID), reply)
    call = await fake.wait_for_call("POST", rf"/channels/{p.GENERAL_CHANNEL_ID}/messages")
    assert call.body["content"] == "Insights for this week"
    assert call.body["_uploads"] == [("insights.png", b"\x89PNG fake chart")]


async def test_several_files_go_in_one_message(discord_bot: tuple[App, FakeDiscord]) -> None:
    """/insights sends its chart and its HTML report together: both on the one message."""
    app, fake = discord_bot
    chart = Attachment("insights.png", b"\x89PNG fake chart", "image/png")
    report = Attachment("insights.html", b"<!DOCTYPE html>", "text/html")
    reply = Reply("Insights for this week", files=(chart, report))
    await adapter_of(app).send(GUILD, Conversation(p.GENERAL_CHANNEL_ID), reply)
    call = await fake.wait_for_call("POST", rf"/channels/{p.GENERAL_CHANNEL_ID}/messages")
    assert call.body["_uploads"] == [
        ("insights.png", b"\x89PNG fake chart"),
        ("insights.html", b"<!DOCTYPE html>"),
    ]


async def test_buttons_are_not_kept_in_discord_py_s_view_store(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """Every question's intro has a button: none of them stays in memory (clicks are read
    from their custom id), yet the components are sent."""
    app, fake = discord_bot
    for n in range(3):
        await fake.dispatch("MESSAGE_CREATE", p.message_create(f"Question {n}?"))
    intros = r"/channels/\d+/messages"
    await fake.wait_for_call(
        "POST", intros, TIMEOUT, lambda _: len(fake.calls_to("POST", intros)) >= 3
    )
    assert all(c.body["components"] for c in fake.calls_to("POST", intros))
    assert adapter_of(app).client.persistent_views == []
