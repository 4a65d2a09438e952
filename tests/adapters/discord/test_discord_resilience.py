"""The bot on Discord when things go wrong: dropped gateway connections, new sessions,
refusals (403) and a thread that already exists. Real discord.py against the local fake."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.runtime.app import App
from tests import queries as q
from tests.adapters.discord.conftest import TIMEOUT, adapter_of, running_bot, thread_opened, until
from tests.fakes import discord_payloads as p
from tests.fakes.discord_server import FakeDiscord

BOB = p.user(p.BOB_ID, "bob")
ADAPTER_LOG = "bot.adapters.discord.adapter"


async def _answered(fake: FakeDiscord) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Alice asks, bob answers in the thread; returns the thread id, the answer and a ✅ on it."""
    await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
    thread_id = await thread_opened(fake)
    answer = p.message_create("Settings › Export.", author=BOB, channel_id=thread_id)
    await fake.dispatch("MESSAGE_CREATE", answer)
    mark = p.reaction(answer["id"], "✅", channel_id=thread_id) | {"message_author_id": p.BOB_ID}
    return thread_id, answer, mark


async def _settled(app: App, fake: FakeDiscord, questions: int) -> None:
    """Events are handled in gateway order: once a later question is in, earlier ones are done."""
    await fake.dispatch("MESSAGE_CREATE", p.message_create(f"Unrelated question {questions}?"))
    await until(app, q.question_count, questions)


async def test_a_mark_sent_while_the_gateway_was_down_counts_once(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """The connection drops (4000); the ✅ sent meanwhile is replayed on RESUME: +10, once."""
    app, fake = discord_bot
    _, _, mark = await _answered(fake)
    fake.miss("MESSAGE_REACTION_ADD", mark)  # Discord sent it while the client was away
    await fake.drop_connection()
    await fake.wait_for_resume(within=TIMEOUT)
    await until(app, q.points_given, 10)
    await _settled(app, fake, 2)
    assert await q.ledger_count(app.db) == 1
    assert (fake.identifies, len(fake.resumes)) == (1, 1)


async def test_a_mark_delivered_again_after_a_new_session_counts_once(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """The session is invalidated (op 9): the client identifies anew, and the same ✅ comes
    again a minute later (a new event id): still +10 once, and it did reach the cogs."""
    app, fake = discord_bot
    client = adapter_of(app).client

    async def identify_now(shard_id: int | None, *, initial: bool = False) -> None:
        """No 5-second pause before re-IDENTIFY (discord.py's default hook sleeps)."""

    client.before_identify_hook = identify_now  # type: ignore[method-assign]
    thread_id, _, mark = await _answered(fake)
    await fake.dispatch("MESSAGE_REACTION_ADD", mark)
    await until(app, q.points_given, 10)
    # GUILD_CREATE lists the active threads: the new session knows the question's thread.
    fake.guild["threads"] = [p.thread_channel(thread_id, "Q1", owner_id=p.BOT_USER_ID)]
    ready_again = client.wait_for("ready", timeout=TIMEOUT)
    fake.session_id = "forgotten"  # the RESUME won't match: op 9, then IDENTIFY
    await fake.drop_connection()
    await ready_again
    assert (fake.identifies, fake.resumes) == (2, [])
    await app.clock.advance(timedelta(minutes=1))
    await fake.dispatch("MESSAGE_REACTION_ADD", mark)
    await until(app, lambda db: q.processed_count(db, "discord:reaction:%"), 2)
    assert (await q.ledger_count(app.db), await q.points_given(app.db)) == (1, 10)


def _guild_with_staff() -> dict[str, Any]:
    guild = p.guild()
    guild["channels"].append(p.staff_channel())
    return guild


async def test_a_channel_the_bot_cannot_post_in_is_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """403 (50013) in the staff channel: two cards fail, one line says what to grant, no
    discord.py internals reach the cogs, and a later question in #help still works."""
    caplog.set_level(logging.INFO)
    community = {"staff_channel": p.STAFF_CHANNEL_ID}
    async with running_bot(tmp_path, community=community, guild=_guild_with_staff()) as (_, fake):
        refused = p.error(50013, "Missing Permissions")
        fake.route("POST", rf"/channels/{p.STAFF_CHANNEL_ID}/messages", lambda c, m: (403, refused))
        for text in ("Refund for a double charge?", "Another refund please?"):
            await fake.dispatch("MESSAGE_CREATE", p.message_create(text))
        staff_posts = rf"/channels/{p.STAFF_CHANNEL_ID}/messages"
        await fake.wait_for_call(
            "POST", staff_posts, TIMEOUT, lambda _: len(fake.calls_to("POST", staff_posts)) == 2
        )
        await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
        thread_id = await thread_opened(fake, 3)
        await fake.wait_for_call(  # handled after the two failures: the bot kept working
            "POST",
            rf"/channels/{thread_id}/messages",
            TIMEOUT,
            lambda c: "Q3 is open" in str(c.body),
        )
        records = list(caplog.records)
    lines = [
        r.getMessage() for r in records if r.name == ADAPTER_LOG and "refused" in r.getMessage()
    ]
    assert len(lines) == 1, lines
    assert "#staff" in lines[0]
    assert "grant it Send Messages" in lines[0]
    # Neutral for the cogs, one line each and no traceback with discord.py's HTTP internals.
    failures = [r for r in records if r.name == "bot.runtime.dispatcher"]
    assert len(failures) == 2
    assert all("could not deliver" in r.getMessage() and not r.exc_info for r in failures)


async def test_a_mark_in_an_archived_thread_still_counts(
    discord_bot: tuple[App, FakeDiscord],
) -> None:
    """discord.py forgets archived threads; a ✅ there is fetched, not dropped: +10."""
    app, fake = discord_bot
    thread_id, _, mark = await _answered(fake)
    await until(app, q.answer_count, 1)
    archived = p.thread_channel(thread_id, "Q1")
    archived["thread_metadata"]["archived"] = True
    await fake.dispatch("THREAD_UPDATE", archived)
    client = adapter_of(app).client
    await _settled(app, fake, 2)
    assert client.get_channel(int(thread_id)) is None  # forgotten, as on Discord
    await fake.dispatch("MESSAGE_REACTION_ADD", mark)
    await until(app, q.points_given, 10)
