"""Marks read back from a platform (MarksSeen): reputation gives or takes back the difference."""

from __future__ import annotations

from bot.adapters.console.resolver import COMMUNITY
from bot.cogs.reputation._rules import MarkDifference, mark_difference
from bot.core.events import MarksSeen
from bot.core.identity import Conversation, Member
from tests.cogs.reputation.test_reputation import points
from tests.fakes.console import ConsoleDriver

BOT = Member("entraide", "entraide", is_bot=True)


def test_new_reactions_are_given_and_vanished_ones_taken_back() -> None:
    """Reacting without a mark → give (in id order); a mark whose giver left → take back."""
    assert mark_difference(["dave", "carol"], ["erin", "carol", "bob"]) == MarkDifference(
        give=("dave",), take_back=("erin", "bob")
    )
    assert mark_difference(["zoe", "amy"], []) == MarkDifference(("amy", "zoe"), ())
    assert mark_difference([], ["erin", "bob"]) == MarkDifference((), ("erin", "bob"))


def test_marks_that_match_the_reactions_change_nothing() -> None:
    """Already right, in any order: nothing to send."""
    assert mark_difference(["bob", "carol"], ["carol", "bob"]) == MarkDifference((), ())
    assert mark_difference([], []) == MarkDifference((), ())


async def _seen(
    console: ConsoleDriver, reading: str, *members: str, emoji: str = "✅"
) -> MarksSeen:
    """Dispatch who reacts on bob's latest message now, as a platform's sweep would."""
    answer = [m for m in console.adapter.state.messages.values() if m.author == "bob"][-1]
    event = MarksSeen(
        event_id=f"console:sweep:{reading}:{answer.platform_id}",
        community=COMMUNITY,
        author=BOT,
        at=console.app.clock.now(),
        conversation=Conversation(answer.channel, answer.thread_id),
        message_id=answer.platform_id,
        emoji=emoji,
        members=tuple(Member(name, name) for name in members),
        message_author_id="bob",
    )
    assert await console.app.dispatch(event)
    return event


async def test_a_reading_gives_and_takes_back_marks_once(console: ConsoleDriver) -> None:
    """carol's live ✅ gone, dave's new one seen: bob loses carol's 10 and gains dave's."""
    await console.feed(
        "alice: How do I export?", "bob reply Q1: Settings › Export.", "carol react ^bob ✅"
    )
    assert await points(console, "bob") == 10
    seen = await _seen(console, "1", "dave")
    assert (seen.counts.added, seen.counts.removed) == (1, 1)
    assert await points(console, "bob") == 10
    assert await points(console, "carol") == 0
    again = await _seen(console, "2", "dave")  # the next reading finds nothing to change
    assert (again.counts.added, again.counts.removed) == (0, 0)
    gone = await _seen(console, "3")
    assert (gone.counts.added, gone.counts.removed) == (0, 1)
    assert await points(console, "bob") == 0


async def test_a_reading_on_a_question_or_another_emoji_changes_nothing(
    console: ConsoleDriver,
) -> None:
    """Only answers carry marks, and only the community's helpful emoji makes one."""
    await console.feed("alice: How do I export?", "bob: Can I change my avatar?")
    seen = await _seen(console, "1", "carol")  # bob's message is a question, not an answer
    assert (seen.counts.added, seen.counts.removed) == (0, 0)
    await console.feed("carol reply Q2: Profile › Avatar.", "bob reply Q1: Settings › Export.")
    thumbs = await _seen(console, "2", "dave", emoji="👍")
    assert (thumbs.counts.added, thumbs.counts.removed) == (0, 0)
    assert await points(console, "bob") == 0
