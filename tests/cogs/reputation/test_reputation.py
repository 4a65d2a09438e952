"""Reputation rules as members see them: marks, accepts, reversals, caps and refusals."""

from __future__ import annotations

import asyncio

from bot.cogs.reputation import _marks
from bot.cogs.reputation._outcome import Source
from bot.storage.db import Database
from tests import queries as q
from tests.fakes.console import ConsoleDriver, Said, message
from tests.fakes.events import message_posted, reaction_changed, reply_posted


async def points(console: ConsoleDriver, name: str) -> int:
    """A member's total, as the totals table holds it (checked against the ledger)."""
    total = await q.stored_total(console.app.db, name)
    ledger = await q.member_points(console.app.db, name)
    assert total == ledger or (total is None and ledger == 0)
    return ledger


async def test_a_helpful_reaction_gives_ten_and_taking_it_back_reverses_exactly(
    console: ConsoleDriver,
) -> None:
    """✅ on an answer: +10 to its author; removed: -10; again: +10. Rows in the ledger."""
    await console.feed("alice: How do I export?", "bob reply Q1: Settings › Export.")
    await console.feed("carol react ^bob ✅")
    assert await points(console, "bob") == 10
    await console.feed("carol unreact ^bob ✅")
    assert await points(console, "bob") == 0
    await console.feed("carol react ^bob ✅")
    assert await points(console, "bob") == 10
    rows = await q.ledger_rows(console.app.db)
    assert [(r["delta"], r["kind"], r["reason"]) for r in rows] == [
        (10, "helpful", "mark"),
        (-10, "helpful", "unmark"),
        (10, "helpful", "mark"),
    ]


async def test_other_reactions_and_non_answers_award_nothing(console: ConsoleDriver) -> None:
    """Only the configured emoji on an answer counts; the question itself is not an answer."""
    await console.feed("alice: How do I export?", "bob reply Q1: Settings › Export.")
    out = await console.feed("carol react ^bob 👍", "carol react ^alice ✅")
    assert await points(console, "bob") == 0
    assert await points(console, "alice") == 0
    assert not [line for line in out if "entraide" in line]


async def test_marking_your_own_answer_is_refused_privately(console: ConsoleDriver) -> None:
    """No points, and only the giver is told why."""
    await console.feed("alice: How do I export?", "bob reply Q1: Settings › Export.")
    out = await console.feed("bob react ^bob ✅")
    assert out[-1] == (
        "M4 (only bob) entraide: Points can't come from your own message, so this one gives none."
    )
    assert await points(console, "bob") == 0


async def test_the_daily_cap_stops_at_exactly_200(console: ConsoleDriver) -> None:
    """20 marks make 200; the 21st gives nothing and says why; the next day counts again."""
    lines = ["alice: Many questions?"]
    for n in range(21):
        lines.append(f"bob reply Q1: answer {n}")
        lines.append(f"giver{n // 5} react ^bob ✅")  # 5 marks per giver: under the pair limit
    out = await console.feed(*lines)
    assert await points(console, "bob") == 200
    assert console.said(out[-1]) == Said("entraide", "only giver4", mentions=("bob",))
    assert console.text(out[-1]) == message(
        "reputation.refused_daily_cap", member="bob", cap=200, points=0
    )
    await console.feed("wait 1d", "bob reply Q1: next day", "giver9 react ^bob ✅")
    assert await points(console, "bob") == 210


async def test_a_mark_that_crosses_the_cap_gives_only_the_rest(console: ConsoleDriver) -> None:
    """With 15 points a mark, 13 marks make 195; the 14th gives 5, not 15."""
    await console.feed("admin /entraide config set points_helpful 15", "alice: Q?")
    for n in range(14):
        await console.feed(f"bob reply Q1: answer {n}", f"giver{n // 5} react ^bob ✅")
    assert await points(console, "bob") == 200
    last = console.transcript[-1]
    assert console.said(last) == Said("entraide", "only giver2", mentions=("bob",))
    assert console.text(last) == message(
        "reputation.refused_daily_cap", member="bob", cap=200, points=5
    )


