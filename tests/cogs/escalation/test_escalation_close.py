"""The asker calls staff (Still need help, /staff), escalations close themselves with their
question and their card is edited in place, /escalations pages, replays change nothing."""

from __future__ import annotations

from bot.adapters.console.adapter import COMMUNITY
from bot.core.events import ButtonPressed, MessageDeleted
from bot.core.identity import Conversation, Member
from tests import queries as q
from tests.cogs.escalation.test_escalation import card_of, cards, staff
from tests.fakes.console import ConsoleDriver, Said, message


def buttons_of(console: ConsoleDriver, ref: str) -> list[str]:
    """The labels of the buttons a console message carries now."""
    return [b.label for b in console.adapter.state.messages[ref].buttons]


def intro_of(console: ConsoleDriver, ref: str) -> str:
    """The message id of a question's opening note."""
    return next(
        line.split()[0]
        for line in console.transcript
        if f"[#help › {ref}] entraide: Question {ref} is open" in line
    )


def requested(asker: str, ref: str, waited: int) -> str:
    """The card's headline when `asker` calls staff on `ref` after `waited` seconds."""
    return message("escalation.card_requested", asker=asker, ref=ref, waited=waited)


async def escalation(console: ConsoleDriver, number: int = 1) -> tuple[object, ...]:
    """(status, outcome, who closed it, claimed_at) of Q<number>'s escalation."""
    row = await q.escalation_of(console.app.db, number)
    assert row
    return row["status"], row["outcome"], row["closer"], row["claimed_at"]


async def test_still_need_help_comes_with_the_first_answer(console: ConsoleDriver) -> None:
    """The intro gets Still need help once answered; only the asker (or a moderator) may use
    it: others are told privately and nothing changes; the card says who asked and when."""
    await console.feed("dave: Why is my dashboard blank?")
    intro = intro_of(console, "Q1")
    assert buttons_of(console, intro) == ["Mark solved"]
    out = await console.feed("bob reply Q1: Try a refresh.")
    assert f"· entraide edited {intro}" in out
    assert buttons_of(console, intro) == ["Mark solved", "Still need help"]
    await console.feed("bob reply Q1: Or clear the cache.")  # one edit, at the first answer
    assert console.transcript.count(f"· entraide edited {intro}") == 1

    out = await console.feed("wait 2h5m", f"bob press {intro} Still need help")
    assert console.said(out[-1]) == Said("entraide", "only bob", ("dave",), ("Q1",))
    assert console.text(out[-1]) == message("escalation.not_asker", asker="dave", ref="Q1")
    assert await q.escalation_count(console.app.db) == 0

    out = await console.feed(f"dave press {intro} Still need help")
    assert cards(console, out) == [requested("dave", "Q1", (2 * 60 + 5) * 60)]
    assert console.said(out[-1]) == Said("entraide", "only dave", questions=("Q1",))
    assert console.text(out[-1]) == message("escalation.requested", ref="Q1")
    assert (await q.escalation_of(console.app.db))["reason"] == "asker"
    out = await console.feed(f"dave press {intro} Still need help")
    assert console.said(out[-1]) == Said("entraide", "only dave", questions=("Q1",))
    assert console.text(out[-1]) == message("escalation.already_with_staff", ref="Q1")
    assert len(cards(console, console.transcript)) == 1


async def test_still_need_help_in_the_accept_reminder(console: ConsoleDriver) -> None:
    """The day-later reminder DM carries the button too: one press, staff have it."""
    await console.feed(
        "alice: How do I export my data?", "bob reply Q1: Settings › Export.", "alice react ^bob ✅"
    )
    out = await console.feed("wait 24h")
    [reminder] = [line for line in out if "[DM → alice]" in line]
    assert reminder.endswith("[Still need help]")
    assert "/staff Q1" in reminder
    out = await console.feed("alice press ^entraide Still need help")
    assert cards(console, out) == [requested("alice", "Q1", 24 * 60 * 60)]


