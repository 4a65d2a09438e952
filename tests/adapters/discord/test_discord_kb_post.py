"""/kb post on Discord: the slash command runs in the question's thread, the article goes
there as the member's answer, and the private "thinking…" placeholder is removed."""

from __future__ import annotations

from pathlib import Path

from tests import queries as q
from tests.adapters.discord.conftest import TIMEOUT, running_bot, thread_opened, until
from tests.adapters.discord.test_discord_commands import slash
from tests.fakes import discord_payloads as p

FIXTURE_KB = Path(__file__).resolve().parents[2] / "fixtures" / "knowledge"


async def test_kb_post_in_a_thread_is_the_members_answer(tmp_path: Path) -> None:
    """bob runs /kb post dark-mode in Q1's thread: one public post there that may ping bob
    only, no private reply, and it is bob's answer to Q1."""
    async with running_bot(tmp_path, knowledge_dir=FIXTURE_KB) as (app, fake):
        await fake.dispatch("MESSAGE_CREATE", p.message_create("Can I change the colours?"))
        thread_id = await thread_opened(fake)
        post = slash("kb", "post", article="dark-mode", author=p.user(p.BOB_ID, "bob"))
        post["channel_id"], post["channel"] = thread_id, p.thread_channel(thread_id, "Q1")
        await fake.dispatch("INTERACTION_CREATE", post)
        shared = await fake.wait_for_call(
            "POST",
            rf"/channels/{thread_id}/messages",
            TIMEOUT,
            where=lambda c: "Is there a dark mode?" in str(c.body),
        )
        assert shared.body["content"].startswith(f"<@{p.BOB_ID}> shared:")
        assert shared.body["allowed_mentions"] == {"parse": [], "users": [int(p.BOB_ID)]}
        original = rf"/webhooks/{p.APPLICATION_ID}/{post['token']}/messages/@original"
        await fake.wait_for_call("DELETE", original, TIMEOUT)
        assert not fake.calls_to("POST", rf"/webhooks/{p.APPLICATION_ID}/{post['token']}")
        await until(app, q.question_status, "answered")
        [(number, _, author, article)] = await q.shared_answers(app.db)
        assert (number, author, article) == (1, p.BOB_ID, "dark-mode")
