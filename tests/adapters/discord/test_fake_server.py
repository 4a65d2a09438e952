"""The fake Discord API works with the unmodified discord.py client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

import discord
import pytest

from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord, fake_discord

T = TypeVar("T")
TIMEOUT = 3.0


class Harness:
    """A discord.Client connected to a FakeDiscord, failing fast on background errors."""

    def __init__(self, fake: FakeDiscord, client: discord.Client) -> None:
        self.fake, self.client = fake, client
        self.errors: list[dict[str, Any]] = []
        self.failed = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def on_loop_error(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """Record an exception nobody awaited (a dead background task)."""
        self.errors.append(context)
        self.failed.set()

    async def until(self, awaitable: Awaitable[T], within: float = TIMEOUT) -> T:
        """Await something, but fail at once if the client task dies or the loop logs an error."""
        assert self.task is not None
        work = asyncio.ensure_future(awaitable)
        failed = asyncio.ensure_future(self.failed.wait())
        done, _ = await asyncio.wait(
            {work, failed, self.task}, timeout=within, return_when=asyncio.FIRST_COMPLETED
        )
        failed.cancel()
        if work in done:
            return work.result()
        work.cancel()
        if self.task in done:
            self.task.result()
            pytest.fail("the discord.py client stopped")
        if failed in done:
            pytest.fail(f"background error: {self.errors}")
        pytest.fail(f"timed out after {within}s")


def make_client() -> discord.Client:
    """A plain client with the intents the bot needs, starting up fast."""
    intents = discord.Intents.none()
    intents.guilds = intents.members = intents.messages = True
    intents.message_content = intents.reactions = True
    return discord.Client(intents=intents, chunk_guilds_at_startup=False, guild_ready_timeout=0.1)


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    """A ready client connected to a fresh fake; URLs and the loop handler restored after."""
    loop = asyncio.get_running_loop()
    old_handler = loop.get_exception_handler()
    async with fake_discord() as fake:
        client = make_client()
        h = Harness(fake, client)
        loop.set_exception_handler(h.on_loop_error)
        h.task = asyncio.create_task(client.start("fake-token"))
        try:
            await h.until(client.wait_until_ready())
            yield h
            assert not h.errors, h.errors
        finally:
            await client.close()
            await asyncio.wait({h.task}, timeout=TIMEOUT)
            loop.set_exception_handler(old_handler)
    assert discord.http.Route.BASE == "https://discord.com/api/v10"


async def test_client_becomes_ready_and_sees_the_guild(harness: Harness) -> None:
    client = harness.client
    assert client.user is not None
    assert client.user.id == int(p.BOT_USER_ID)
    guild = client.get_guild(int(p.GUILD_ID))
    assert guild is not None
    assert {c.name for c in guild.text_channels} == {"help", "general"}
    assert {r.name for r in guild.roles} == {"@everyone", "Helper"}
    assert harness.fake.identifies == 1
    assert harness.fake.unknown_calls == []


async def test_message_create_reaches_on_message(harness: Harness) -> None:
    waiter = harness.client.wait_for("message")
    await harness.fake.dispatch("MESSAGE_CREATE", p.message_create("How do I reset?"))
    message: discord.Message = await harness.until(waiter)
    assert message.content == "How do I reset?"
    assert message.author.id == int(p.ALICE_ID)
    assert isinstance(message.author, discord.Member)
    assert message.channel.id == int(p.HELP_CHANNEL_ID)


async def test_channel_send_is_recorded_with_allowed_mentions(harness: Harness) -> None:
    channel = harness.client.get_channel(int(p.HELP_CHANNEL_ID))
    assert isinstance(channel, discord.TextChannel)
    none = discord.AllowedMentions.none()
    sent = await harness.until(channel.send("Try the FAQ", allowed_mentions=none))
    assert sent.content == "Try the FAQ"
    body = harness.fake.sent_messages[-1]
    assert body["content"] == "Try the FAQ"
    assert body["allowed_mentions"] == {"parse": []}  # replied_user only sent when True


async def test_raw_reactions_reach_the_client(harness: Harness) -> None:
    added = harness.client.wait_for("raw_reaction_add")
    await harness.fake.dispatch("MESSAGE_REACTION_ADD", p.reaction("42", "✅"))
    event: discord.RawReactionActionEvent = await harness.until(added)
    assert (event.message_id, str(event.emoji), event.user_id) == (42, "✅", int(p.ALICE_ID))
    assert event.member is not None
    removed = harness.client.wait_for("raw_reaction_remove")
    await harness.fake.dispatch("MESSAGE_REACTION_REMOVE", p.reaction("42", "✅", add=False))
    event = await harness.until(removed)
    assert (event.message_id, event.event_type) == (42, "REACTION_REMOVE")


async def test_slash_command_response_is_recorded_as_ephemeral(harness: Harness) -> None:
    answered = asyncio.Event()

    async def on_interaction(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("hi", ephemeral=True)
        answered.set()

    harness.client.event(on_interaction)
    await harness.fake.dispatch("INTERACTION_CREATE", p.slash_command("ask"))
    await harness.until(answered.wait())
    call = await harness.fake.wait_for_call("POST", r"/interactions/\d+/[^/]+/callback")
    assert call.body["type"] == 4
    assert call.body["data"]["content"] == "hi"
    assert call.body["data"]["flags"] & p.EPHEMERAL


async def test_dropped_connection_resumes_and_dispatch_still_arrives(harness: Harness) -> None:
    await harness.fake.drop_connection()
    await harness.until(harness.fake.wait_for_resume())
    assert harness.fake.identifies == 1
    waiter = harness.client.wait_for("message")
    await harness.fake.dispatch("MESSAGE_CREATE", p.message_create("still here?"))
    message: discord.Message = await harness.until(waiter)
    assert message.content == "still here?"
