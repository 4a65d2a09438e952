"""/entraide kb post on Slack: no command runs in a thread there, so the member names the
question, and the article goes to its thread as their answer."""

from __future__ import annotations

from pathlib import Path

from tests import queries as q
from tests.adapters.slack.conftest import running_slack_bot
from tests.fakes import slack_payloads as sp

FIXTURE_KB = Path(__file__).resolve().parents[2] / "fixtures" / "knowledge"


async def test_kb_post_with_a_question_number_answers_in_its_thread(tmp_path: Path) -> None:
    """bob shares an article to Q1 from #help: posted in Q1's thread mentioning bob, bob is
    told privately where, and alice's ✅ on it marks bob's answer (0 points by default)."""
    async with running_slack_bot(tmp_path, knowledge_dir=FIXTURE_KB) as bot:
        question = sp.message("Where do I change the colours of the app?")
        await bot.event(question)
        await bot.command("kb post dark-mode Q1", user_id=sp.BOB)
        calls = bot.fake.calls_to("chat.postMessage")
        [shared] = [c for c in calls if c.ok and "Is there a dark mode?" in str(c.args)]
        assert shared.args["channel"] == sp.HELP_CHANNEL
        assert shared.args["thread_ts"] == question["ts"]
        assert f"<@{sp.BOB}> shared" in str(shared.args)
        told = str(bot.fake.responses[-1].args)
        assert "Posted in Q1's thread" in told
        ts = shared.answer["ts"]
        assert await q.shared_answers(bot.app.db) == [(1, ts, sp.BOB, "dark-mode")]
        item = {"channel": sp.HELP_CHANNEL, "ts": ts, "user": sp.BOT_USER_ID}
        await bot.event(sp.reaction(item, user_id=sp.ALICE))
        assert await q.marks(bot.app.db) == [(sp.ALICE, sp.BOB, 0, None)]
        assert await q.question_status(bot.app.db) == "answered"
