"""Forum help channels on Discord: a new post is a question whose thread is the post itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import discord

from bot.core.identity import Community
from tests import queries as q
from tests.adapters.discord.conftest import TIMEOUT, adapter_of, running_bot, until
from tests.fakes import discord_payloads as p

GUILD = Community("discord", p.GUILD_ID, "Entraide Test")
FORUM_HELP = {"help_channels": [p.FORUM_CHANNEL_ID]}


def _guild_with_forum() -> dict[str, Any]:
    guild = p.guild()
    guild["channels"].append(p.forum_channel())
    return guild


async def test_a_forum_post_becomes_a_question_answered_inside_it(tmp_path: Path) -> None:
    """THREAD_CREATE then the starter (same id, posted in the thread): a question whose thread
    is the post (no thread opened), the intro inside it, and replies there are answers."""
    async with running_bot(tmp_path, community=FORUM_HELP, guild=_guild_with_forum()) as (
        app,
        fake,
    ):
        forum = adapter_of(app).client.get_channel(int(p.FORUM_CHANNEL_ID))
        assert isinstance(forum, discord.ForumChannel)
        assert [t.name for t in forum.available_tags] == ["bug", "how-to"]
        post = p.snowflake()
        await fake.dispatch("THREAD_CREATE", p.forum_post(post, "Export fails with error 500"))
        await fake.dispatch("MESSAGE_CREATE", p.forum_starter(post, "Since Monday, every time."))
        await fake.wait_for_call(
            "POST", rf"/channels/{post}/messages", TIMEOUT, lambda c: "Q1 is open" in str(c.body)
        )
        row = await q.question(app.db)
        assert (row["channel_id"], row["thread_id"], row["root_message_id"], row["text"]) == (
            p.FORUM_CHANNEL_ID,
            post,
            post,
            "Export fails with error 500\nSince Monday, every time.",
        )
        assert not fake.calls_to("POST", r".*/threads")
        mine = p.message_create("Any idea?", channel_id=post)  # the asker's own reply
        await fake.dispatch("MESSAGE_CREATE", mine)
        answer = p.message_create(
            "Clear the cache.", author=p.user(p.BOB_ID, "bob"), channel_id=post
        )
        await fake.dispatch("MESSAGE_CREATE", answer)
        await until(app, q.question_status, "answered")
        assert await q.answer_count(app.db) == 1
        assert (await q.answer(app.db))["message_id"] == answer["id"]


async def test_opening_the_thread_of_a_forum_post_reuses_the_post(tmp_path: Path) -> None:
    """open_thread on a forum channel (e.g. a replayed question) returns the post, posts nothing."""
    async with running_bot(tmp_path, community=FORUM_HELP, guild=_guild_with_forum()) as (
        app,
        fake,
    ):
        post = p.snowflake()
        adapter = adapter_of(app)
        got = await adapter.open_thread(GUILD, p.FORUM_CHANNEL_ID, post, "Export fails", "Q1")
        assert got == post
        assert not fake.calls_to("POST", r".*")
