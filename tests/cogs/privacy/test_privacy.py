"""Privacy: /privacy export and forget (one's own, and a member's by admins), and retention."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.console.player import COMMUNITY
from bot.adapters.console.state import ConsoleMessage
from bot.core.cog import Cog
from bot.core.events import ButtonPressed
from bot.core.identity import Conversation, Member
from tests import queries as q
from tests.fakes.console import START, ConsoleDriver, Said, console_community, message

FIXTURE_KB = Path(__file__).resolve().parents[2] / "fixtures" / "knowledge"
# bob asks (Q2 stays unsolved, Q3 is solved), answers Q1 (accepted), gives and receives
# marks, rejects a suggestion, offers a bounty, declares expertise, sets quiet hours, opts
# out of leaderboards, is nudged on Q4 and is the on-duty assignee of Q5's escalation; admins
# wrote his name into two ledger notes.
HISTORY = [
    "admin /entraide config set nudge_experts 1",
    "admin /entraide config set on_duty bob, erin",
    "admin /rep adjust bob 200 thanks bob for the migration guide",
    "admin /rep adjust carol 5 covered for bob on Friday",
    "alice: How do I export my data to CSV?",
    "bob reply Q1: Settings › Export › CSV, then pick the columns.",
    "carol react ^bob ✅",
    "alice /accept ^bob",
    "bob: How do I reset my password? The email never came",
    "bob press ^entraide Not helpful",
    "bob /bounty 50 Q2",
    "alice reply Q2: Check the spam folder, then ask for a new link.",
    "bob react ^alice ✅",
    "bob: Which plugin renders the team calendar widget?",
    "carol reply Q3: The agenda plugin renders it.",
    "bob /accept ^carol",
    "bob /expertise add calendars",
    "bob /nudges quiet 22-7",
    "bob /leaderboard optout",
    "dave: The CSV export of my data is empty",
    "wait 16m",
    "carol: I was charged twice and need a refund",
]
ERASED = (  # bob's texts that forgetting him must remove from every table
    "Settings › Export › CSV, then pick the columns.",
    "How do I reset my password? The email never came",
    "calendars",
)
SOLVED_TEXT = "Which plugin renders the team calendar widget?"  # kept, without its author
DISCORD_EVENT = "discord:reaction:990:bob:✅:1"  # a Discord reaction id names the reactor
# Where the history leaves bob's name, id or texts before he is forgotten (the scan's reach).
TRACES = [
    ("answers", "text"),
    ("community_settings", "value_json"),  # on_duty names him
    ("escalations", "assignee"),
    ("escalations", "card_text"),  # the card as posted quotes his question, names him
    ("expertise_topics", "topic"),
    ("kb_feedback", "query_text"),
    ("members", "display_name"),
    ("members", "external_id"),
    ("processed_events", "event_id"),
    ("questions", "text"),
    ("reputation_ledger", "note"),
    ("reputation_ledger", "source_event_id"),
    ("timers", "last_error"),
    ("timers", "payload_json"),
]


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[ConsoleDriver]:
    """The console community after HISTORY, plus traces only a real platform leaves."""
    async with console_community(tmp_path / "entraide.db", knowledge_dir=FIXTURE_KB) as driver:
        await driver.feed(*HISTORY)
        await _platform_traces(driver)
        yield driver


async def _platform_traces(driver: ConsoleDriver) -> None:
    """A Discord-style event id naming bob, processed and on the ledger row his mark gave
    carol; a failed timer whose payload and error name him."""
    db = driver.app.db
    bob, carol = await q.member_id(db, "bob"), await q.member_id(db, "carol")
    dm = (json.dumps({"member": "bob", "question_id": 2}), "DMs of bob are closed")
    await q.leave_platform_traces(db, DISCORD_EVENT, bob, carol, START.isoformat(), dm)


async def traces(driver: ConsoleDriver) -> list[tuple[str, str, str]]:
    """Text values holding bob's name or platform id ("bob") or one of his erased texts."""
    return [
        (table, column, value)
        for table, column, value in await q.text_values(driver.app.db)
        if "bob" in value.lower() or any(text in value for text in ERASED)
    ]


