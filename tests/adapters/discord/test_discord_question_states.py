"""Question states on Discord, against the fake: a forum post's Solved / Staff tags (created
when the forum lacks them), forum_close_on_solve, and ✅ on a solved question in #help."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.runtime.app import App
from tests import queries as q
from tests.adapters.discord.conftest import TIMEOUT, running_bot, thread_opened, until
from tests.adapters.discord.test_discord_commands import slash
from tests.adapters.discord.test_discord_scenarios import posted_in
from tests.fakes import discord_payloads as p
from tests.fakes.discord_forum import applied, unarchive_on_reply
from tests.fakes.discord_server import FakeDiscord

BOB = p.user(p.BOB_ID, "bob")
FORUM = p.FORUM_CHANNEL_ID
HOW_TO = "900000000000000211"  # the tag alice chose on her post (p.forum_post)
BOT_ROLE_ID = "900000000000000102"
MANAGE_CHANNELS, MANAGE_MESSAGES, MANAGE_THREADS = 1 << 4, 1 << 13, 1 << 34
STAFF_MEMBER = str(int(p.ALL_PERMISSIONS) | MANAGE_MESSAGES)
SETTINGS = {"help_channels": [FORUM], "staff_channel": p.STAFF_CHANNEL_ID}


def _guild(*, manage: bool = True, tags: tuple[str, ...] = ()) -> dict[str, Any]:
    """#help, a forum (bug, how-to, and `tags`), #staff; the bot's role may manage them."""
    guild = p.guild()
    forum = p.forum_channel()
    for name in tags:
        forum["available_tags"].append(
            {"id": p.snowflake(), "name": name, "moderated": True, "emoji_id": None}
            | {"emoji_name": None}
        )
    guild["channels"] += [forum, p.staff_channel()]
    if manage:
        granted = str(MANAGE_CHANNELS | MANAGE_THREADS)
        guild["roles"].append(p.role(BOT_ROLE_ID, "Entraide", position=2, permissions=granted))
        guild["members"][1] = p.member(p.bot_user(), roles=[BOT_ROLE_ID])
    return guild


@asynccontextmanager
async def forum_bot(
    tmp_path: Path, guild: dict[str, Any], **settings: Any
) -> AsyncIterator[tuple[App, FakeDiscord]]:
    """The bot with the forum as its help channel."""
    async with running_bot(tmp_path, community=SETTINGS | settings, guild=guild) as started:
        yield started


async def _post(fake: FakeDiscord, text: str) -> str:
    """alice opens a forum post (tagged how-to); the bot's intro is in it. Its id."""
    post = p.snowflake()
    await fake.dispatch("THREAD_CREATE", p.forum_post(post, text))
    await fake.dispatch("MESSAGE_CREATE", p.forum_starter(post, "Details inside."))
    await posted_in(fake, post, "is open")
    return post


async def _solved_in(fake: FakeDiscord, post: str, parent: str = FORUM) -> None:
    """alice types /solved in the post."""
    solved = slash("solved")
    solved["channel_id"], solved["channel"] = post, p.thread_channel(post, "Q", parent_id=parent)
    await fake.dispatch("INTERACTION_CREATE", solved)


async def _tags_become(fake: FakeDiscord, post: str, names: list[str]) -> None:
    """Wait until the post carries exactly these tags (in any order), on Discord's side."""
    await fake.wait_for_call(
        "PATCH", rf"/channels/{post}", TIMEOUT, lambda _: sorted(applied(fake, post)) == names
    )


async def test_a_solved_post_gets_the_solved_tag_created_when_the_forum_lacks_it(
    tmp_path: Path,
) -> None:
    """The forum has no Solved tag: the bot creates it (moderated, ✅) once, applies it next
    to alice's how-to, and leaves the post open (forum_close_on_solve is off by default)."""
    async with forum_bot(tmp_path, _guild()) as (_, fake):
        post = await _post(fake, "Export fails with error 500")
        await _solved_in(fake, post)
        await _tags_become(fake, post, ["Solved", "how-to"])
        created = fake.calls_to("PATCH", rf"/channels/{FORUM}")
        assert len(created) == 1
        made = created[0].body["available_tags"][-1]
        assert (made["name"], made["moderated"], made["emoji_name"]) == ("Solved", True, "✅")
        assert [t["name"] for t in created[0].body["available_tags"]] == ["bug", "how-to", "Solved"]
        assert not fake.store.threads[post]["thread_metadata"]["archived"]
        assert not fake.calls_to("PUT", r".*/reactions/.*")  # a forum post gets tags, not ✅
        second = await _post(fake, "Import fails too")  # the tag is reused, not made again
        await _solved_in(fake, second)
        await _tags_become(fake, second, ["Solved", "how-to"])
        assert len(fake.calls_to("PATCH", rf"/channels/{FORUM}")) == 1


