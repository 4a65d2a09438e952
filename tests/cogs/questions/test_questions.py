"""The question loop: open → answered → solved, who may solve, /ask, and replays."""

from __future__ import annotations

from datetime import timedelta

from bot.core.identity import Member
from tests import queries as q
from tests.fakes.console import START, ConsoleDriver, Said, message
from tests.fakes.events import message_posted, reply_posted


async def history(console: ConsoleDriver, number: int = 1) -> list[tuple[str, str]]:
    """(status, time) transitions of question Q<number>."""
    changes = await q.status_history(console.app.db, number)
    return [(status, at[11:16]) for status, at in changes]


async def test_status_flow_with_timestamps(console: ConsoleDriver) -> None:
    """A question moves open → answered → solved, each step stamped by the clock."""
    await console.feed(
        "alice: How do I export?",
        "wait 10m",
        "bob reply Q1: Settings › Export.",
        "wait 5m",
        "alice press ^entraide Mark solved",
    )
    assert await history(console) == [("open", "09:00"), ("answered", "09:10"), ("solved", "09:15")]
    row = await q.question(console.app.db)
    assert (row["status"], row["resolution"], row["first_answer_at"], row["solved_at"]) == (
        "solved",
        "community",
        "2026-01-05T09:10:00+00:00",
        "2026-01-05T09:15:00+00:00",
    )


async def test_the_askers_own_replies_are_not_answers(console: ConsoleDriver) -> None:
    """The asker adding details keeps the question open."""
    await console.feed("alice: Is there an API?", "alice reply Q1: I mean a REST API.")
    assert await q.question_status(console.app.db) == "open"
    assert await q.answer_count(console.app.db) == 0


async def test_only_the_asker_or_a_moderator_can_solve(console: ConsoleDriver) -> None:
    """Another member is refused privately; staff can close it."""
    await console.feed("alice: q?", "bob reply Q1: a.")
    out = await console.feed("carol press M2 Mark solved")
    assert console.said(out[1]) == Said("entraide", "only carol", ("alice",), ("Q1",))
    assert await q.question_status(console.app.db) == "answered"
    out = await console.feed("erin /solved Q1")
    assert console.said(out[1]) == Said("entraide", "#help › Q1", ("erin",), ("Q1",))
    assert console.text(out[1]) == message("questions.solved", ref="Q1", member="<@erin>")
    assert await q.question_status(console.app.db) == "solved"


async def test_solving_twice_and_unknown_questions(console: ConsoleDriver) -> None:
    """A second solve is refused, and so is a question that doesn't exist."""
    await console.feed("alice: q?", "alice /solved Q1")
    out = await console.feed("alice /solved Q1", "alice /solved Q9", "alice /solved")
    assert console.said(out[1]) == Said("entraide", "only alice", questions=("Q1",))
    assert console.said(out[3]) == Said("entraide", "only alice", questions=("Q9",))
    assert "Which question?" in out[5]
    assert await q.status_change_count(console.app.db) == 2


async def test_resolution_says_who_solved_it(console: ConsoleDriver) -> None:
    """Staff-only answers count as staff; no answers at all as the asker's own."""
    await console.feed("alice: q1?", "erin reply Q1: staff answer", "alice /solved Q1")
    await console.feed("bob: q2?", "bob /solved Q2")
    assert await q.resolutions(console.app.db) == [(1, "staff"), (2, "asker")]


async def test_ask_posts_the_question_and_opens_its_thread(console: ConsoleDriver) -> None:
    """/ask posts in the help channel for the member and confirms privately."""
    out = await console.feed("bob /ask Can I export my data?")
    assert console.said(out[1]) == Said("entraide", "#help", mentions=("bob",))
    assert out[1].endswith("Can I export my data?")  # the member's words, posted for them
    intro = Said("entraide", "#help › Q1", ("bob",), ("Q1",), ("Mark solved",))
    assert console.said(out[2]) == intro  # the asker may solve it
    assert console.said(out[3]) == Said("entraide", "only bob", questions=("Q1",))
    out = await console.feed("carol reply Q1: Yes, CSV.", "bob /solved Q1")
    assert (await q.question(console.app.db))["resolution"] == "community"


async def test_thread_intro_can_be_switched_off(console: ConsoleDriver) -> None:
    """With thread_intro false, the bot records the question silently."""
    await console.feed("admin /entraide config set thread_intro off")
    out = await console.feed("alice: quiet please")
    assert out == ["M2 [#help] alice: quiet please"]
    assert await q.question_count(console.app.db) == 1


async def test_a_replayed_platform_event_changes_nothing(console: ConsoleDriver) -> None:
    """The same message and reply events delivered twice make one question and one answer."""
    post = message_posted("evt-1", "ext-100", "Replayed question?")
    assert await console.app.dispatch(post) is True
    assert await console.app.dispatch(post) is False
    reply = reply_posted("evt-2", "ext-101", "ext-100", at=START + timedelta(minutes=3))
    await console.app.dispatch(reply)
    await console.app.dispatch(reply)
    assert await q.question_count(console.app.db) == 1
    assert await q.answer_count(console.app.db) == 1
    assert await q.status_change_count(console.app.db) == 2
    intros = [line.split()[0] for line in console.transcript if "Question Q1 is open" in line]
    assert len(set(intros)) == 1  # one intro; shown again once, when the answer added a button
    assert sum(line.startswith("· entraide edited") for line in console.transcript) == 1


async def test_a_redelivered_event_with_a_new_id_is_still_deduplicated(
    console: ConsoleDriver,
) -> None:
    """Side effects have unique keys: a message under a new event id stays one question."""
    for event_id in ("a", "b"):
        await console.app.dispatch(message_posted(event_id, "ext-7", "Same message"))
    assert await q.question_count(console.app.db) == 1
    assert sum("Question Q1 is open" in line for line in console.transcript) == 1


async def test_bot_posts_are_never_questions(console: ConsoleDriver) -> None:
    """A message from a bot account in a help channel is ignored."""
    other_bot = Member("helperbot", "helperbot", is_bot=True)
    handled = await console.app.dispatch(message_posted("bot-1", "ext-9", author=other_bot))
    assert handled is False
    assert await q.question_count(console.app.db) == 0