def files_to(driver: ConsoleDriver, name: str) -> list[ConsoleMessage]:
    """Private messages with files the bot sent to one member, in order."""
    return [m for m in driver.adapter.state.messages.values() if m.files and m.private_to == name]


def message_id(line: str) -> str:
    """The M<n> a transcript line starts with."""
    return line.split(" ", 1)[0]


def board(lines: list[str]) -> list[str]:
    """A leaderboard reply without its message number."""
    return [line.split(" ", 1)[1] if line.startswith("M") else line for line in lines[1:]]


async def test_export_sends_one_private_json_file_with_everything_about_the_member(
    bot: ConsoleDriver,
) -> None:
    """bob's questions, answers, marks, accepts, ledger, settings, expertise, nudges, bounty
    and opt-out, in one file only he sees; nobody else is named in it."""
    out = await bot.feed("bob /privacy export")
    assert bot.said(out[1]) == Said("entraide", "only bob")
    assert bot.text(out[1]) == message("privacy.export_own", member="bob")
    assert out[2].startswith("    📎 entraide-data-bob.json (")
    [sent] = files_to(bot, "bob")
    assert len(sent.files) == 1
    file = sent.files[0]
    assert file.content_type == "application/json"
    doc = json.loads(file.data)
    assert doc["member"]["platform_id"] == "bob"
    assert [(row["question"], row["text"], row["status"]) for row in doc["questions"]] == [
        ("Q2", "How do I reset my password? The email never came", "answered"),
        ("Q3", SOLVED_TEXT, "solved"),
    ]
    assert [(a["question"], a["text"], a["accepted"]) for a in doc["answers"]] == [
        ("Q1", "Settings › Export › CSV, then pick the columns.", 1)
    ]
    ledger = doc["reputation_ledger"]
    total = await q.stored_total(bot.app.db, "bob")
    assert sum(row["delta"] for row in ledger) == doc["reputation_total"] == total == 177
    assert {(row["kind"], row["reason"]) for row in ledger} >= {
        ("adjust", "adjust"),
        ("helpful", "mark"),
        ("accepted", "accept"),
        ("accept_bonus", "accept"),
    }
    assert "thanks bob for the migration guide" in [row["note"] for row in ledger]
    assert [m["question"] for m in doc["helpful_marks_given"]] == ["Q2"]
    assert [m["question"] for m in doc["helpful_marks_received"]] == ["Q1"]
    assert [a["question"] for a in doc["accepts_of_your_answers"]] == ["Q1"]
    assert [a["question"] for a in doc["accepts_you_made"]] == ["Q3"]
    assert doc["nudge_settings"]["quiet_from"] == 22 * 60
    assert [t["topic"] for t in doc["expertise_topics"]] == ["calendars"]
    assert [n["question"] for n in doc["nudges_received"]] == ["Q4"]
    assert [(b["question"], b["amount"], b["offered_by_you"]) for b in doc["bounties"]] == [
        ("Q2", 50, 1)
    ]
    assert doc["leaderboard_opt_out"] is not None
    assert doc["rank"]["rank"] == "Helper"
    assert [r["rank"] for r in doc["rank_announcements"]] == ["Helper"]
    assert [(f["question"], f["verdict"]) for f in doc["knowledge_base_feedback"]] == [("Q2", -1)]
    text = file.data.decode("utf-8")
    assert "alice" not in text
    assert "carol" not in text


