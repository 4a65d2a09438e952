"""Whole features on Slack: signed deliveries to the real bolt app, replies through the real
slack_sdk client to the local fake Web API (response URLs, Socket Mode).

Knowledge-base answers, `/entraide` commands and their permissions, rate limits, escalation
to the private staff channel, Socket Mode, message shortcuts.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.settings import project_dir
from tests import queries as q
from tests.adapters.discord.test_discord_scenarios import knowledge
from tests.adapters.slack.conftest import TIMEOUT, SlackBot, posted, running_slack_bot
from tests.fakes import slack_interactions as si
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_server import FakeSlack, SlackCall, instant_rate_limit_retries


def action_ids(args: dict[str, Any]) -> list[str]:
    """The action ids of the buttons in a posted message's blocks."""
    return [
        element["action_id"]
        for block in args.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def answered(fake: FakeSlack, since: int = 0) -> list[dict[str, Any]]:
    """What the bot posted to response URLs (after the first `since` posts)."""
    return [c.args for c in fake.responses[since:]]


async def question_id(bot: SlackBot, number: int = 1) -> int:
    """Row id of question Q<number>."""
    return await q.question_id(bot.app.db, number)


async def test_the_asker_solves_a_question_with_a_suggested_article(tmp_path: Path) -> None:
    """A question in #help → an article in its thread (section + actions) → alice clicks
    'This solved it' → solved by the knowledge base, and the thread is told."""
    async with running_slack_bot(tmp_path, knowledge_dir=knowledge(tmp_path)) as bot:
        question = sp.message("How do I export my data?")
        await bot.event(question)
        offers = posted(bot.fake, sp.HELP_CHANNEL, "entraide:kb.solved")
        assert len(offers) == 1
        offer = offers[0]
        assert offer["thread_ts"] == question["ts"]
        assert [b["type"] for b in offer["blocks"]] == ["section", "actions"]
        assert "How do I export my data?" in offer["blocks"][0]["text"]["text"]
        assert "reset" not in str(offer).lower()  # only the confident article
        qid = await question_id(bot)
        solved = f"entraide:kb.solved:{qid}:0"
        assert action_ids(offer) == [solved, f"entraide:kb.unhelpful:{qid}"]
        offer_ts = await q.suggestion_message(bot.app.db)
        assert offer_ts == next(
            c.answer["ts"] for c in bot.fake.calls_to("chat.postMessage") if c.args is offer
        )

        click = si.block_actions(solved, solved, message_ts=offer_ts, thread_ts=question["ts"])
        assert (await bot.click(click)).status == 200
        assert await q.question_outcome(bot.app.db) == "solved:kb"
        line = posted(bot.fake, sp.HELP_CHANNEL, "is solved by the article")
        assert len(line) == 1
        assert line[0]["thread_ts"] == question["ts"]


async def test_admin_commands_are_refused_to_members_and_nothing_changes(tmp_path: Path) -> None:
    """alice (no Slack admin) is refused ephemerally; the workspace admin and a member named
    in `admins` may change a setting."""
    async with running_slack_bot(tmp_path, admins=(sp.BOB,)) as bot:
        await bot.command("config set sla_minutes 45", user_id=sp.ALICE)
        [refusal] = answered(bot.fake)
        assert refusal["response_type"] == "ephemeral"
        assert "only community admins" in refusal["text"]
        assert await q.override_count(bot.app.db) == 0
        assert bot.fake.calls_to(r"chat\.post.*") == []  # nothing public, no postEphemeral

        await bot.command("config set sla_minutes 45", user_id=sp.ADMIN)
        [done] = answered(bot.fake, 1)
        assert done["response_type"] == "ephemeral"
        assert "sla_minutes is now 45" in done["text"]

        await bot.command("config set sla_minutes 50", user_id=sp.BOB)
        [again] = answered(bot.fake, 2)
        assert "sla_minutes is now 50 (was 45)" in again["text"]
        assert await q.override(bot.app.db) == "50"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rep", "alice"),
        ("leaderboard week", ""),
        ("kb search export", ""),
        ("help", "Commands you can use:"),
        ("", "Commands you can use:"),
        ("nosuch", "I don't know the command /entraide nosuch."),
    ],
)
async def test_member_commands_answer_privately(
    slack_bot: SlackBot, text: str, expected: str
) -> None:
    """Every answer to `/entraide …` is ephemeral, through the response URL, and nothing is
    posted in the channel; no text is help, an unknown name is explained."""
    delivery = await slack_bot.command(text)
    assert delivery.status == 200
    [answer] = answered(slack_bot.fake)
    assert answer["response_type"] == "ephemeral"
    assert answer["replace_original"] is False
    assert answer["text"].strip()
    assert expected in answer["text"]
    if text != "nosuch":
        assert "I don't know the command" not in answer["text"]
    assert slack_bot.fake.calls_to(r"chat\.post.*") == []


