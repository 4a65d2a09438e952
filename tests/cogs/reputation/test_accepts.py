"""Accepted answers: points to the author and the asker, moving, withdrawing, deleting."""

from __future__ import annotations

from pathlib import Path

from tests import queries as q
from tests.cogs.reputation.test_reputation import points
from tests.fakes.console import ConsoleDriver, Said, console_community, message
from tests.fakes.events import message_posted, reaction_changed, reply_posted


async def test_accepting_gives_fifteen_and_two_and_solves(console: ConsoleDriver) -> None:
    """The asker accepts bob's answer: +15 bob, +2 alice, the question is solved."""
    out = await console.feed(
        "alice: How do I export?", "bob reply Q1: Settings › Export.", "alice /accept ^bob"
    )
    [accepted] = [line for line in out if line.startswith("M4 ")]
    assert console.said(accepted) == Said("entraide", "#help › Q1", ("bob",), ("Q1",))
    assert console.text(accepted) == message(
        "reputation.accepted", member="bob", ref="Q1", points=15
    )
    assert (await points(console, "bob"), await points(console, "alice")) == (15, 2)
    assert await q.question_outcome(console.app.db) == "solved:community"


async def test_accepting_another_answer_moves_the_points(console: ConsoleDriver) -> None:
    """One accepted answer per question: bob's 15 go to carol; alice keeps her 2."""
    await console.feed(
        "alice: Q?",
        "bob reply Q1: from bob",
        "carol reply Q1: from carol",
        "alice /accept ^bob",
        "alice /accept ^carol",
    )
    assert [await points(console, n) for n in ("alice", "bob", "carol")] == [2, 0, 15]
    await console.feed("alice in Q1 /unaccept")
    assert [await points(console, n) for n in ("alice", "bob", "carol")] == [0, 0, 0]
    out = await console.feed("alice /unaccept Q1")
    assert console.said(out[-1]) == Said("entraide", "only alice", questions=("Q1",))
    assert console.text(out[-1]) == message("reputation.not_accepted", ref="Q1")


async def test_only_the_asker_or_a_moderator_accepts(console: ConsoleDriver) -> None:
    """Others are told who can; a moderator's accept of their own answer gives no points."""
    out = await console.feed("alice: Q?", "bob reply Q1: from bob", "carol /accept ^bob")
    assert console.said(out[-1]) == Said("entraide", "only carol", ("alice",), ("Q1",))
    assert console.text(out[-1]) == message("reputation.accept_not_yours", asker="alice", ref="Q1")
    assert await points(console, "bob") == 0
    await console.feed("erin reply Q1: staff answer", "erin /accept ^erin")
    assert await points(console, "erin") == 0
    assert await points(console, "alice") == 2
    own = (Said("entraide", "only erin"), message("reputation.refused_self"))
    assert own in console.facts(console.transcript[-3:])


async def test_a_deleted_answer_gives_its_points_back(console: ConsoleDriver) -> None:
    """Marks and the accept on a deleted answer are reversed; the asker's bonus too."""
    await console.feed(
        "alice: Q?",
        "bob reply Q1: from bob",
        "carol react ^bob ✅",
        "dave react ^bob ✅",
        "alice /accept ^bob",
    )
    assert await points(console, "bob") == 35
    await console.feed("bob delete ^bob")
    assert (await points(console, "bob"), await points(console, "alice")) == (0, 0)
    assert await q.mark_count(console.app.db) == 0
    assert await q.accept_count(console.app.db) == 0


async def test_a_mark_removed_after_a_restart_is_reversed(tmp_path: Path) -> None:
    """Marked, bot restarted, mark removed: the reversal finds the stored mark."""
    db = tmp_path / "entraide.db"
    async with console_community(db) as first:
        await first.app.dispatch(message_posted("e1", "root-1", "How do I export?"))
        await first.app.dispatch(reply_posted("e2", "ans-1", "root-1", "Settings."))
        await first.app.dispatch(reaction_changed("e3", "ans-1", by="carol"))
        assert await points(first, "bob") == 10
    async with console_community(db) as second:
        await second.app.dispatch(reaction_changed("e4", "ans-1", by="carol", added=False))
        assert await points(second, "bob") == 0
        await second.app.dispatch(reaction_changed("e3", "ans-1", by="carol"))  # old replay
        assert await points(second, "bob") == 0


async def test_helpful_and_accept_commands_work_like_the_reaction(console: ConsoleDriver) -> None:
    """/helpful MESSAGE marks; a bad reference is explained and changes nothing."""
    out = await console.feed(
        "alice: Q?", "bob reply Q1: from bob", "carol /helpful ^bob", "carol /helpful M1"
    )
    assert console.facts([out[-3], out[-1]]) == [
        (
            Said("entraide", "only carol", mentions=("bob",)),
            message("reputation.marked", member="bob", points=10),
        ),
        (Said("entraide", "only carol"), message("reputation.not_an_answer")),
    ]
    out = await console.feed("carol /helpful M99", "carol /accept")
    assert out[1].endswith('I can\'t find the message "M99".')
    assert out[-1].endswith("Missing message. Usage: /accept MESSAGE")
    assert await points(console, "bob") == 10
