"""Earlier solved threads suggested to new questions ("Asked before"), and what pressing
their buttons does: the new question solved, +5 to the earlier answer's author, taken back
when the new asker withdraws it."""

from __future__ import annotations

from tests import queries as q
from tests.fakes.console import ConsoleDriver, Said

EXPORT = "alice: How do I export my reports to a spreadsheet file?"
ANSWER = "bob reply Q1: Open Reports, choose the month, then Export as spreadsheet at the bottom."
AGAIN = "carol: how can I export reports as a spreadsheet file?"
BUTTONS = ("This solved it", "Not helpful")


def suggestion(out: list[str]) -> str:
    """The first transcript line (M<n> …) of the bot's message listing an earlier thread."""
    at = next(i for i, line in enumerate(out) if "Asked before" in line)
    return next(line for line in reversed(out[: at + 1]) if line.startswith("M"))


def posted(out: list[str]) -> str:
    """The first message the bot posted among `out` (not a `·` note)."""
    return next(line for line in out if line.startswith("M"))


async def solved_thread(console: ConsoleDriver) -> None:
    """Q1 asked, answered by bob, and marked helpful by its asker."""
    await console.feed(EXPORT, ANSWER, "alice react ^bob ✅")


async def test_a_solved_thread_is_suggested_to_a_later_similar_question(
    console: ConsoleDriver,
) -> None:
    """Carol's question gets Q1 with bob's answer, in her thread, with both buttons; bob is
    named, not pinged."""
    await solved_thread(console)
    out = await console.feed(AGAIN)
    line = suggestion(out)
    assert console.said(line) == Said("entraide", "#help › Q2", ("bob",), ("Q2", "Q1"), BUTTONS)
    assert "Open Reports" in "\n".join(out)  # the earlier answer's excerpt
    assert await q.kb_outcome(console.app.db, 2) == "suggested"


async def test_unanswered_unmarked_and_unrelated_threads_are_never_suggested(
    console: ConsoleDriver,
) -> None:
    """An answer nobody marked doesn't make a thread solved; an unrelated question gets
    nothing from a solved one."""
    await console.feed(EXPORT, ANSWER)
    out = await console.feed(AGAIN)
    assert not any("Asked before" in line for line in out)
    await console.feed("alice react ^bob ✅")
    out = await console.feed("dave: Where is the office party this year?")
    assert not any("Asked before" in line for line in out)


async def test_a_forgotten_askers_thread_is_no_longer_suggested(console: ConsoleDriver) -> None:
    """Alice asks to be forgotten: her solved question leaves the history."""
    await solved_thread(console)
    out = await console.feed("alice /privacy forget")
    press = out[-1].split(" ", 1)[0]
    await console.feed(f"alice press {press} Yes, erase my data")
    out = await console.feed(AGAIN)
    assert not any("Asked before" in line for line in out)


async def test_this_solved_it_solves_the_new_question_and_credits_the_earlier_author(
    console: ConsoleDriver,
) -> None:
    """Carol presses 'This solved it': Q2 is solved from history, bob gets +5 (a ledger row
    of its own kind), once, however often she presses."""
    await solved_thread(console)
    out = await console.feed(AGAIN)
    press = suggestion(out).split(" ", 1)[0]
    out = await console.feed(f"carol press {press} This solved it")
    assert console.said(posted(out)) == Said("entraide", "#help › Q2", ("bob",), ("Q2", "Q1"))
    assert await q.question_status(console.app.db, 2) == "solved"
    assert (2, "history") in await q.resolutions(console.app.db)
    reused = await q.ledger_rows(console.app.db, kind="reused")
    assert [(r["member"], r["delta"], r["reason"]) for r in reused] == [("bob", 5, "history")]
    await console.feed(f"carol press {press} This solved it")
    assert len(await q.ledger_rows(console.app.db, kind="reused")) == 1


async def test_not_helpful_after_this_solved_it_takes_it_back(console: ConsoleDriver) -> None:
    """Carol changes her mind: Q2 is open again and bob's +5 is reversed exactly."""
    await solved_thread(console)
    press = suggestion(await console.feed(AGAIN)).split(" ", 1)[0]
    await console.feed(f"carol press {press} This solved it")
    out = await console.feed(f"carol press {press} Not helpful")
    assert console.said(posted(out)) == Said("entraide", "#help › Q2", (), ("Q2",))
    assert await q.question_status(console.app.db, 2) == "open"  # no answer of its own
    reused = await q.ledger_rows(console.app.db, kind="reused")
    assert [(r["member"], r["delta"]) for r in reused] == [("bob", 5), ("bob", -5)]


