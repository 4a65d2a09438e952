"""Whole features on Slack, continued: mentions that never ping more than a feature names,
nudges (in the thread, by DM, and the fallback), edits and deletions, ranks mirrored as
user groups, and what an uninstall leaves behind.
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.adapters.slack.throttle import Throttle
from tests import queries as q
from tests.adapters.discord.test_discord_scenarios import knowledge
from tests.adapters.slack.conftest import TIMEOUT, SlackBot, posted, running_slack_bot
from tests.adapters.slack.test_slack_scenarios import action_ids
from tests.fakes import slack_interactions as si
from tests.fakes import slack_payloads as sp

BOB_DM = "D0BOB"  # the fake's IM with bob (im_channel)


def unpaced(bot: SlackBot) -> None:
    """Seven posts in #help: no real seconds of per-channel pacing (not what is tested here)."""
    bot.adapter.throttle = Throttle(now=itertools.count(0, 60).__next__)


async def bob_wants_nudges(bot: SlackBot, mode: str, topic: str = "data export") -> None:
    """bob chooses how he is nudged and declares a topic, with the commands."""
    await bot.command(f"nudges {mode}", user_id=sp.BOB)
    await bot.command(f"expertise add {topic}", user_id=sp.BOB)
    assert await q.nudge_mode(bot.app.db) == mode
    assert (await q.declared_topics(bot.app.db))[0] == topic


async def nobody_answers(bot: SlackBot) -> None:
    """The nudge delay passes without an answer."""
    delay = bot.app.settings.community.nudge_delay_minutes
    await bot.app.clock.advance(timedelta(minutes=delay + 1))


def in_thread_mentioning(member: str, thread_ts: str) -> Any:
    """A predicate: a post in the thread that pings `member`."""
    return lambda c: c.args.get("thread_ts") == thread_ts and f"<@{member}>" in str(c.args)


async def test_pings_in_questions_never_reach_slack_but_the_nudge_does(
    tmp_path: Path,
) -> None:
    """Asked with <!everyone> <!here> <@bob>, in #help and with /entraide ask: every post is
    escaped (the echo reads &lt;!everyone&gt;, bob is a plain @bob); only the nudges ping,
    and only bob."""
    pings = f"<!everyone> <!here> <@{sp.BOB}>"
    async with running_slack_bot(tmp_path, knowledge_dir=knowledge(tmp_path)) as bot:
        unpaced(bot)
        await bob_wants_nudges(bot, "on")
        question = sp.message(f"{pings} how do I export my data?")
        await bot.event(question)
        assert posted(bot.fake, sp.HELP_CHANNEL, "entraide:kb.solved")  # a suggestion too
        await bot.command(f"ask {pings} where is the data export?")
        echo = posted(bot.fake, sp.HELP_CHANNEL, "Question from")
        assert len(echo) == 1
        assert "&lt;!everyone&gt; &lt;!here&gt; @bob where is the data export?" in echo[0]["text"]

        await nobody_answers(bot)
        for n in (1, 2):
            nudge = await bot.fake.wait_for_call(
                "chat.postMessage", rf"Q{n} has had no answer", TIMEOUT
            )
            assert f"<@{sp.BOB}>" in nudge.args["text"]
            assert f"<@{sp.BOB}>" in nudge.args["blocks"][0]["text"]["text"]
        sent = [c for c in bot.fake.calls_to("chat.postMessage") if c.ok]
        assert len(sent) == 7  # Q1 intro + article; the echo, Q2 intro + article; 2 nudges
        for call in sent:
            shown = str({k: call.args.get(k) for k in ("text", "blocks")})
            nudging = "has had no answer" in call.args["text"]
            assert "<!" not in shown, shown
            assert (f"<@{sp.BOB}" in shown) == nudging, shown
            assert f"<@{sp.ALICE}" not in shown, shown