async def test_staff_command_in_the_thread_or_by_number(console: ConsoleDriver) -> None:
    """/staff in the thread or /staff Q3 from anywhere; a moderator may call for anyone;
    solved, unknown or missing questions get a clear answer and nothing changes."""
    await console.feed(
        "dave: Why is my dashboard blank?",
        "carol: How do I rename a project?",
        "alice: Where is the export?",
        "alice /solved Q3",
    )
    out = await console.feed("wait 10m", "dave in Q1 /staff")
    assert cards(console, out) == [requested("dave", "Q1", 10 * 60)]
    out = await console.feed("erin /staff Q2")
    assert cards(console, out) == [requested("erin", "Q2", 10 * 60)]
    out = await console.feed("alice /staff Q3", "alice /staff Q9", "alice /staff")
    assert console.facts([out[1], out[3], out[5]]) == [
        (
            Said("entraide", "only alice", questions=("Q3",)),
            message("escalation.already_solved", ref="Q3"),
        ),
        (
            Said("entraide", "only alice", questions=("Q9",)),
            message("questions.not_found", ref="Q9"),
        ),
        (
            Said("entraide", "only alice", questions=("Q3",)),
            message("escalation.which_question"),
        ),
    ]
    assert await q.escalation_count(console.app.db) == 2


async def test_an_accepted_answer_closes_the_escalation(console: ConsoleDriver) -> None:
    """Sensitive → card; the asker accepts an answer: the escalation is closed (solved, by
    dave), never claimed, and the card is edited in place without its buttons."""
    await console.feed("dave: I was charged twice, I need a refund")
    card = card_of(console, "Q1")
    await console.feed("bob reply Q1: Billing › Refunds, it takes a day.", "wait 7m")
    out = await console.feed("dave /accept ^bob", "erin /escalations")
    assert f"· entraide edited {card}" in out
    edited = out[out.index(f"· entraide edited {card}") + 1 :]
    assert edited[0].startswith(f"{card} ")
    assert console.said(edited[0]) == Said("entraide", "#staff", ("dave", "dave"), ("Q1", "Q1"))
    shown = console.text(card).split("\n")
    assert shown[0] == message("escalation.card_sensitive", ref="Q1")
    closed = message(
        "escalation.card_closed_solved",
        ref="Q1",
        how=message("escalation.how_community"),
        member="dave",
        after=7 * 60,
    )
    assert shown[-1] == closed
    assert buttons_of(console, card) == []
    assert await escalation(console) == ("closed", "solved", "dave", None)
    assert console.said(out[-1]) == Said("entraide", "only erin")
    assert console.text(out[-1]) == message("escalation.none_open")
    out = await console.feed(f"erin press {card} Claim")
    assert "no button" in out[-1]


async def test_a_claimed_escalation_closes_when_the_asker_marks_it_solved(
    console: ConsoleDriver,
) -> None:
    """Claim shows on the card, who and since when (no second Claim, Take over instead);
    Mark solved then closes it."""
    await console.feed("dave: Refund for my invoice please")
    card = card_of(console, "Q1")
    out = await console.feed("wait 7m", f"erin press {card} Claim")
    assert f"· entraide edited {card}" in out
    claimed = message("escalation.card_claimed", member="erin", after=7 * 60)
    assert console.text(card).split("\n")[-1] == claimed
    assert buttons_of(console, card) == ["Resolve", "Return to community", "Take over"]
    await console.feed(f"dave press {intro_of(console, 'Q1')} Mark solved")
    assert buttons_of(console, card) == []
    status, outcome, by, claimed_at = await escalation(console)
    assert (status, outcome, by) == ("closed", "solved", "dave")
    assert claimed_at is not None


async def test_staff_resolve_shows_on_the_card(console: ConsoleDriver) -> None:
    """Resolve: the card says who resolved it, and its buttons are gone."""
    await console.feed("dave: Refund for my invoice please")
    card = card_of(console, "Q1")
    out = await console.feed("wait 1h", f"erin press {card} Resolve")
    assert f"· entraide edited {card}" in out
    resolved = message("escalation.card_resolved", member="erin", after=60 * 60)
    assert console.text(card).split("\n")[-1] == resolved
    assert buttons_of(console, card) == []
    assert await escalation(console) == ("resolved", None, "erin", None)


