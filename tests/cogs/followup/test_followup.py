"""Closing the loop: one reminder to accept a helpful answer; quiet answered threads close."""

from __future__ import annotations

from datetime import timedelta

from tests import queries as q
from tests.fakes.console import ConsoleDriver, Said, message


def dms_to(lines: list[str], name: str) -> list[str]:
    """Direct messages to a member."""
    return [line for line in lines if f"[DM → {name}]" in line]


async def test_the_asker_is_reminded_once_to_accept(console: ConsoleDriver) -> None:
    """A helpful mark and no accept for 24 hours: one private reminder, never two."""
    await console.feed(
        "alice: How do I export my data?",
        "bob reply Q1: Settings › Export.",
        "carol react ^bob ✅",
    )
    assert dms_to(await console.feed("wait 23h"), "alice") == []
    out = await console.feed("wait 1h")
    [reminder] = dms_to(out, "alice")
    assert console.said(reminder) == Said(
        "entraide", "DM → alice", ("alice",), ("Q1", "Q1"), ("Still need help",)
    )
    assert console.text(reminder) == message("followup.remind", member="alice", ref="Q1")
    out = await console.feed("bob reply Q1: Also the API.", "dave react ^bob ✅", "wait 2d")
    assert dms_to(out, "alice") == []


async def test_no_reminder_when_the_answer_was_accepted(console: ConsoleDriver) -> None:
    """Accepted in time: nothing to remind."""
    await console.feed(
        "alice: How do I export my data?",
        "bob reply Q1: Settings › Export.",
        "carol react ^bob ✅",
        "alice /accept ^bob",
    )
    assert dms_to(await console.feed("wait 2d"), "alice") == []


async def test_a_quiet_answered_question_is_closed_and_reopened_by_talk(
    console: ConsoleDriver,
) -> None:
    """72 hours without activity after an answer: closed as answered, not solved."""
    await console.feed(
        "admin /entraide config set sla_minutes 10080",
        "alice: How do I export my data?",
        "bob reply Q1: Settings › Export.",
    )
    await console.feed("wait 71h")
    assert (await q.question(console.app.db))["closed_at"] is None
    out = await console.feed("wait 1h")
    assert console.said(out[-1]) == Said("entraide", "#help › Q1", questions=("Q1",))
    assert console.text(out[-1]) == message("followup.closed", ref="Q1", quiet=timedelta(days=3))
    row = await q.question(console.app.db)
    assert (row["status"], row["closed_at"] is not None) == ("answered", True)
    await console.feed("alice reply Q1: Thanks, one more thing…")
    assert (await q.question(console.app.db))["closed_at"] is None