async def test_forget_erases_every_trace_and_keeps_the_figures(bot: ConsoleDriver) -> None:
    """After the confirmed forget, no table holds bob's name, platform id or texts (his
    solved question keeps its text, without him); totals, boards and counts don't move, and
    alice's rows are untouched."""
    db = bot.app.db
    bob, alice = await q.member_id(db, "bob"), await q.member_id(db, "alice")
    before, alice_before = await q.figures(db), await q.rows_about(db, alice)
    assert sorted({(table, column) for table, column, _ in await traces(bot)}) == TRACES
    board_before = board(await bot.feed("carol /leaderboard all"))
    out = await bot.feed("bob /privacy forget")
    assert bot.said(out[-1]) == Said("entraide", "only bob", buttons=("Yes, erase my data",))
    assert bot.text(out[-1]) == message("privacy.confirm_own", member="bob", valid=10 * 60)
    out = await bot.feed(f"bob press {message_id(out[-1])} Yes, erase my data")
    assert bot.said(out[-1]) == Said("entraide", "only bob")
    assert bot.text(out[-1]) == message("privacy.forgotten_own")

    assert await traces(bot) == []
    assert await q.asker_of(db, SOLVED_TEXT) == f"forgotten:{bob}"
    assert (await q.member(db, row_id=bob))["display_name"] == ""
    assert await q.override(db, "on_duty") == '"erin"'
    assert await q.rows_in(db, "expertise_topics") == 0
    assert await q.rows_in(db, "forgetting") == 0
    assert await q.figures(db) == before
    assert await q.rows_about(db, alice) == alice_before
    assert board(await bot.feed("carol /leaderboard all")) == board_before


async def test_only_the_requester_can_press_and_only_for_ten_minutes(bot: ConsoleDriver) -> None:
    """Another member can't use bob's button (the console doesn't even show it to them; a
    forged press is refused too); a press after 10 minutes is refused; within, it works."""
    out = await bot.feed("bob /privacy forget")
    ref = message_id(out[-1])
    out = await bot.feed(f"carol press {ref} Yes, erase my data")
    assert out == [f"! line {bot.line_number}: there is no message {ref}."]
    offered = bot.adapter.state.messages[ref]
    await bot.app.dispatch(
        ButtonPressed(
            event_id="forged.1",
            community=COMMUNITY,
            author=Member("carol", "carol"),
            at=bot.app.clock.now(),
            conversation=Conversation(offered.channel, offered.thread_id),
            message_id=offered.platform_id,
            action=offered.buttons[0].action,
            value=offered.buttons[0].value,
        )
    )
    assert bot.said(bot.transcript[-1]) == Said("entraide", "only carol")
    assert bot.text(bot.transcript[-1]) == message("privacy.not_yours")
    out = await bot.feed("wait 11m", f"bob press {ref} Yes, erase my data")
    assert bot.said(out[-1]) == Said("entraide", "only bob")
    assert bot.text(out[-1]) == message("privacy.expired", valid=10 * 60)
    assert await q.member_count(bot.app.db, "bob") == 1
    out = await bot.feed("bob /privacy forget", "wait 9m")
    ref = message_id(next(line for line in out if "[Yes, erase my data]" in line))
    out = await bot.feed(f"bob press {ref} Yes, erase my data")
    assert bot.said(out[-1]) == Said("entraide", "only bob")
    assert bot.text(out[-1]) == message("privacy.forgotten_own")
    out = await bot.feed(f"bob press {ref} Yes, erase my data")
    assert bot.said(out[-1]) == Said("entraide", "only bob")
    assert bot.text(out[-1]) == message("privacy.already_forgotten")


