"""Slack events of a channel are handled in the order they arrived, whatever the lookups
cost: deliveries are acknowledged first (as in production), users.info is slowed down."""

from __future__ import annotations

from pathlib import Path

from tests import queries as q
from tests.adapters.slack.conftest import SlackBot, quiet, running_slack_bot
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_server import SlackCall


async def points(bot: SlackBot) -> dict[str, int]:
    """Points per member (from the ledger)."""
    return {name: n for name, n in (await q.points_by_member(bot.app.db)).items() if n}


def slow_users(*users: str, seconds: float = 0.3) -> object:
    """users.info answers late for these members (first look-ups: not cached yet)."""

    def delay(call: SlackCall) -> float:
        return seconds if call.method == "users.info" and call.args.get("user") in users else 0.0

    return delay


async def test_a_reaction_right_after_its_answer_counts(tmp_path: Path) -> None:
    """bob's answer needs a slow users.info; alice's ✅ arrives right after (alice is known):
    the ✅ waits for the answer and bob gets his 10 points (it used to overtake the answer,
    be stored as processed without points, and be lost for good)."""
    async with running_slack_bot(tmp_path, acks_first=True) as bot:
        question = sp.message("How do I export my data?")
        await bot.event(question)
        await quiet(bot.adapter)
        bot.fake.delay = slow_users(sp.BOB)  # type: ignore[assignment]
        answer = sp.message("Settings › Export.", user_id=sp.BOB, thread_ts=question["ts"])
        await bot.event(answer)
        await bot.event(sp.reaction(answer, user_id=sp.ALICE), event_id="Ev0MARK")
        await quiet(bot.adapter)
        assert await points(bot) == {sp.BOB: 10}
        assert await q.answer_count(bot.app.db) == 1
        assert await q.processed_count(bot.app.db, "%Ev0MARK%") == 1


async def test_a_reaction_before_its_answer_is_not_lost(tmp_path: Path) -> None:
    """After downtime Slack redelivers a burst, the ✅ before the answer it marks: the ✅ goes
    back in line until the answer is in, and counts once."""
    async with running_slack_bot(tmp_path, acks_first=True) as bot:
        question = sp.message("How do I export my data?")
        await bot.event(question)
        await quiet(bot.adapter)
        bot.fake.delay = slow_users(sp.BOB, seconds=0.1)  # type: ignore[assignment]
        answers = [
            sp.message(f"Try {n}.", user_id=sp.BOB, thread_ts=question["ts"]) for n in (1, 2)
        ]
        burst = [
            (sp.reaction(answers[1], user_id=sp.ALICE), "Ev0MARK2"),
            (answers[0], None),
            (sp.reaction(answers[0], user_id=sp.ALICE), "Ev0MARK1"),
            (answers[1], None),
        ]
        for event, event_id in burst:
            await bot.event(event, event_id=event_id, retry_num=1)
        await quiet(bot.adapter)
        assert await points(bot) == {sp.BOB: 20}
        assert await q.mark_count(bot.app.db) == 2


async def test_a_reaction_on_a_message_never_seen_stays_unprocessed(tmp_path: Path) -> None:
    """A ✅ on a message the bot never got is not marked processed: once the answer is in, the
    same event delivered again (Slack's retry) gives its points."""
    async with running_slack_bot(tmp_path) as bot:
        bot.adapter.sequencer.unseen = 0.0  # no waiting: the answer isn't coming now
        question = sp.message("How do I export my data?")
        await bot.event(question)
        answer = sp.message("Settings › Export.", user_id=sp.BOB, thread_ts=question["ts"])
        mark = sp.reaction(answer, user_id=sp.ALICE)
        await bot.event(mark, event_id="Ev0MARK")
        assert await q.processed_count(bot.app.db, "%Ev0MARK%") == 0
        await bot.event(answer)
        await bot.event(mark, event_id="Ev0MARK", retry_num=1)
        assert await points(bot) == {sp.BOB: 10}
        await bot.event(mark, event_id="Ev0MARK", retry_num=2)
        assert await points(bot) == {sp.BOB: 10}


async def test_a_reaction_on_a_question_is_done_at_once(slack_bot: SlackBot) -> None:
    """A ✅ on the question itself (no answer, but a message the bot knows) is just noise:
    handled and marked processed, not queued again."""
    question = sp.message("How do I export my data?")
    await slack_bot.event(question)
    await slack_bot.event(sp.reaction(question, user_id=sp.BOB), event_id="Ev0NOISE")
    assert await q.processed_count(slack_bot.app.db, "%Ev0NOISE%") == 1
    assert await points(slack_bot) == {}
