"""Slack details (issue 14): channels shown by name and once, @Entraide in a help channel
asked once, the Messages tab answered with help, every dropped message logged."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.adapters.slack import translate
from bot.core.identity import Conversation
from bot.core.ports import DeliveryError
from bot.core.replies import Reply
from tests import queries as q
from tests.adapters.slack.conftest import SlackBot, posted, running_slack_bot
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_server import instant_rate_limit_retries

HELP_BY_NAME_AND_ID = {"help_channels": ["help", sp.HELP_CHANNEL], "staff_channel": sp.STAFF}
DM = "D" + sp.ALICE[1:]
COMMUNITY = translate.community(sp.TEAM_ID, sp.TEAM_DOMAIN)


def answers(bot: SlackBot) -> list[str]:
    """Texts the bot answered through response URLs (the slash commands' private replies)."""
    return [str(c.args.get("text", "")) for c in bot.fake.responses]


async def test_channels_show_names_each_channel_once(tmp_path: Path) -> None:
    """Settings hold `help` and C0HELP (the same channel) and the staff channel's id: shown
    as #help once and #staff, no raw id."""
    async with running_slack_bot(tmp_path, community=HELP_BY_NAME_AND_ID) as bot:
        await bot.command("channels show")
        [text] = answers(bot)
        assert text.count("#help") == 1
        assert "#staff" in text
        assert sp.HELP_CHANNEL not in text
        assert sp.STAFF not in text


async def test_config_show_names_channels_too(tmp_path: Path) -> None:
    """/entraide config show lists help_channels and staff_channel by name, once."""
    async with running_slack_bot(tmp_path, community=HELP_BY_NAME_AND_ID) as bot:
        await bot.command("config show")
        [text] = answers(bot)
        [line] = [n for n in text.splitlines() if "help_channels" in n]
        assert line.count("#help") == 1
        assert sp.HELP_CHANNEL not in text
        assert sp.STAFF not in text


async def test_config_set_echoes_channels_by_name(slack_bot: SlackBot) -> None:
    """config set staff_channel <#G0STAFF|staff>: "now #staff (was #staff)", no id."""
    await slack_bot.command(f"config set staff_channel <#{sp.STAFF}|staff>", user_id=sp.ADMIN)
    [text] = answers(slack_bot)
    assert "staff_channel is now #staff" in text
    assert sp.STAFF not in text


async def test_adding_the_help_channel_by_mention_is_already_done(slack_bot: SlackBot) -> None:
    """The shipped settings name `help`; Slack sends <#C0HELP|help>: the same channel, so it is
    already a help channel (shown #help) and nothing is stored."""
    await slack_bot.command(f"channels add-help <#{sp.HELP_CHANNEL}|help>", user_id=sp.ADMIN)
    [text] = answers(slack_bot)
    assert "#help is already a help channel" in text
    assert await q.override_count(slack_bot.app.db) == 0


async def test_removing_a_help_channel_removes_it_by_name_and_by_id(tmp_path: Path) -> None:
    """remove-help <#C0HELP|help> takes out both settings naming #help; general stays."""
    settings = {"help_channels": ["help", sp.HELP_CHANNEL, "general"]}
    async with running_slack_bot(tmp_path, community=settings) as bot:
        await bot.command(f"channels remove-help <#{sp.HELP_CHANNEL}|help>", user_id=sp.ADMIN)
        stored = await q.override(bot.app.db, "help_channels")
        assert stored == '["general"]'
        [text] = answers(bot)
        assert "#general" in text
        assert "#help" not in text


@pytest.mark.parametrize(
    "delivered",
    [("message", "app_mention"), ("app_mention", "message"), ("app_mention",)],
)
async def test_mentioning_the_app_in_a_help_channel_asks_once(
    slack_bot: SlackBot, delivered: tuple[str, ...]
) -> None:
    """@Entraide in #help: Slack sends `message` and `app_mention` (each its own event id),
    in either order, or only the mention: one question, one intro in its thread."""
    question = sp.message(f"<@{sp.BOT_USER_ID}> how do I export my data?")
    for kind in delivered:
        await slack_bot.event(question if kind == "message" else sp.app_mention(question))
    assert await q.question_count(slack_bot.app.db) == 1
    assert (await q.question(slack_bot.app.db))["root_message_id"] == question["ts"]
    intro = posted(slack_bot.fake, sp.HELP_CHANNEL, "Q1 is open")
    assert len(intro) == 1
    assert intro[0]["thread_ts"] == question["ts"]


async def test_a_mention_and_its_message_at_the_same_time_ask_once(slack_bot: SlackBot) -> None:
    """Slack sends both deliveries at once (bolt handles each in the background): one
    question, one intro."""
    question = sp.message(f"<@{sp.BOT_USER_ID}> how do I export my data?")
    await asyncio.gather(slack_bot.event(question), slack_bot.event(sp.app_mention(question)))
    assert await q.question_count(slack_bot.app.db) == 1
    assert len(posted(slack_bot.fake, sp.HELP_CHANNEL, "Q1 is open")) == 1


async def test_a_mention_outside_help_channels_is_no_question(slack_bot: SlackBot) -> None:
    """@Entraide in #general: not a help channel, nothing asked, nothing posted."""
    chat = sp.message(f"<@{sp.BOT_USER_ID}> hi", channel_id=sp.GENERAL)
    await slack_bot.event(sp.app_mention(chat))
    assert await q.question_count(slack_bot.app.db) == 0
    assert slack_bot.fake.calls_to("chat.postMessage") == []


async def test_a_direct_message_gets_help_and_the_help_channels(tmp_path: Path) -> None:
    """alice writes in the Messages tab: one message back in that DM with the commands she may
    use and #help (once), no question; Slack's retry of the event answers nothing more."""
    async with running_slack_bot(tmp_path, community=HELP_BY_NAME_AND_ID) as bot:
        dm = sp.direct_message("how does this work?")
        await bot.event(dm, event_id="Ev0DM")
        await bot.event(dm, event_id="Ev0DM", retry_num=1)
        [reply] = posted(bot.fake, DM)
        assert "thread_ts" not in reply
        assert "Commands you can use:" in reply["text"]
        assert "/entraide rep" in reply["text"]
        assert "/entraide config set" not in reply["text"]  # alice isn't an admin
        assert reply["text"].count("#help") == 1
        assert sp.HELP_CHANNEL not in reply["text"]
        assert await q.question_count(bot.app.db) == 0
        assert bot.fake.calls_to("chat.postEphemeral") == []


async def test_a_direct_message_is_answered_in_the_community_language(tmp_path: Path) -> None:
    """A French community: the DM answer is in French."""
    async with running_slack_bot(tmp_path, community={"language": "fr"}) as bot:
        await bot.event(sp.direct_message("bonjour ?"))
        [reply] = posted(bot.fake, DM)
        assert "Commandes disponibles" in reply["text"]
        assert "#help" in reply["text"]


@pytest.mark.parametrize(("error", "tries"), [("ratelimited", 8), ("not_in_channel", 2)])
async def test_every_dropped_message_is_logged(
    slack_bot: SlackBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: str,
    tries: int,
) -> None:
    """Two messages in a row that Slack refuses for good (429 through every retry, or an
    error): two log records, each naming the channel and the Web API error."""
    instant_rate_limit_retries(monkeypatch)
    slack_bot.fake.fail("chat.postMessage", error=error, times=tries, retry_after=0)
    caplog.set_level(logging.WARNING, logger="bot.adapters.slack.adapter")
    for text in ("first", "second"):
        with pytest.raises(DeliveryError):
            await slack_bot.adapter.send(COMMUNITY, Conversation(sp.HELP_CHANNEL), Reply(text))
    assert len(slack_bot.fake.calls_to("chat.postMessage")) == tries
    drops = [r.getMessage() for r in caplog.records if "dropped a message" in r.getMessage()]
    assert len(drops) == 2
    assert all(sp.HELP_CHANNEL in d and error in d and "chat.postMessage" in d for d in drops)


async def test_an_edit_in_the_messages_tab_is_not_answered(slack_bot: SlackBot) -> None:
    """alice edits what she wrote to the bot: no second answer (only new messages are)."""
    dm = sp.direct_message("how does this work?")
    await slack_bot.event(dm)
    edited = sp.message_changed(dm, "how does this work, please?")
    await slack_bot.event(edited)
    assert len(posted(slack_bot.fake, DM)) == 1
