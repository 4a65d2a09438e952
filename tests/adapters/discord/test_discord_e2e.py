"""The bot on Discord, end to end: the real discord.py client against the local fake API."""

from __future__ import annotations

from bot.runtime.app import App
from tests import queries as q
from tests.adapters.discord.conftest import TIMEOUT, until
from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord


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
    assert await q.question_numbers(app.db) != []


async def test_bot_messages_are_never_questions(discord_bot: tuple[App, FakeDiscord]) -> None:
    """A bot's post in #help is ignored."""
    app, fake = discord_bot
    other_bot = p.user("900000000000000999", "otherbot", bot=True)
    await fake.dispatch("MESSAGE_CREATE", p.message_create("I am a bot", author=other_bot))
    await fake.dispatch("MESSAGE_CREATE", p.message_create("A real question?"))
    await fake.wait_for_call("POST", r"/channels/\d+/messages/\d+/threads", TIMEOUT)
    assert await q.question_count(app.db) == 1


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
    await until(app, q.points_given, 10)
    unmark = p.reaction(answer["id"], "✅", channel_id=thread_id, add=False)
    await fake.dispatch("MESSAGE_REACTION_REMOVE", unmark)
    await until(app, q.ledger_count, 2)
    assert await q.points_given(app.db) == 0
