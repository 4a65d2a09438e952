"""Deleted and edited messages on Discord reach the core (raw gateway events).

A deleted question closes its escalation and edits the staff card; a deleted accepted answer
gives its points back (even out of discord.py's cache, as after a restart); an edited question
is stored with its new text; other channels and bots' messages are left alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.runtime.app import App
from tests import queries as q
from tests.adapters.discord.conftest import TIMEOUT, adapter_of, running_bot, thread_opened, until
from tests.adapters.discord.test_discord_commands import slash
from tests.adapters.discord.test_discord_scenarios import STAFF, _with_staff_channel, posted_in
from tests.fakes import discord_payloads as p

BOB = p.user(p.BOB_ID, "bob")


async def points_of(app: App, external_id: str) -> int:
    """A member's points, from the ledger."""
    return await q.member_points(app.db, external_id)


@pytest.mark.parametrize("cached", [True, False])
async def test_a_deleted_question_closes_its_escalation_and_edits_the_card(
    tmp_path: Path, cached: bool
) -> None:
    """Sensitive → card in #staff; alice's question is deleted on Discord: the escalation
    closes as deleted and the card is PATCHed to say so, its buttons gone. It names alice
    while discord.py has her message cached; after a restart nobody (Discord doesn't say)."""
    async with running_bot(tmp_path, community=STAFF, guild=_with_staff_channel()) as (app, fake):
        question = p.message_create("I need a refund, charged twice")
        await fake.dispatch("MESSAGE_CREATE", question)
        await thread_opened(fake)
        card = await posted_in(fake, p.STAFF_CHANNEL_ID, "refund")
        await until(app, q.escalation_status, "open")
        if not cached:
            adapter_of(app).client._connection._messages.clear()  # type: ignore[union-attr]
        await fake.dispatch("MESSAGE_DELETE", p.message_delete(question))
        await until(app, q.escalation_outcome, "closed:deleted")
        staff_card = await q.staff_card(app.db)
        assert staff_card is not None
        edit = await fake.wait_for_call(
            "PATCH", rf"/channels/{p.STAFF_CHANNEL_ID}/messages/{staff_card}", TIMEOUT
        )
        assert edit.body["components"] == []
        said = "Q1 was deleted by <@" + p.ALICE_ID + ">" if cached else "Q1 was deleted, "
        assert said in edit.body["content"]
        assert edit.body["content"].startswith(card.body["content"].split("\n")[0])
        assert (await q.question(app.db))["deleted_at"] is not None
        # Redelivered (a RESUME replays it): nothing happens twice.
        await fake.dispatch("MESSAGE_DELETE", p.message_delete(question))
        await fake.dispatch("MESSAGE_CREATE", p.message_create("unrelated"))
        await thread_opened(fake, 2)
        assert len(fake.calls_to("PATCH", rf"/channels/{p.STAFF_CHANNEL_ID}/messages/\d+")) == 1


async def test_a_deleted_accepted_answer_gives_its_points_back(tmp_path: Path) -> None:
    """Alice accepts bob's answer (/accept); bob deletes it after a restart emptied
    discord.py's cache (nobody known as its author): his points go back to 0."""
    async with running_bot(tmp_path) as (app, fake):
        await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
        thread_id = await thread_opened(fake)
        answer = p.message_create("Settings › Export.", author=BOB, channel_id=thread_id)
        await fake.dispatch("MESSAGE_CREATE", answer)
        await until(app, q.answer_count, 1)
        accept = slash("accept", message=answer["id"])
        accept["channel_id"] = thread_id
        accept["channel"] = p.thread_channel(thread_id, "Q1", parent_id=p.HELP_CHANNEL_ID)
        await fake.dispatch("INTERACTION_CREATE", accept)
        await until(app, q.accept_count, 1)
        assert await points_of(app, p.BOB_ID) > 0
        adapter_of(app).client._connection._messages.clear()  # type: ignore[union-attr]
        await fake.dispatch("MESSAGE_DELETE", p.message_delete(answer))
        await until(app, lambda db: q.answer_count(db, deleted=True), 1)
        assert await points_of(app, p.BOB_ID) == 0
        # Out of the cache nobody is known as its author: a neutral "unknown" took the action.
        assert (await q.member(app.db, "unknown"))["is_bot"] == 1


async def test_a_bulk_delete_of_a_helpful_answer_takes_its_points_back(tmp_path: Path) -> None:
    """A moderator purges the thread (MESSAGE_DELETE_BULK): each message is one deletion."""
    async with running_bot(tmp_path) as (app, fake):
        await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
        thread_id = await thread_opened(fake)
        answer = p.message_create("Settings › Export.", author=BOB, channel_id=thread_id)
        chatter = p.message_create("thanks!", channel_id=thread_id)
        for message in (answer, chatter):
            await fake.dispatch("MESSAGE_CREATE", message)
        mark = p.reaction(answer["id"], "✅", user_id="900000000000000302", channel_id=thread_id)
        await fake.dispatch("MESSAGE_REACTION_ADD", mark | {"message_author_id": p.BOB_ID})
        await until(app, q.points_given, 10)
        await fake.dispatch("MESSAGE_DELETE_BULK", p.message_delete_bulk([answer, chatter]))
        await until(app, lambda db: q.answer_count(db, deleted=True), 1)
        assert await points_of(app, p.BOB_ID) == 0


async def test_an_edited_question_is_stored_with_its_new_text(tmp_path: Path) -> None:
    """Alice fixes her question's text: the stored text follows; an update without content
    (an embed unfurled) and a redelivered edit change nothing more."""
    async with running_bot(tmp_path) as (app, fake):
        question = p.message_create("How do I exprot my data?")
        await fake.dispatch("MESSAGE_CREATE", question)
        await thread_opened(fake)
        when = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
        edit = p.message_update(question, "How do I export my data to CSV?", edited=when)
        await fake.dispatch("MESSAGE_UPDATE", edit)
        await until(app, q.question_text, "How do I export my data to CSV?")
        await fake.dispatch("MESSAGE_UPDATE", edit)
        unfurled = p.message_update(question, question["content"]) | {"edited_timestamp": None}
        await fake.dispatch("MESSAGE_UPDATE", unfurled)
        edited_id = f"discord:edited:{question['id']}:{when.timestamp():.6f}"
        await until(app, lambda db: q.processed_of(db, edited_id), 1)
        assert await q.processed_count(app.db, "discord:edited:%") == 1


async def test_changes_outside_help_channels_and_to_bot_messages_are_ignored(
    tmp_path: Path,
) -> None:
    """A deletion in #general and the deletion of the bot's own intro reach no handler."""
    async with running_bot(tmp_path) as (app, fake):
        await fake.dispatch("MESSAGE_CREATE", p.message_create("How do I export my data?"))
        thread_id = await thread_opened(fake)
        intro = await posted_in(fake, thread_id, "is open")
        shown = p.message(intro.body["content"], channel_id=thread_id, author=p.bot_user())
        await fake.dispatch("MESSAGE_CREATE", shown)  # the gateway echoes the bot's own post
        elsewhere = p.message_create("hello", channel_id=p.GENERAL_CHANNEL_ID)
        await fake.dispatch("MESSAGE_CREATE", elsewhere)
        for gone in (elsewhere, shown):
            await fake.dispatch("MESSAGE_DELETE", p.message_delete(gone))
        marker = p.message_create("a later question", author=BOB)
        await fake.dispatch("MESSAGE_CREATE", marker)
        await until(app, q.question_count, 2)
        assert await q.processed_count(app.db, "discord:deleted:%") == 0
