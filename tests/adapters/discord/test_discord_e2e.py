"""The bot on Discord, end to end: the real discord.py client against the local fake API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.discord.adapter import DiscordAdapter
from bot.app import App
from bot.core.clock import Clock
from tests.fakes import discord_payloads as p
from tests.fakes.console import START, default_settings
from tests.fakes.discord_harness import Harness
from tests.fakes.discord_server import FakeDiscord, fake_discord

TIMEOUT = 5.0


@pytest.fixture
async def discord_bot(tmp_path: Path) -> AsyncIterator[tuple[App, FakeDiscord]]:
    """Entraide with the Discord adapter on a fresh fake (#help is a help channel); the
    client's background errors fail the test instead of timing it out."""
    settings = default_settings()
    community = settings.community.model_copy(
        update={"help_channels": [p.HELP_CHANNEL_ID], "announce_channel": p.GENERAL_CHANNEL_ID}
    )
    empty = tmp_path / "kb"
    empty.mkdir()
    retrieval = settings.retrieval.model_copy(update={"knowledge_dir": empty, "dense": False})
    settings = settings.model_copy(update={"community": community, "retrieval": retrieval})
    async with fake_discord() as fake:
        app = App(settings, clock=Clock(START, frozen=True), db_path=tmp_path / "d.db")
        adapter = DiscordAdapter(app, chunk_guilds_at_startup=False, guild_ready_timeout=0.1)
        app.add_adapter(adapter)
        _signal_handled_events(app)
        await app.start()
        loop = asyncio.get_running_loop()
        old_handler = loop.get_exception_handler()
        harness = Harness(fake, adapter.client)
        harness.watch()
        harness.task = asyncio.create_task(adapter.client.start("fake-token"))
        try:
            await harness.until(adapter.client.wait_until_ready())
            yield app, fake
            assert not harness.errors, harness.errors
        finally:
            await adapter.client.close()
            await asyncio.wait({harness.task}, timeout=TIMEOUT)
            loop.set_exception_handler(old_handler)
            await app.stop()


def _signal_handled_events(app: App) -> None:
    """Let tests wait for 'an event was handled' instead of sleeping (dispatch stays real)."""
    handled = asyncio.Condition()
    real = app.dispatch

    async def dispatch(event: object) -> bool:
        done = await real(event)  # type: ignore[arg-type]
        async with handled:
            handled.notify_all()
        return done

    app.dispatch = dispatch  # type: ignore[method-assign]
    app.handled = handled  # type: ignore[attr-defined]


async def test_a_question_gets_a_thread_and_an_intro(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """A post in #help: the bot opens a thread under it and posts the intro with its button."""
    app, fake = discord_bot
    await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
    thread = await fake.wait_for_call("POST", r"/channels/\d+/messages/\d+/threads", TIMEOUT)
    assert thread.body["name"].startswith("Q1 · How do I export my data?")
    intro = await fake.wait_for_call(
        "POST", r"/channels/\d+/messages", TIMEOUT, where=lambda c: "Q1 is open" in str(c.body)
    )
    assert (
        intro.body["allowed_mentions"] == {"parse": []} or "users" in intro.body["allowed_mentions"]
    )
    button = intro.body["components"][0]["components"][0]
    assert button["custom_id"].startswith("entraide:question.solve:")
    assert await app.db.fetchone("SELECT number FROM questions") is not None


async def test_bot_messages_are_never_questions(discord_bot: tuple[App, FakeDiscord]) -> None:
    """A bot's post in #help is ignored."""
    app, fake = discord_bot
    other_bot = p.user("900000000000000999", "otherbot", bot=True)
    await fake.dispatch("MESSAGE_CREATE", p.message_create("I am a bot", author=other_bot))
    await fake.dispatch("MESSAGE_CREATE", p.message_create("A real question?"))
    await fake.wait_for_call("POST", r"/channels/\d+/messages/\d+/threads", TIMEOUT)
    row = await app.db.fetchone("SELECT COUNT(*) FROM questions")
    assert row is not None
    assert row[0] == 1


async def test_an_answer_marked_helpful_earns_points_and_unmarking_reverses(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """A reply in the thread is an answer; ✅ from alice gives bob 10; removing it takes 10."""
    app, fake = discord_bot
    await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
    intro = await fake.wait_for_call(
        "POST", r"/channels/\d+/messages", TIMEOUT, where=lambda c: "Q1 is open" in str(c.body)
    )
    thread_id = intro.path.split("/")[-2]
    await fake.dispatch("THREAD_CREATE", p.thread_create(thread_id, "Q1"))
    bob = p.user(p.BOB_ID, "bob")
    answer = p.message_create("Settings › Export.", author=bob, channel_id=thread_id)
    await fake.dispatch("MESSAGE_CREATE", answer)
    mark = p.reaction(answer["id"], "✅", channel_id=thread_id)
    mark["message_author_id"] = p.BOB_ID
    await fake.dispatch("MESSAGE_REACTION_ADD", mark)  # right behind: handled in order
    await _until(app, "SELECT COALESCE(SUM(delta), 0) FROM reputation_ledger", 10)
    unmark = p.reaction(answer["id"], "✅", channel_id=thread_id, add=False)
    await fake.dispatch("MESSAGE_REACTION_REMOVE", unmark)
    await _until(app, "SELECT COUNT(*) FROM reputation_ledger", 2)
    row = await app.db.fetchone("SELECT SUM(delta) FROM reputation_ledger")
    assert row is not None
    assert row[0] == 0


async def _until(app: App, sql: str, expected: object) -> None:
    """Wait until a query returns `expected`, re-checking after each event the bot handles."""
    handled: asyncio.Condition = app.handled  # type: ignore[attr-defined]

    async def check() -> bool:
        row = await app.db.fetchone(sql)
        return row is not None and row[0] == expected

    async def wait() -> None:
        while not await check():
            async with handled:
                await handled.wait()

    await asyncio.wait_for(wait(), TIMEOUT)
