"""The bot on Slack, end to end: signed deliveries to the real bolt app, replies through the
real slack_sdk client to the local fake Web API."""

from __future__ import annotations

import asyncio

from bot.adapters.slack import translate
from bot.core.identity import Conversation
from bot.core.replies import Attachment, Reply
from tests import queries as q
from tests.adapters.slack.conftest import SlackBot, posted
from tests.fakes import slack_payloads as sp


async def test_a_question_in_the_help_channel_opens_its_thread(slack_bot: SlackBot) -> None:
    """A top-level post in #help (named help in settings) is Q1; the intro is in its thread."""
    question = sp.message("How do I export my data?")
    answer = await slack_bot.event(question)
    assert answer.status == 200
    intro = posted(slack_bot.fake, sp.HELP_CHANNEL, "Q1 is open")
    assert len(intro) == 1
    assert intro[0]["thread_ts"] == question["ts"]
    button = intro[0]["blocks"][-1]["elements"][0]
    assert button["action_id"].startswith("entraide:question.solve:")
    assert await q.question_thread(slack_bot.app.db) == question["ts"]


async def test_bot_messages_and_joins_are_not_questions(slack_bot: SlackBot) -> None:
    """Another bot's post, our own post and a channel join change nothing."""
    await slack_bot.event(sp.bot_message("I am a bot"))
    await slack_bot.event(sp.message("From me", user_id=sp.BOT_USER_ID) | {"bot_id": sp.BOT_ID})
    await slack_bot.event(sp.channel_join())
    assert await q.question_count(slack_bot.app.db) == 0
    assert posted(slack_bot.fake, sp.HELP_CHANNEL) == []


async def test_a_marked_answer_earns_points_and_unmarking_reverses(slack_bot: SlackBot) -> None:
    """bob answers in the thread; alice reacts :white_check_mark: (+10), then removes it."""
    question = sp.message("How do I export my data?")
    await slack_bot.event(question)
    answer = sp.message("Settings › Export.", user_id=sp.BOB, thread_ts=question["ts"])
    await slack_bot.event(answer)
    await slack_bot.event(sp.reaction(answer, user_id=sp.ALICE))
    assert await q.points_given(slack_bot.app.db) == 10
    await slack_bot.event(sp.reaction(answer, user_id=sp.ALICE, added=False))
    assert await q.points_given(slack_bot.app.db) == 0
    assert await q.ledger_count(slack_bot.app.db) == 2


async def test_a_retried_delivery_counts_once(slack_bot: SlackBot) -> None:
    """Slack redelivers the same event (X-Slack-Retry-Num: 1): one mark, +10 once."""
    question = sp.message("How do I export my data?")
    await slack_bot.event(question)
    answer = sp.message("Settings › Export.", user_id=sp.BOB, thread_ts=question["ts"])
    await slack_bot.event(answer)
    mark = sp.reaction(answer, user_id=sp.ALICE)
    await slack_bot.event(mark, event_id="Ev0MARK")
    again = await slack_bot.event(mark, event_id="Ev0MARK", retry_num=1)
    assert again.status == 200
    assert await q.points_given(slack_bot.app.db) == 10
    assert await q.ledger_count(slack_bot.app.db) == 1


async def test_forged_or_stale_deliveries_are_refused_and_change_nothing(
    slack_bot: SlackBot,
) -> None:
    """A wrong signature or a timestamp 6 minutes old: 401, no question, no call to Slack."""
    forged = await slack_bot.event(sp.message("Forged?"), forged=True)
    stale = await slack_bot.event(sp.message("Stale?"), stale=True)
    assert (forged.status, stale.status) == (401, 401)
    assert await q.question_count(slack_bot.app.db) == 0
    assert slack_bot.fake.calls_to("chat.postMessage") == []


async def test_stopping_waits_for_events_being_handled(slack_bot: SlackBot) -> None:
    """Bolt runs listeners in the background once acked: drain() lets them finish first."""
    gate = asyncio.Event()

    async def listener(body: dict[str, object]) -> str:
        await gate.wait()
        return "handled"

    running = asyncio.ensure_future(slack_bot.adapter.tracked(listener)(body={}))
    await asyncio.sleep(0)  # let it start
    draining = asyncio.ensure_future(slack_bot.adapter.drain(5.0))
    await asyncio.sleep(0)
    assert not draining.done()
    gate.set()
    await draining
    assert running.result() == "handled"


async def test_files_are_uploaded_where_the_reply_goes(slack_bot: SlackBot) -> None:
    """A chart in #staff's thread; a private reply's file goes by DM (no ephemeral files)."""
    team = translate.community(sp.TEAM_ID)
    chart = Attachment("insights.png", b"\x89PNG chart", "image/png")
    where = Conversation(sp.GENERAL, "1700000000.000100")
    await slack_bot.adapter.send(team, where, Reply("This week", files=(chart,)))
    export = Attachment("entraide-data-alice.json", b'{"questions": []}', "application/json")
    await slack_bot.adapter.send(
        team,
        Conversation(sp.HELP_CHANNEL),
        Reply("Your data", ephemeral_to=sp.ALICE, files=(export,)),
    )
    shared = slack_bot.fake.files_shared
    assert [(f["title"], f["channel_id"], f["thread_ts"], f["data"]) for f in shared] == [
        ("insights.png", sp.GENERAL, "1700000000.000100", b"\x89PNG chart"),
        ("entraide-data-alice.json", "D" + sp.ALICE[1:], None, b'{"questions": []}'),
    ]
    ephemeral = slack_bot.fake.calls_to("chat.postEphemeral")
    assert [c.args["user"] for c in ephemeral] == [sp.ALICE]


async def test_several_files_are_each_uploaded(slack_bot: SlackBot) -> None:
    """/insights sends its chart and its HTML report: two uploads, in order, same place."""
    team = translate.community(sp.TEAM_ID)
    chart = Attachment("insights.png", b"\x89PNG chart", "image/png")
    report = Attachment("insights.html", b"<!DOCTYPE html>", "text/html")
    await slack_bot.adapter.send(
        team, Conversation(sp.GENERAL), Reply("This week", files=(chart, report))
    )
    shared = slack_bot.fake.files_shared
    assert [(f["title"], f["channel_id"], f["data"]) for f in shared] == [
        ("insights.png", sp.GENERAL, b"\x89PNG chart"),
        ("insights.html", sp.GENERAL, b"<!DOCTYPE html>"),
    ]


async def test_help_shows_slack_syntax(slack_bot: SlackBot) -> None:
    """/entraide help lists commands as Slack members type them."""
    await slack_bot.command("help")
    shown = str(slack_bot.fake.responses[-1].args)
    assert "/entraide rep [MEMBER]" in shown
    assert "/entraide kb search TEXT" in shown
    assert "`/rep" not in shown


async def test_sentences_name_commands_as_slack_members_type_them(slack_bot: SlackBot) -> None:
    """/entraide solved in a channel that isn't a question's thread: the hint says
    /entraide solved Q3, never the bare /solved Slack doesn't have."""
    await slack_bot.command("solved")
    shown = str(slack_bot.fake.responses[-1].args)
    assert "/entraide solved Q3" in shown
    assert " /solved" not in shown
