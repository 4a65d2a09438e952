"""/questions on Discord: jump links to the threads, rendered as links, pinging nobody."""

from __future__ import annotations

from bot.adapters.discord import render
from bot.core.identity import Conversation
from bot.core.replies import Reply, linked
from bot.runtime.app import App
from tests import queries as q
from tests.adapters.discord.conftest import thread_opened, until
from tests.adapters.discord.test_discord_commands import followup_to, slash
from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord

JUMP = f"https://discord.com/channels/{p.GUILD_ID}"


def test_jump_links_name_the_thread_or_the_channel_and_the_message() -> None:
    """A thread is a channel of its own: its link needs no parent; a message adds its id."""
    assert render.jump_link("1", Conversation("2")) == "https://discord.com/channels/1/2"
    assert render.jump_link("1", Conversation("2", "3")) == "https://discord.com/channels/1/3"
    assert render.jump_link("1", Conversation("2", "3"), "4") == (
        "https://discord.com/channels/1/3/4"
    )
    assert render.jump_link("1", Conversation("2"), "4") == "https://discord.com/channels/1/2/4"


def test_a_linked_reference_is_sent_as_a_markdown_link() -> None:
    """Discord shows [text](url) in a bot's message as a link: it goes out untouched."""
    url = render.jump_link("1", Conversation("2", "3"))
    [piece] = render.messages(Reply(f"• {linked('Q3', url)} · asked 4 days ago"))
    assert piece.content == "• [Q3](https://discord.com/channels/1/3) · asked 4 days ago"


async def test_questions_links_each_thread_and_pings_nobody(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """A hostile question in #help, then /questions: a private list whose reference jumps to
    the thread; no @everyone, role or member ping is allowed."""
    app, fake = discord_bot
    text = f"@everyone <@&{p.HELPER_ROLE_ID}> <@{p.BOB_ID}> how do I export my data?"
    await fake.dispatch("MESSAGE_CREATE", p.message_create(text))
    thread_id = await thread_opened(fake)
    await until(app, q.threaded_question_count, 1)
    ask = slash("questions", filter="open", page=1)
    await fake.dispatch("INTERACTION_CREATE", ask)
    listing = await followup_to(fake, ask)
    content = listing.body["content"]
    assert f"[Q1]({JUMP}/{thread_id})" in content
    assert "1 open question" in content
    assert "@everyone" not in content
    assert f"<@{p.BOB_ID}>" not in content
    assert listing.body["flags"] & p.EPHEMERAL
    assert listing.body["allowed_mentions"] == {"parse": [], "users": []}