async def test_an_expert_who_chose_dms_is_nudged_by_dm(slack_bot: SlackBot) -> None:
    """bob chose dm: past the delay the bot opens the IM with him and posts there (with the
    buttons, the question echoed escaped), and nothing pings him in the thread. His "I'll
    take it" in the DM is told in the question's thread."""
    await bob_wants_nudges(slack_bot, "dm")
    question = sp.message("<!channel> where is the data export?")
    await slack_bot.event(question)
    await nobody_answers(slack_bot)
    dm = await slack_bot.fake.wait_for_call(
        "chat.postMessage", "Q1", TIMEOUT, where=lambda c: c.args.get("channel") == BOB_DM
    )
    [opened] = slack_bot.fake.calls_to("conversations.open")
    assert opened.args["users"] == sp.BOB
    assert dm.ok
    assert "&lt;!channel&gt; where is the data export?" in dm.args["text"]
    assert [a.split(":")[1] for a in action_ids(dm.args)] == ["nudge.take", "nudge.decline"]
    mention = in_thread_mentioning(sp.BOB, question["ts"])
    assert not [c for c in slack_bot.fake.calls_to("chat.postMessage") if mention(c)]
    assert await q.nudge_via(slack_bot.app.db) == "dm"

    take = action_ids(dm.args)[0]
    click = si.block_actions(
        take, take, user_id=sp.BOB, channel_id=BOB_DM, message_ts=dm.answer["ts"]
    )
    await slack_bot.click(click)
    assert await q.nudge_response(slack_bot.app.db) == "taken"
    [taken] = posted(slack_bot.fake, sp.HELP_CHANNEL, "@bob is on Q1")
    assert taken["thread_ts"] == question["ts"]


async def test_a_dm_that_cannot_be_opened_falls_back_to_a_mention(slack_bot: SlackBot) -> None:
    """conversations.open answers ok:false: bob is mentioned in the question's thread."""
    await bob_wants_nudges(slack_bot, "dm")
    slack_bot.fake.fail("conversations.open", error="user_disabled")
    question = sp.message("Where is the data export?")
    await slack_bot.event(question)
    await nobody_answers(slack_bot)
    mention = in_thread_mentioning(sp.BOB, question["ts"])
    fallback = await slack_bot.fake.wait_for_call("chat.postMessage", where=mention)
    assert fallback.ok
    assert fallback.args["channel"] == sp.HELP_CHANNEL
    assert [c.answer for c in slack_bot.fake.calls_to("conversations.open")] == [
        {"ok": False, "error": "user_disabled"}
    ]
    assert not [
        c for c in slack_bot.fake.calls_to("chat.postMessage") if c.args["channel"] == BOB_DM
    ]


async def test_an_edited_question_and_a_deleted_answer(slack_bot: SlackBot) -> None:
    """message_changed on the question updates its stored text; message_deleted on a marked
    answer takes its points back (the ledger keeps both rows)."""
    question = sp.message("How do I export?")
    await slack_bot.event(question)
    await slack_bot.event(sp.message_changed(question, "How do I export my invoices as CSV?"))
    text = await q.question_text(slack_bot.app.db)
    assert text == "How do I export my invoices as CSV?"

    answer = sp.message("Billing › Invoices › CSV.", user_id=sp.BOB, thread_ts=question["ts"])
    await slack_bot.event(answer)
    await slack_bot.event(sp.reaction(answer, user_id=sp.ALICE))
    assert await q.points_given(slack_bot.app.db) == 10
    await slack_bot.event(sp.message_deleted(answer))
    assert await q.points_given(slack_bot.app.db) == 0
    assert await q.ledger_count(slack_bot.app.db) == 2


async def test_a_question_deleted_after_answers_is_deleted_not_renamed(
    slack_bot: SlackBot,
) -> None:
    """Deleting a question that has replies leaves a tombstone on Slack: the stored question
    keeps its text and is flagged deleted, as a message_deleted would flag it."""
    question = sp.message("How do I export my data?")
    await slack_bot.event(question)
    answer = sp.message("Settings › Export.", user_id=sp.BOB, thread_ts=question["ts"])
    await slack_bot.event(answer)
    await slack_bot.event(sp.thread_parent_deleted(question))
    assert await q.question_text(slack_bot.app.db) == "How do I export my data?"
    assert (await q.question(slack_bot.app.db))["deleted_at"] is not None


