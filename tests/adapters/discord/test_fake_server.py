"""The fake Discord API works with the unmodified discord.py client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest

from tests.fakes import discord_payloads as p
from tests.fakes.discord_harness import TIMEOUT, Harness
from tests.fakes.discord_server import fake_discord


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
        client.on_error = h.on_error  # type: ignore[method-assign]
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
    """READY then GUILD_CREATE: the bot user, channels and roles are known; no unknown route."""
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
    """A dispatched MESSAGE_CREATE arrives with its content, member author and channel."""
    waiter = harness.client.wait_for("message")
    await harness.fake.dispatch("MESSAGE_CREATE", p.message_create("How do I reset?"))
    message: discord.Message = await harness.until(waiter)
    assert message.content == "How do I reset?"
    assert message.author.id == int(p.ALICE_ID)
    assert isinstance(message.author, discord.Member)
    assert message.channel.id == int(p.HELP_CHANNEL_ID)


async def test_channel_send_is_recorded_with_allowed_mentions(harness: Harness) -> None:
    """channel.send goes to the fake, which keeps the body as sent."""
    channel = harness.client.get_channel(int(p.HELP_CHANNEL_ID))
    assert isinstance(channel, discord.TextChannel)
    none = discord.AllowedMentions.none()
    sent = await harness.until(channel.send("Try the FAQ", allowed_mentions=none))
    assert sent.content == "Try the FAQ"
    body = harness.fake.sent_messages[-1]
    assert body["content"] == "Try the FAQ"
    assert body["allowed_mentions"] == {"parse": []}  # replied_user only sent when True


async def test_raw_reactions_reach_the_client(harness: Harness) -> None:
    """Raw reaction add (with member) and remove reach the raw listeners."""
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
    """A slash command reaches on_interaction; the ephemeral answer is a recorded callback."""
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
    """A server-side drop (4000) makes the client RESUME the same session."""
    await harness.fake.drop_connection()
    await harness.until(harness.fake.wait_for_resume())
    assert harness.fake.identifies == 1
    waiter = harness.client.wait_for("message")
    await harness.fake.dispatch("MESSAGE_CREATE", p.message_create("still here?"))
    message: discord.Message = await harness.until(waiter)
    assert message.content == "still here?"


async def test_thread_create_reaches_the_client(harness: Harness) -> None:
    """THREAD_CREATE builds a thread under #help."""
    created = harness.client.wait_for("thread_create")
    await harness.fake.dispatch("THREAD_CREATE", p.thread_create(p.snowflake(), "Reset help"))
    thread: discord.Thread = await harness.until(created)
    assert thread.name == "Reset help"
    assert thread.parent_id == int(p.HELP_CHANNEL_ID)


async def test_button_click_reaches_on_interaction(harness: Harness) -> None:
    """A button click carries its custom id and message; defer is a type 6 callback."""
    clicked = harness.client.wait_for("interaction")
    bot_message = p.message("Did this help?", author=p.bot_user())
    await harness.fake.dispatch("INTERACTION_CREATE", p.button_click("solved:1", bot_message))
    interaction: discord.Interaction = await harness.until(clicked)
    assert interaction.data is not None
    assert interaction.data.get("custom_id") == "solved:1"
    assert interaction.message is not None
    assert interaction.message.content == "Did this help?"
    await harness.until(interaction.response.defer())
    call = await harness.fake.wait_for_call("POST", r"/interactions/\d+/[^/]+/callback")
    assert call.body["type"] == 6  # deferred update of the clicked message


async def test_thread_reaction_role_and_dm_calls_are_answered(harness: Harness) -> None:
    """Threads, reactions, roles and DMs all hit known routes with usable answers."""
    client, fake = harness.client, harness.fake
    channel = client.get_channel(int(p.HELP_CHANNEL_ID))
    assert isinstance(channel, discord.TextChannel)
    message = await harness.until(channel.send("Question?"))
    thread = await harness.until(message.create_thread(name="Question?"))
    assert (thread.id, thread.name) == (message.id, "Question?")
    await harness.until(message.add_reaction("👀"))
    guild = client.get_guild(int(p.GUILD_ID))
    assert guild is not None
    alice = guild.get_member(int(p.ALICE_ID))
    helper = guild.get_role(int(p.HELPER_ROLE_ID))
    assert alice is not None
    assert helper is not None
    await harness.until(alice.add_roles(helper))
    dm = await harness.until(alice.create_dm())
    await harness.until(dm.send("hello"))
    assert fake.calls_to("PUT", rf"/channels/\d+/messages/{message.id}/reactions/.+/@me")
    assert fake.calls_to("PUT", rf"/guilds/{p.GUILD_ID}/members/{p.ALICE_ID}/roles/\d+")
    assert fake.sent_messages[-1]["content"] == "hello"
    assert fake.unknown_calls == []


async def test_command_sync_and_followup_are_recorded(harness: Harness) -> None:
    """tree.sync goes through the commands routes; a followup is a webhook POST."""
    tree = discord.app_commands.CommandTree(harness.client)
    asked = asyncio.Event()

    @tree.command(name="ask", description="Ask the community")
    async def ask(interaction: discord.Interaction, question: str) -> None:
        await interaction.response.defer(ephemeral=True)
        await interaction.followup.send(f"noted: {question}", ephemeral=True)
        asked.set()

    synced = await harness.until(tree.sync(guild=discord.Object(int(p.GUILD_ID))))
    assert [c.name for c in synced] == []  # guild sync sends only guild commands
    synced = await harness.until(tree.sync())
    assert [c.name for c in synced] == ["ask"]
    option = {"name": "question", "type": 3, "value": "why?"}
    command = p.slash_command("ask", [option], command_id=str(synced[0].id))
    await harness.fake.dispatch("INTERACTION_CREATE", command)
    await harness.until(asked.wait())
    followup = await harness.fake.wait_for_call("POST", rf"/webhooks/{p.APPLICATION_ID}/[^/]+")
    assert followup.body["content"] == "noted: why?"
    assert followup.body["flags"] & p.EPHEMERAL
    assert harness.fake.calls_to("PUT", rf"/applications/{p.APPLICATION_ID}/commands")


async def test_an_invalid_session_makes_the_client_identify_again(harness: Harness) -> None:
    """A RESUME of an unknown session gets op 9; the client identifies anew."""

    async def identify_now(shard_id: int | None, *, initial: bool = False) -> None:
        """No 5-second pause before a re-IDENTIFY (discord.py's default hook sleeps)."""

    harness.client.before_identify_hook = identify_now  # type: ignore[method-assign]
    ready_again = harness.client.wait_for("ready")
    harness.fake.session_id = "forgotten"  # the RESUME will not match: op 9, then IDENTIFY
    await harness.fake.drop_connection()
    await harness.until(ready_again)
    assert (harness.fake.identifies, harness.fake.resumes) == (2, [])
    waiter = harness.client.wait_for("message")
    await harness.fake.dispatch("MESSAGE_CREATE", p.message_create("after a new session"))
    message: discord.Message = await harness.until(waiter)
    assert message.content == "after a new session"