async def test_unaccept_withdraws_a_history_solution(console: ConsoleDriver) -> None:
    """/unaccept in the new thread withdraws what 'This solved it' gave."""
    await solved_thread(console)
    press = suggestion(await console.feed(AGAIN)).split(" ", 1)[0]
    await console.feed(f"carol press {press} This solved it")
    await console.feed("carol /unaccept Q2")
    assert await q.question_status(console.app.db, 2) != "solved"
    assert await q.member_points(console.app.db, "bob") == 10  # alice's mark only


async def test_an_answer_to_ones_own_earlier_question_earns_nothing(
    console: ConsoleDriver,
) -> None:
    """Bob asks again what bob once answered: solved, but no points to himself."""
    await solved_thread(console)
    press = suggestion(await console.feed("bob: how can I export reports as a spreadsheet file?"))
    await console.feed(f"bob press {press.split(' ', 1)[0]} This solved it")
    assert await q.ledger_rows(console.app.db, kind="reused") == []


async def test_history_suggestions_can_be_switched_off(console: ConsoleDriver) -> None:
    """history_suggestions false: articles only, never an earlier thread."""
    await solved_thread(console)
    await console.feed("admin /entraide config set history_suggestions false")
    out = await console.feed(AGAIN)
    assert not any("Asked before" in line for line in out)


async def test_an_edited_thread_is_searched_as_it_now_reads(console: ConsoleDriver) -> None:
    """Alice rewrites Q1 about backups: an export question no longer finds it, a backup
    question does."""
    await solved_thread(console)
    await console.feed("alice edit M1: How do I back up my workspace to a zip archive?")
    out = await console.feed(AGAIN)
    assert not any("Asked before" in line for line in out)
    out = await console.feed("dave: how can I back up my workspace as a zip archive?")
    assert console.said(suggestion(out)).questions == ("Q3", "Q1")


async def test_a_deleted_question_leaves_the_history(console: ConsoleDriver) -> None:
    """Alice deletes Q1's post: it is never suggested again."""
    await solved_thread(console)
    await console.feed("alice delete M1")
    out = await console.feed(AGAIN)
    assert not any("Asked before" in line for line in out)


async def test_a_gap_the_community_solved_twice_offers_a_draft_from_its_best_thread(
    console: ConsoleDriver,
) -> None:
    """No article on exports: Q1 and Q2 were both solved by members (Q2 saw only Q1 as
    "Asked before", not an article); /kb gaps groups them and offers the best-rated thread,
    accepted first, for /kb draft."""
    await solved_thread(console)
    await console.feed(AGAIN, "dave reply Q2: Reports › Export, pick spreadsheet.")
    await console.feed("carol /accept ^dave")
    out = await console.feed("erin /kb gaps")
    assert console.said(posted(out)).where == "only erin"
    text = "\n".join(out)
    topic = next(line for line in text.splitlines() if "Q1, Q2" in line)
    offer = text.splitlines()[text.splitlines().index(topic) + 1]
    assert "/kb draft Q2" in offer  # the accepted answer beats one mark


async def test_a_thread_rejected_twice_for_close_phrasings_stops_being_suggested(
    console: ConsoleDriver,
) -> None:
    """'Not helpful' lowers a thread for phrasings like the one it was shown for, as it does
    for articles (-0.3): after two rejections the third asker doesn't see it."""
    await solved_thread(console)
    # Near-identical phrasings score ~0.9 with the fake embedder: a gate the penalty crosses.
    await console.feed("admin /entraide config set history_min_similarity 0.75")
    for asker, number in (("carol", 2), ("dave", 3)):
        out = await console.feed(f"{asker}: how can I export reports as a spreadsheet file?")
        assert console.said(suggestion(out)).questions == (f"Q{number}", "Q1")
        await console.feed(f"{asker} press {suggestion(out).split(' ', 1)[0]} Not helpful")
    out = await console.feed("erin: how can I export reports as a spreadsheet file?")
    assert not any("Asked before" in line for line in out)


async def test_a_question_solved_again_after_a_withdrawal_closes_its_staff_card(
    console: ConsoleDriver,
) -> None:
    """Carol takes back the earlier thread, calls staff, then accepts bob's own answer: the
    second solve is news to every feature, so the open escalation closes as solved."""
    await solved_thread(console)
    press = suggestion(await console.feed(AGAIN)).split(" ", 1)[0]
    await console.feed(f"carol press {press} This solved it", f"carol press {press} Not helpful")
    await console.feed("carol /staff Q2")
    assert await q.escalation_status(console.app.db) == "open"
    await console.feed("bob reply Q2: Reports › Export, at the bottom.", "carol /accept ^bob")
    assert await q.question_status(console.app.db, 2) == "solved"
    assert await q.escalation_outcome(console.app.db) == "closed:solved"