async def test_staff_tag_while_escalated_replaced_by_solved(tmp_path: Path) -> None:
    """A sensitive post goes to staff: Staff tag (created); alice solves it: Solved instead,
    Staff gone, how-to kept, the escalation closed."""
    async with forum_bot(tmp_path, _guild()) as (app, fake):
        post = await _post(fake, "I was charged twice, refund please")
        await posted_in(fake, p.STAFF_CHANNEL_ID, "refund")
        await _tags_become(fake, post, ["Staff", "how-to"])
        await _solved_in(fake, post)
        await _tags_become(fake, post, ["Solved", "how-to"])
        await until(app, q.escalation_outcome, "closed:solved")
        names = [
            t["name"]
            for t in fake.calls_to("PATCH", rf"/channels/{FORUM}")[-1].body["available_tags"]
        ]
        assert names == ["bug", "how-to", "Staff", "Solved"]


async def test_the_staff_tag_goes_when_staff_return_the_question(tmp_path: Path) -> None:
    """The forum already has a Staff tag (any case): it is used, none created; Return to
    community takes it off and leaves alice's tag."""
    async with forum_bot(tmp_path, _guild(tags=("staff",))) as (app, fake):
        post = await _post(fake, "I was charged twice, refund please")
        card = await posted_in(fake, p.STAFF_CHANNEL_ID, "refund")
        await _tags_become(fake, post, ["how-to", "staff"])
        qid = await q.question_id(app.db)
        shown = p.message("card", message_id=p.snowflake(), channel_id=p.STAFF_CHANNEL_ID)
        shown["components"] = card.body["components"]
        click = p.button_click(f"entraide:escalation.return:{qid}", shown, author=BOB)
        click["member"]["permissions"] = STAFF_MEMBER
        await fake.dispatch("INTERACTION_CREATE", click)
        await until(app, q.escalation_status, "returned")
        await _tags_become(fake, post, ["how-to"])
        assert not fake.calls_to("PATCH", rf"/channels/{FORUM}")


