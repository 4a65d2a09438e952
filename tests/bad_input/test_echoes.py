"""Bounded echoes: whatever a member types, what the bot posts fits the platform (Discord
2,000 characters a message, Slack 3,000 a block and 40,000 a message, the console 4,000),
and the member's words it quotes are cut short with "…". The fakes refuse what the
platforms refuse, so a reply too long would fail these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.identity import Community, Conversation
from bot.core.replies import Button, Reply
from tests import queries as q
from tests.adapters.discord.conftest import TIMEOUT, thread_opened, until
from tests.adapters.discord.conftest import running_bot as running_discord_bot
from tests.adapters.discord.test_discord_commands import followup_to, slash
from tests.adapters.slack.conftest import running_slack_bot
from tests.fakes import discord_payloads as p
from tests.fakes import slack_payloads as sp
from tests.fakes.console import ConsoleDriver

HUGE = ("Why does the export stop halfway through? " * 2500)[:100_000]
START = HUGE[:40]


def said(out: list[str]) -> list[str]:
    """The bot's lines of a transcript piece (its messages and their continuation lines)."""
    return [line for line in out if " entraide: " in line]


async def test_console_ask_with_100_kb_posts_an_excerpt_and_stores_the_question(
    console: ConsoleDriver,
) -> None:
    """The post in #help quotes the start of the question, cut with "…"; the question is
    stored (its first 4,000 characters); no bot line passes 4,000 characters."""
    out = await console.feed(f"alice /ask {HUGE}")
    posted = [line for line in said(out) if START in line]
    assert len(posted) == 1
    assert "alice" in posted[0]
    assert posted[0].endswith("…")
    assert len(posted[0]) < 2000
    assert all(len(line) <= 4100 for line in said(out))
    stored = await q.question_text(console.app.db)
    assert isinstance(stored, str)
    assert stored.startswith(START)
    assert len(stored) >= 1500


async def test_console_rep_adjust_echoes_a_short_reason(console: ConsoleDriver) -> None:
    """A 100 KB reason: the points are added; the confirmation and the history quote at most
    200 characters of it."""
    await console.feed("bob: hello")
    out = await console.feed(f"admin /rep adjust bob 5 {HUGE}")
    told = said(out)
    assert len(told) == 1
    assert "bob" in told[0]
    assert "…" in told[0]
    assert len(told[0]) < 600
    assert await q.points_given(console.app.db) == 5
    note = (await q.ledger_rows(console.app.db))[0]["note"]
    assert isinstance(note, str)
    assert len(note) <= 200


async def test_console_bad_argument_is_echoed_short(console: ConsoleDriver) -> None:
    """A 100 KB word where a number belongs: the error names the start of it, cut."""
    out = await console.feed(f"admin /rep adjust bob {'9' * 100_000} thanks")
    told = said(out) + [line for line in out if line.startswith("!")]
    assert told
    assert all(len(line) < 1000 for line in told)


@pytest.mark.parametrize(
    "key", ["sensitive_keywords", "timezone", "ranks", "leaderboard_cron", "on_duty", "colour"]
)
async def test_console_config_value_echo_is_short(console: ConsoleDriver, key: str) -> None:
    """A 100 KB value for a setting: refused or accepted, the answer quotes it cut short."""
    out = await console.feed(f"admin /entraide config set {key} {HUGE}")
    told = said(out) + [line for line in out if line.startswith("!")]
    assert told
    assert all(len(line) < 1200 for line in told)
    assert "Something went wrong" not in "\n".join(out)


async def test_discord_ask_with_100_kb(tmp_path: Path) -> None:
    """On Discord the /ask post fits one message (the fake answers 400 past 2,000); the
    question is stored and the asker told."""
    async with running_discord_bot(tmp_path) as (app, fake):
        ask = slash("ask", question=HUGE)
        await fake.dispatch("INTERACTION_CREATE", ask)
        await thread_opened(fake)
        confirmation = await followup_to(fake, ask)
        assert "Q1" in confirmation.body["content"]
        await until(app, q.question_count, 1)
    posted = [b for b in fake.sent_messages if START in str(b.get("content"))]
    assert len(posted) == 1
    assert str(posted[0]["content"]).endswith("…")
    assert [c for c in fake.calls if c.status == 400] == []
    sent = [c.body for c in fake.calls if isinstance(c.body, dict)]
    assert all(len(str(body.get("content") or "")) <= 2000 for body in sent)


async def test_discord_long_article_is_split_in_at_most_three_messages(tmp_path: Path) -> None:
    """/kb show of a long article: ephemeral follow-ups of at most 2,000 characters, split
    between paragraphs, the last cut with "…"."""
    knowledge = tmp_path / "kb"
    (knowledge / "en").mkdir(parents=True)
    paragraphs = [
        f"Paragraph {n}: " + "export the invoices one month at a time. " * 8 for n in range(60)
    ]
    (knowledge / "en" / "long-guide.md").write_text(
        '+++\ntitle = "A long guide"\nlang = "en"\n+++\n' + "\n\n".join(paragraphs) + "\n",
        encoding="utf-8",
    )
    async with running_discord_bot(tmp_path, knowledge_dir=knowledge) as (_, fake):
        show = slash("kb", "show", article="long-guide")
        await fake.dispatch("INTERACTION_CREATE", show)
        path = rf"/webhooks/{p.APPLICATION_ID}/{show['token']}"
        await fake.wait_for_call(
            "POST", path, TIMEOUT, lambda _: len(fake.calls_to("POST", path)) >= 3
        )
    pieces = [str(c.body["content"]) for c in fake.calls_to("POST", path)]
    assert len(pieces) == 3
    assert all(len(piece) <= 2000 for piece in pieces)
    assert pieces[0].startswith("**A long guide**")
    assert all(piece.rstrip("…").rstrip().endswith(".") for piece in pieces)  # whole sentences
    assert pieces[-1].endswith("…")
    assert [c for c in fake.calls if c.status == 400] == []


async def test_slack_ask_with_100_kb(tmp_path: Path) -> None:
    """On Slack the /ask post is one message within Slack's limits; the question is stored."""
    async with running_slack_bot(tmp_path) as bot:
        await bot.command(f"ask {HUGE}")
        assert await q.question_count(bot.app.db) == 1
    assert [c for c in bot.fake.calls if not c.ok] == []
    posts = [c for c in bot.fake.calls_to("chat.postMessage") if START in str(c.args)]
    assert len(posts) == 1
    assert len(str(posts[0].args["text"])) <= 2000
    assert str(posts[0].args["text"]).endswith("…")


async def test_slack_reply_with_many_blocks_is_one_message_within_limits(tmp_path: Path) -> None:
    """200 KB of lines and 200 buttons: one message, at most 50 blocks, each section at most
    3,000 characters, at most 40,000 in all, cut with "…"."""
    text = "\n".join(f"line {n}: " + "lots to say " * 10 for n in range(2000))
    buttons = tuple(Button(f"B{n}", "test.noop", str(n)) for n in range(200))
    async with running_slack_bot(tmp_path) as bot:
        community = Community("slack", sp.TEAM_ID, "Entraide Test")
        await bot.adapter.send(
            community, Conversation(sp.HELP_CHANNEL), Reply(text, buttons=buttons)
        )
    [post] = bot.fake.calls_to("chat.postMessage")
    assert post.ok
    blocks = post.args["blocks"]
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(blocks) <= 50
    assert all(len(section) <= 3000 for section in sections)
    assert sum(map(len, sections)) <= 40_000
    assert sections[-1].endswith("…")
    assert sections[0].startswith("line 0:")