async def test_a_rank_puts_the_member_in_its_user_group(tmp_path: Path) -> None:
    """rank_roles maps Helper to @helpers: bob reaching 50 points is added to the user group
    (its other members kept) and his promotion is announced in #general; losing the points
    takes him out again."""
    community = {"rank_roles": "Helper=@helpers", "points_helpful": 50, "rank_min_givers": 1}
    async with running_slack_bot(tmp_path, community=community) as bot:
        bot.fake.workspace.add_usergroup("S0HELPERS", "helpers", [sp.ADMIN])
        question = sp.message("How do I export my data?")
        await bot.event(question)
        answer = sp.message("Settings › Export.", user_id=sp.BOB, thread_ts=question["ts"])
        await bot.event(answer)
        await bot.event(sp.reaction(answer, user_id=sp.ALICE))
        [update] = bot.fake.calls_to("usergroups.users.update")
        assert update.ok
        assert update.args == {"usergroup": "S0HELPERS", "users": f"{sp.ADMIN},{sp.BOB}"}
        assert bot.fake.workspace.usergroups["S0HELPERS"]["users"] == [sp.ADMIN, sp.BOB]
        assert posted(bot.fake, sp.GENERAL, f"<@{sp.BOB}>")

        await bot.event(sp.reaction(answer, user_id=sp.ALICE, added=False))  # back to 0
        assert len(bot.fake.calls_to("usergroups.users.update")) == 2
        assert bot.fake.workspace.usergroups["S0HELPERS"]["users"] == [sp.ADMIN]


async def _counts(bot: SlackBot) -> dict[str, int]:
    tables = ("questions", "answers", "reputation_ledger", "members", "timers")
    return {t: await q.rows_of_community(bot.app.db, t, "slack", sp.TEAM_ID) for t in tables}


async def test_uninstalling_removes_the_workspace_and_user_tokens_change_nothing(
    slack_bot: SlackBot,
) -> None:
    """tokens_revoked for a member's (oauth) token only: everything stays. app_uninstalled:
    the workspace's rows are gone, and its pending timers post nothing later."""
    question = sp.message("How do I export my data?")
    await slack_bot.event(question)
    answer = sp.message("Settings › Export.", user_id=sp.BOB, thread_ts=question["ts"])
    await slack_bot.event(answer)
    await slack_bot.event(sp.reaction(answer, user_id=sp.ALICE))
    before = await _counts(slack_bot)
    assert before["questions"] == before["answers"] == before["reputation_ledger"] == 1
    assert before["members"] >= 2
    assert before["timers"] >= 1

    await slack_bot.event(sp.tokens_revoked(bot=[], oauth=[sp.ALICE]))
    assert await _counts(slack_bot) == before

    assert (await slack_bot.event(sp.app_uninstalled())).status == 200
    assert await q.rows_in(slack_bot.app.db, "communities") == 0
    assert await q.member_count(slack_bot.app.db) == 0
    assert await q.question_count(slack_bot.app.db) == 0
    assert await q.ledger_count(slack_bot.app.db) == 0
    calls = len(slack_bot.fake.calls)
    await slack_bot.app.clock.advance(timedelta(hours=25))  # nudge, SLA, reminder: all gone
    assert [c.method for c in slack_bot.fake.calls[calls:]] == []


async def test_a_revoked_bot_token_removes_the_workspace(slack_bot: SlackBot) -> None:
    """tokens_revoked naming the bot's token is an uninstall too."""
    await slack_bot.event(sp.message("How do I export my data?"))
    assert await q.question_count(slack_bot.app.db) == 1
    await slack_bot.event(sp.tokens_revoked(bot=[sp.BOT_USER_ID]))
    assert await q.rows_in(slack_bot.app.db, "communities") == 0
    assert await q.question_count(slack_bot.app.db) == 0


async def test_a_member_named_in_command_text_is_shown_by_name(slack_bot: SlackBot) -> None:
    """/entraide ask with Slack's escaped mention <@U0BOB|bob>: echoed as @bob, no ping, and
    no users.info for an id that isn't one."""
    await slack_bot.command(f"ask <@{sp.BOB}|bob> how do I export my data?")
    [echo] = posted(slack_bot.fake, sp.HELP_CHANNEL, "Question from")
    assert "@bob how do I export my data?" in echo["text"]
    assert "<@" not in echo["text"]
    asked = [c.args["user"] for c in slack_bot.fake.calls_to("users.info")]
    assert all(re.fullmatch(r"[UW][A-Z0-9]+", user) for user in asked), asked