async def test_a_missing_permission_is_logged_once_naming_it(
    tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Without Manage Channels the Solved tag can't be made: one error line naming it for
    two solved posts, and no tag PATCH. With the tag there but Manage Threads refused (403
    on the post), one line naming Manage Threads. The questions are solved all the same."""
    caplog.set_level(logging.INFO, "bot.adapters.discord")
    async with forum_bot(tmp_path_factory.mktemp("a"), _guild(manage=False)) as (app, fake):
        for n, text in enumerate(("Export fails", "Import fails"), start=1):
            await _solved_in(fake, await _post(fake, text))
            await until(app, lambda db: q.question_count(db, status="solved"), n)
        assert not fake.calls_to("PATCH", r"/channels/\d+")
    lines = [r.getMessage() for r in caplog.records if "Manage Channels" in r.getMessage()]
    assert len(lines) == 1
    assert "Solved" in lines[0]
    assert FORUM in lines[0]
    caplog.clear()
    async with forum_bot(tmp_path_factory.mktemp("b"), _guild(manage=False, tags=("Solved",))) as (
        app,
        fake,
    ):
        refused = p.error(50013, "Missing Permissions")
        fake.route("PATCH", r"/channels/9[1-9]\d+", lambda c, m: (403, refused))
        for text in ("Export fails", "Import fails"):
            post = await _post(fake, text)
            await _solved_in(fake, post)
            await fake.wait_for_call("PATCH", rf"/channels/{post}", TIMEOUT)
        await until(app, lambda db: q.question_count(db, status="solved"), 2)
    lines = [r.getMessage() for r in caplog.records if "Manage Threads" in r.getMessage()]
    assert len(lines) == 1
    assert FORUM in lines[0]


async def test_close_on_solve_archives_and_a_reply_reopens_for_good(tmp_path: Path) -> None:
    """forum_close_on_solve: the solved post is tagged and archived in one PATCH. bob writes
    in it: Discord unarchives it, his reply is an answer, and the bot doesn't archive again."""
    async with forum_bot(tmp_path, _guild(), forum_close_on_solve=True) as (app, fake):
        post = await _post(fake, "Export fails with error 500")
        await _solved_in(fake, post)
        closing = await fake.wait_for_call("PATCH", rf"/channels/{post}", TIMEOUT)
        assert closing.body["archived"] is True
        assert sorted(applied(fake, post)) == ["Solved", "how-to"]
        await fake.dispatch("THREAD_UPDATE", unarchive_on_reply(fake, post))
        reply = p.message_create("Also check the proxy.", author=BOB, channel_id=post)
        await fake.dispatch("MESSAGE_CREATE", reply)
        await until(app, q.answer_count, 1)
        assert (await q.answer(app.db))["message_id"] == reply["id"]
        assert len(fake.calls_to("PATCH", rf"/channels/{post}")) == 1
        assert not fake.store.threads[post]["thread_metadata"]["archived"]


async def test_a_solved_question_in_a_text_channel_gets_a_check_mark(tmp_path: Path) -> None:
    """In #help the question's own message gets ✅ from the bot when solved; its thread is
    not edited (no tags, no archive: forum_close_on_solve is for forums)."""
    async with running_bot(tmp_path) as (_, fake):
        question = p.message_create("How do I export my data?")
        await fake.dispatch("MESSAGE_CREATE", question)
        thread_id = await thread_opened(fake)
        await _solved_in(fake, thread_id, parent=p.HELP_CHANNEL_ID)
        react = rf"/channels/{p.HELP_CHANNEL_ID}/messages/{question['id']}/reactions/[^/]+/@me"
        await fake.wait_for_call("PUT", react, TIMEOUT)
        assert p.BOT_USER_ID in fake.store.reactions[question["id"]]["✅"]
        assert not fake.calls_to("PATCH", rf"/channels/{thread_id}")


async def test_a_post_closed_by_discord_is_retagged_and_closed_again(tmp_path: Path) -> None:
    """Discord archived the post after inactivity; solved later (/solved Q1 from #help): the
    post is opened to take the Solved tag (Discord edits no archived post), then closed
    again, even with forum_close_on_solve off."""
    async with forum_bot(tmp_path, _guild()) as (app, fake):
        post = await _post(fake, "Export fails with error 500")
        fake.store.threads[post]["thread_metadata"]["archived"] = True
        await fake.dispatch("THREAD_UPDATE", dict(fake.store.threads[post]))
        await until(app, q.question_count, 1)
        await fake.dispatch("INTERACTION_CREATE", slash("solved", question="Q1"))
        closed_again = await fake.wait_for_call(
            "PATCH", rf"/channels/{post}", TIMEOUT, lambda c: c.body == {"archived": True}
        )
        edits = fake.calls_to("PATCH", rf"/channels/{post}")
        assert [c.body.get("archived") for c in edits] == [False, True]
        assert edits[-1] is closed_again
        assert sorted(applied(fake, post)) == ["Solved", "how-to"]
        assert fake.store.threads[post]["thread_metadata"]["archived"]


async def test_the_staff_tag_goes_when_the_question_closes_as_answered(tmp_path: Path) -> None:
    """With staff, then bob answers and the thread stays quiet past close_inactive_hours:
    closed as answered, its escalation closes, and the Staff tag goes (no Solved tag)."""
    async with forum_bot(tmp_path, _guild(), close_inactive_hours=1) as (app, fake):
        post = await _post(fake, "I was charged twice, refund please")
        await _tags_become(fake, post, ["Staff", "how-to"])
        reply = p.message_create("Support can refund it.", author=BOB, channel_id=post)
        await fake.dispatch("MESSAGE_CREATE", reply)
        await until(app, q.answer_count, 1)
        await app.clock.advance(timedelta(hours=2))
        await until(app, q.escalation_outcome, "closed:closed")
        await _tags_become(fake, post, ["how-to"])