async def test_one_giver_can_mark_one_receiver_five_times_a_day(console: ConsoleDriver) -> None:
    """The sixth mark from the same giver to the same member is noted without points."""
    lines = ["alice: Q?"]
    for n in range(6):
        lines += [f"bob reply Q1: answer {n}", "carol react ^bob ✅"]
    out = await console.feed(*lines)
    assert await points(console, "bob") == 50
    assert console.said(out[-1]) == Said("entraide", "only carol", mentions=("bob",))
    assert console.text(out[-1]) == message("reputation.refused_pair_limit", member="bob", limit=5)


async def test_a_quick_return_award_earns_nothing(console: ConsoleDriver) -> None:
    """carol marks bob, bob marks carol back within 10 minutes: carol gets nothing then."""
    await console.feed(
        "alice: Q?",
        "bob reply Q1: from bob",
        "carol reply Q1: from carol",
        "carol react ^bob ✅",
        "wait 5m",
        "bob react ^carol ✅",
    )
    assert await points(console, "carol") == 0
    last = console.transcript[-1]
    assert console.said(last) == Said("entraide", "only bob", mentions=("carol",))
    assert console.text(last) == message("reputation.refused_back_and_forth", member="carol")
    await console.feed("wait 11m", "carol reply Q1: later", "bob react ^carol ✅")
    assert await points(console, "carol") == 10


async def test_new_members_cannot_award_until_old_enough(console: ConsoleDriver) -> None:
    """With a two-day minimum age, a newcomer's mark is noted without points."""
    await console.feed(
        "admin /entraide config set min_award_age_days 2",
        "alice: Q?",
        "bob reply Q1: from bob",
        "zed react ^bob ✅",
    )
    assert await points(console, "bob") == 0
    assert console.said(console.transcript[-1]) == Said("entraide", "only zed")
    assert console.text(console.transcript[-1]) == message("reputation.refused_too_new", days=2)
    await console.feed("wait 2d", "zed unreact ^bob ✅", "zed react ^bob ✅")
    assert await points(console, "bob") == 10


async def test_a_replayed_reaction_counts_once(console: ConsoleDriver) -> None:
    """The same platform event delivered twice, and the award asked twice: one ledger row."""
    app = console.app
    await app.dispatch(message_posted("p1", "root-1", "How do I export?"))
    await app.dispatch(reply_posted("p2", "ans-1", "root-1", "Settings."))
    mark = reaction_changed("p3", "ans-1", by="carol", thread_id="root-1")
    assert await app.dispatch(mark) is True
    assert await app.dispatch(mark) is False
    community_id = await app.community_id(mark.community)
    carol = await q.member_id(console.app.db, "carol")
    config = await app.community_config(community_id)
    source = Source(community_id, "p3", mark.at, int(str(carol)))
    again = await _marks.mark_helpful(app.db, source, config, "ans-1")
    assert again.status == "already"
    assert await q.ledger_count(console.app.db) == 1
    assert await points(console, "bob") == 10


async def test_two_simultaneous_marks_cannot_both_slip_under_the_cap(
    console: ConsoleDriver,
) -> None:
    """At 190 points, two marks at once through two connections: 200, not 210."""
    lines = ["alice: Q?"]
    for n in range(21):
        lines.append(f"bob reply Q1: answer {n}")
        if n < 19:
            lines.append(f"giver{n // 5} react ^bob ✅")
    await console.feed(*lines, "giver9 in #general: hello")
    assert await points(console, "bob") == 190
    app = console.app
    free = await q.unmarked_answer_messages(app.db)
    other = Database(app.db.path)  # a second connection, as a second process would have
    await other.open()
    try:
        [(community_id, _, _)] = await q.communities(app.db)
        config = await app.community_config(community_id)
        g1 = await q.member_id(app.db, "giver3")
        g2 = await q.member_id(app.db, "giver9")
        at = app.clock.now()
        first, second = await asyncio.gather(
            _marks.mark_helpful(
                app.db, Source(community_id, "x1", at, int(str(g1))), config, free[0]
            ),
            _marks.mark_helpful(
                other, Source(community_id, "x2", at, int(str(g2))), config, free[1]
            ),
        )
    finally:
        await other.close()
    assert sorted([first.points, second.points]) == [0, 10]
    assert await points(console, "bob") == 200