async def test_a_rate_limited_post_is_retried_and_delivered_once(
    slack_bot: SlackBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chat.postMessage answers 429 (Retry-After 0) once: the client waits, retries, and the
    intro is delivered once."""
    instant_rate_limit_retries(monkeypatch)
    slack_bot.fake.fail("chat.postMessage", times=1, retry_after=0)
    question = sp.message("How do I export my data?")
    await slack_bot.event(question)
    tries = slack_bot.fake.calls_to("chat.postMessage")
    assert [(c.status, c.ok) for c in tries] == [(429, False), (200, True)]
    assert tries[0].args == tries[1].args
    assert "Q1 is open" in tries[1].args["text"]
    assert tries[1].args["thread_ts"] == question["ts"]


def _card(fake: FakeSlack) -> SlackCall:
    cards = [
        c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") != sp.HELP_CHANNEL
    ]
    assert len(cards) == 1, [c.args for c in cards]
    return cards[0]


async def test_a_sensitive_question_reaches_the_staff_channel_found_by_name(
    tmp_path: Path,
) -> None:
    """'refund' escalates at once: the shipped staff_channel is the NAME "staff", resolved
    to the private G0STAFF; the card has Claim/Resolve/Return; the thread gets one line.
    alice (not staff) is refused the Claim; bob (staff) claims it."""
    async with running_slack_bot(tmp_path, staff=(sp.BOB,)) as bot:
        question = sp.message("I was charged twice, how do I get a refund?")
        await bot.event(question)
        card = _card(bot.fake)
        assert card.args["channel"] == sp.STAFF
        assert "refund" in card.args["text"]
        qid = await question_id(bot)
        claim = f"entraide:escalation.claim:{qid}"
        assert action_ids(card.args) == [
            f"entraide:escalation.{a}:{qid}" for a in ("claim", "resolve", "return")
        ]
        notice = bot.app.messages.get("en", "escalation.public_notice")
        in_thread = posted(bot.fake, sp.HELP_CHANNEL)
        assert [m["text"] for m in in_thread[1:]] == [notice]  # after the intro: one line
        assert all(m["thread_ts"] == question["ts"] for m in in_thread)
        assert await q.question_status(bot.app.db) == "escalated"

        card_ts = str(card.answer["ts"])
        await bot.click(si.block_actions(claim, claim, channel_id=sp.STAFF, message_ts=card_ts))
        [refusal] = answered(bot.fake)
        assert refusal["response_type"] == "ephemeral"
        assert "Only staff" in refusal["text"]
        assert await q.escalation_status(bot.app.db) == "open"

        bob = si.block_actions(
            claim, claim, user_id=sp.BOB, channel_id=sp.STAFF, message_ts=card_ts
        )
        await bot.click(bob)
        assert await q.escalation_status(bot.app.db) == "claimed"
        assert await q.claimer(bot.app.db) == sp.BOB
        assert posted(bot.fake, sp.HELP_CHANNEL, "@bob from staff is on Q1")  # named, no ping
        assert "Q1 is yours" in answered(bot.fake, 1)[0]["text"]


async def test_a_question_over_socket_mode_is_handled_and_acked(tmp_path: Path) -> None:
    """No public URL: the question comes as an events_api envelope on the websocket; the
    intro is posted and the envelope acknowledged. A slash command comes the same way and is
    answered through its response URL."""
    async with running_slack_bot(tmp_path, socket=True) as bot:
        question = sp.message("How do I export my data?")
        envelope_id = await bot.fake.push_event(sp.event_callback(question))
        intro = await bot.fake.wait_for_call("chat.postMessage", "Q1 is open", TIMEOUT)
        assert intro.ok
        assert intro.args["thread_ts"] == question["ts"]
        ack = await bot.fake.wait_for_ack(envelope_id, TIMEOUT)
        assert ack == {"envelope_id": envelope_id}
        assert bot.fake.calls_to("apps.connections.open")[0].token == sp.APP_TOKEN
        assert await q.question_thread(bot.app.db) == question["ts"]

        fields = si.slash_command("rep", response_url=bot.fake.response_url())
        command_id = await bot.fake.push_event(fields, "slash_commands")
        await bot.fake.wait_for_ack(command_id, TIMEOUT)
        answer = await bot.fake.wait_until(lambda: bot.fake.responses, TIMEOUT)
        assert answer[0].args["response_type"] == "ephemeral"


async def _answered_question(bot: SlackBot) -> dict[str, Any]:
    """alice asks in #help, bob answers in the thread; returns bob's answer event."""
    question = sp.message("How do I export my data?")
    await bot.event(question)
    answer = sp.message("Settings › Export.", user_id=sp.BOB, thread_ts=question["ts"])
    await bot.event(answer)
    return answer


async def test_mark_helpful_and_accept_from_the_message_menu(slack_bot: SlackBot) -> None:
    """'Mark helpful' by alice on bob's answer: +10, confirmed only to her; 'Accept as
    solution' by the asker: +15 to bob, +2 to her, and the question is solved."""
    answer = await _answered_question(slack_bot)
    await slack_bot.click(si.message_shortcut("entraide_helpful", answer, user_id=sp.ALICE))
    assert await q.points_given(slack_bot.app.db) == 10
    [marked] = answered(slack_bot.fake)
    assert marked["response_type"] == "ephemeral"
    assert "Marked helpful: +10" in marked["text"]

    await slack_bot.click(si.message_shortcut("entraide_accept", answer, user_id=sp.ALICE))
    assert await q.points_by_member(slack_bot.app.db) == {sp.ALICE: 2, sp.BOB: 25}
    assert await q.question_status(slack_bot.app.db) == "solved"
    assert posted(slack_bot.fake, sp.HELP_CHANNEL, "is accepted as the solution of Q1")


async def test_the_card_shows_the_claim_then_closes_when_the_question_is_deleted(
    tmp_path: Path,
) -> None:
    """bob claims: chat.update shows him and swaps Claim for Take over; alice deletes her
    question: the
    escalation closes and chat.update leaves the card without buttons, saying why."""
    async with running_slack_bot(tmp_path, staff=(sp.BOB,)) as bot:
        question = sp.message("I was charged twice, how do I get a refund?")
        await bot.event(question)
        card_ts = str(_card(bot.fake).answer["ts"])
        qid = await question_id(bot)
        claim = f"entraide:escalation.claim:{qid}"
        await bot.click(
            si.block_actions(claim, claim, user_id=sp.BOB, channel_id=sp.STAFF, message_ts=card_ts)
        )
        [claimed] = bot.fake.calls_to("chat.update")
        assert (claimed.args["channel"], claimed.args["ts"], claimed.ok) == (
            sp.STAFF,
            card_ts,
            True,
        )
        assert action_ids(claimed.args) == [
            f"entraide:escalation.{a}:{qid}" for a in ("resolve", "return", "take_over")
        ]
        assert "Claimed by @bob" in str(claimed.args["blocks"])

        await bot.event(sp.message_deleted(question))
        assert await q.escalation_outcome(bot.app.db) == "closed:deleted"
        closed = bot.fake.calls_to("chat.update")[-1]
        assert closed.ok
        assert closed.args["ts"] == card_ts
        assert action_ids(closed.args) == []
        assert "Closed: Q1 was deleted by @alice" in str(closed.args["blocks"])
        stored = bot.fake.workspace.find(sp.STAFF, card_ts)
        assert stored is not None
        assert "actions" not in str(stored["blocks"])


async def test_claim_second_claim_and_take_over_on_the_card(tmp_path: Path) -> None:
    """bob claims: chat.update names him with Resolve, Return and Take over; the admin's
    Claim on the stale card is refused ephemerally and changes nothing (no chat.update, no
    second thread line); the admin's Take over updates the card and tells the thread once;
    the same click delivered again changes nothing."""
    async with running_slack_bot(tmp_path, staff=(sp.BOB,)) as bot:
        question = sp.message("I was charged twice, how do I get a refund?")
        await bot.event(question)
        card_ts = str(_card(bot.fake).answer["ts"])
        qid = await question_id(bot)
        claim = f"entraide:escalation.claim:{qid}"
        take = f"entraide:escalation.take_over:{qid}"

        def click(action: str, user: str) -> dict[str, Any]:
            return si.block_actions(
                action, action, user_id=user, channel_id=sp.STAFF, message_ts=card_ts
            )

        await bot.click(click(claim, sp.BOB))
        [claimed] = bot.fake.calls_to("chat.update")
        assert action_ids(claimed.args) == [
            f"entraide:escalation.{a}:{qid}" for a in ("resolve", "return", "take_over")
        ]
        assert "Claimed by @bob" in str(claimed.args["blocks"])
        assert len(posted(bot.fake, sp.HELP_CHANNEL, "from staff is on Q1")) == 1

        await bot.click(click(claim, sp.ADMIN))  # the card as it was before bob's claim
        refusal = answered(bot.fake)[-1]
        assert refusal["response_type"] == "ephemeral"
        assert "Q1 is already claimed by @bob" in refusal["text"]
        assert "Take over" in refusal["text"]
        assert len(bot.fake.calls_to("chat.update")) == 1
        assert len(posted(bot.fake, sp.HELP_CHANNEL, "from staff")) == 1
        assert await q.claimer(bot.app.db) == sp.BOB

        taking = click(take, sp.ADMIN)
        await bot.click(taking)
        taken = bot.fake.calls_to("chat.update")[-1]
        assert len(bot.fake.calls_to("chat.update")) == 2
        assert taken.ok
        assert taken.args["ts"] == card_ts
        assert "Taken over by @admin" in str(taken.args["blocks"])
        assert action_ids(taken.args) == action_ids(claimed.args)
        assert len(posted(bot.fake, sp.HELP_CHANNEL, "@admin from staff took over Q1")) == 1
        assert "Q1 is yours now" in answered(bot.fake)[-1]["text"]
        assert await q.claimer(bot.app.db) == sp.ADMIN
        stored = bot.fake.workspace.find(sp.STAFF, card_ts)
        assert stored is not None
        assert "Taken over by" in str(stored["blocks"])

        await bot.click(taking)  # Slack delivers the same click again
        assert len(bot.fake.calls_to("chat.update")) == 2
        assert len(posted(bot.fake, sp.HELP_CHANNEL, "took over")) == 1
        assert await q.claimer(bot.app.db) == sp.ADMIN


async def test_an_earlier_solved_thread_is_suggested_with_its_permalink(
    slack_bot: SlackBot,
) -> None:
    """Q1 answered by bob and marked ✅ by alice; a later similar question gets it as "Asked
    before", linked to Q1's thread by its Slack permalink (mrkdwn <url|Q1>)."""
    question = sp.message("How do I export my reports?")
    await slack_bot.event(question)
    answer = sp.message("Open Reports, then Export.", user_id=sp.BOB, thread_ts=question["ts"])
    await slack_bot.event(answer)
    await slack_bot.event(sp.reaction(answer, user_id=sp.ALICE))
    assert await q.points_given(slack_bot.app.db) == 10
    again = sp.message("how can I export my reports?", user_id=sp.ADMIN)
    await slack_bot.event(again)
    [offer] = posted(slack_bot.fake, sp.HELP_CHANNEL, "Open Reports")
    assert offer["thread_ts"] == again["ts"]
    thread = f"archives/{sp.HELP_CHANNEL}/p{question['ts'].replace('.', '')}"
    assert f"<https://{sp.TEAM_DOMAIN}.slack.com/{thread}|Q1>" in str(offer["blocks"])
    qid = await question_id(slack_bot, 2)
    assert action_ids(offer) == [f"entraide:kb.solved:{qid}:0", f"entraide:kb.unhelpful:{qid}"]


async def test_a_suggested_article_keeps_its_command_as_slack_members_type_it(
    tmp_path: Path,
) -> None:
    """The shipped privacy article suggested on Slack: its excerpt shows the command as
    inline code, the way Slack members type it, `/entraide privacy export` (issue 20)."""
    folder = tmp_path / "kb" / "en"
    folder.mkdir(parents=True)
    shutil.copy(project_dir("knowledge") / "en" / "privacy-export.md", folder)
    async with running_slack_bot(tmp_path, knowledge_dir=folder.parent) as bot:
        await bot.event(sp.message("How do I get a copy of my data?"))
        [offer] = posted(bot.fake, sp.HELP_CHANNEL, "entraide:kb.solved")
        text = offer["blocks"][0]["text"]["text"]
        assert "— Run: `/entraide privacy export`. The bot sends you" in text