async def test_closing_as_answered_closes_the_escalation(console: ConsoleDriver) -> None:
    """Answered, with staff, then quiet for 72 hours: closed as answered, and so is the
    escalation; its card says so."""
    await console.feed(
        "dave: Why is my dashboard blank?", "bob reply Q1: Try a refresh.", "dave in Q1 /staff"
    )
    card = card_of(console, "Q1")
    out = await console.feed("wait 72h")
    assert f"· entraide edited {card}" in out
    assert (
        "📁 Closed: Q1 was closed as answered after a quiet spell, 3 days after it came in."
        in "\n".join(out)
    )
    assert buttons_of(console, card) == []
    assert await escalation(console) == ("closed", "closed", None, None)


async def test_deleting_the_question_closes_the_escalation(console: ConsoleDriver) -> None:
    """The asker deletes the question: closed (deleted, by dave); the card says so."""
    await console.feed("dave: I was charged twice, refund?")
    card = card_of(console, "Q1")
    out = await console.feed("dave delete M1")
    deleted = message("escalation.card_closed_deleted", ref="Q1", member="dave", after=0)
    assert f"· entraide edited {card}" in out
    assert console.text(card).split("\n")[-1] == deleted
    assert buttons_of(console, card) == []
    assert await escalation(console) == ("closed", "deleted", "dave", None)
    out = await console.feed("dave /staff Q1")
    assert console.said(out[-1]) == Said("entraide", "only dave", questions=("Q1",))
    assert console.text(out[-1]) == message("questions.not_found", ref="Q1")
    assert await escalation(console) == ("closed", "deleted", "dave", None)


async def test_escalations_are_listed_ten_a_page(console: ConsoleDriver) -> None:
    """12 open escalations: oldest first, the total, the true waits, and how to see the rest."""
    for n in range(12):
        await console.feed(f"{('alice', 'bob', 'carol')[n % 3]}: Refund number {n + 1} please")
        await console.feed("wait 10m")
    await console.feed(f"erin press {card_of(console, 'Q12')} Claim")
    out = await console.feed("erin /escalations")
    first = [line.strip() for line in out if line.strip().startswith("•")]
    assert "(12 escalations)" in out[1]
    assert first[0] == "• Q1: waiting 2 h, unclaimed"
    assert [line.split(":")[0] for line in first] == [f"• Q{n}" for n in range(1, 11)]
    assert out[-1].strip() == "Page 1 of 2. Next: /escalations 2."
    out = await console.feed("erin /escalations 2")
    rest = [line.strip() for line in out if line.strip().startswith("•")]
    assert rest == ["• Q11: waiting 20 min, unclaimed", "• Q12: waiting 10 min, claimed by @erin"]
    assert out[-1].strip() == "Page 2 of 2."
    out = await console.feed("erin /escalations 3")
    assert console.said(out[-1]) == Said("entraide", "only erin")
    assert console.text(out[-1]) == message("escalation.list_no_page", page=3, total=12, pages=2)


async def test_a_replayed_event_changes_nothing_twice(console: ConsoleDriver) -> None:
    """The same Still need help press and the same deletion, delivered twice: one card, one
    closing, one edit."""
    await console.feed("dave: Why is my dashboard blank?", "bob reply Q1: Try a refresh.")
    intro = console.adapter.state.messages[intro_of(console, "Q1")]
    qid = await q.question_id(console.app.db)
    dave = Member("dave", "dave")
    press = ButtonPressed(
        event_id="replay.press",
        community=COMMUNITY,
        author=dave,
        at=console.app.clock.now(),
        conversation=Conversation("help", intro.thread_id),
        message_id=intro.platform_id,
        action="escalation.ask",
        value=str(qid),
    )
    root = console.adapter.state.messages["M1"]
    deleted = MessageDeleted(
        event_id="replay.delete",
        community=COMMUNITY,
        author=dave,
        at=console.app.clock.now(),
        conversation=Conversation("help"),
        message_id=root.platform_id,
    )
    assert await console.app.dispatch(press)
    assert not await console.app.dispatch(press)
    assert await console.app.dispatch(deleted)
    assert not await console.app.dispatch(deleted)
    text = "\n".join(console.transcript)
    assert len(cards(console, console.transcript)) == 1
    said = [sent for _, sent in console.facts(console.transcript)]
    assert said.count(message("escalation.requested", ref="Q1")) == 1
    assert text.count("🗑️ Closed: Q1") == 1
    assert len(staff(console.transcript)) == 2  # the card, and the card once edited
    assert text.count("· entraide edited M5") == 1
    assert await escalation(console) == ("closed", "deleted", "dave", None)