async def test_admins_export_and_forget_a_member(bot: ConsoleDriver) -> None:
    """Admins get a member's file and erase a member after confirming; others can't."""
    out = await bot.feed("alice /privacy export-member bob", "alice /privacy forget-member dave")
    replies = [line for line in out if "entraide:" in line]
    assert [bot.said(line) for line in replies] == [Said("entraide", "only alice")] * 2
    assert [bot.text(line) for line in replies] == [
        message("error.admins_only", name="privacy export-member"),
        message("error.admins_only", name="privacy forget-member"),
    ]
    out = await bot.feed("admin /privacy export-member bob", "admin /privacy export-member erin")
    assert bot.said(out[1]) == Said("entraide", "only admin", mentions=("bob",))
    assert bot.text(out[1]) == message("privacy.export_member", member="bob")
    assert bot.said(out[-1]) == Said("entraide", "only admin", mentions=("erin",))
    assert bot.text(out[-1]) == message("privacy.no_data", member="erin")
    [sent] = files_to(bot, "admin")
    assert json.loads(sent.files[0].data)["member"]["platform_id"] == "bob"
    dave = await q.member_id(bot.app.db, "dave")
    out = await bot.feed("admin /privacy forget-member dave")
    assert bot.said(out[-1]) == Said(
        "entraide", "only admin", mentions=("dave",), buttons=("Yes, erase this member's data",)
    )
    assert bot.text(out[-1]) == message("privacy.confirm_member", member="dave", valid=10 * 60)
    out = await bot.feed(f"admin press {message_id(out[-1])} Yes, erase this member's data")
    assert bot.said(out[-1]) == Said("entraide", "only admin", mentions=("dave",))
    assert bot.text(out[-1]) == message("privacy.forgotten_member", member="dave")
    assert (await q.member(bot.app.db, row_id=dave))["external_id"] == f"forgotten:{dave}"
    assert await q.question_text(bot.app.db, 4) == ""


class BrokenCog(Cog):
    """A feature whose erasure fails: the whole forget must roll back."""

    name = "broken"

    async def delete_member_data(self, tx: Any, community_id: int, member_id: int) -> None:
        """Fail after another cog already wrote."""
        raise RuntimeError("disk on fire")


async def test_a_failing_cog_erases_nothing(bot: ConsoleDriver) -> None:
    """One transaction: a cog failing part-way leaves every table as it was."""
    bot.app.cogs.append(BrokenCog(bot.app))
    db = bot.app.db
    bob = await q.member_id(db, "bob")
    before = await q.rows_about(db, bob)
    texts_before = sorted(await q.text_values(db))
    out = await bot.feed("bob /privacy forget")
    out = await bot.feed(f"bob press {message_id(out[-1])} Yes, erase my data")
    assert bot.said(out[-1]) == Said("entraide", "only bob")
    assert bot.text(out[-1]) == message("privacy.forget_failed")
    assert await q.rows_about(db, bob) == before
    assert [t for t in sorted(await q.text_values(db)) if t[0] != "processed_events"] == [
        t for t in texts_before if t[0] != "processed_events"
    ]


RETENTION = [
    "admin /entraide config set retention_days 30",
    "alice: Where do I download the printer drivers?",
    "bob reply Q1: From the vendor's support page.",
    "wait 20d",
    "carol: The scanner stopped after the update",
    "dave reply Q2: Reinstall the scanner app.",
]


async def test_retention_erases_old_texts_once_a_day(console: ConsoleDriver) -> None:
    """Past 30 days the texts go and the rows stay; the run is recorded, so the same day
    doesn't run again, and the next day does."""
    await console.feed(*RETENTION, "wait 11d")
    db = console.app.db
    assert await q.texts_and_authors(db) == [
        (1, "", "", 1, 1),
        (2, "The scanner stopped after the update", "Reinstall the scanner app.", 1, 1),
    ]
    await q.set_question_text(db, 1, "put back")
    await console.feed("wait 1h")
    assert await q.question_text(db, 1) == "put back"
    await console.feed("wait 1d")
    assert await q.question_text(db, 1) == ""
    assert await q.question_text(db, 2) != ""


async def test_retention_zero_keeps_texts_forever(console: ConsoleDriver) -> None:
    """retention_days 0: nothing is ever erased."""
    await console.feed(*RETENTION, "admin /entraide config set retention_days 0", "wait 400d")
    assert await q.blank_question_count(console.app.db) == 0
    assert await q.blank_answer_count(console.app.db) == 0
