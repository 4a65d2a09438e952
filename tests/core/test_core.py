"""Core pieces other features build on: button ids, the driven clock, durations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.clock import Clock, parse_duration
from bot.core.identity import Conversation
from bot.core.replies import Button, parse_custom_id


def test_button_custom_ids_round_trip() -> None:
    """A button's stable id decodes back to its action and value; foreign ids are ignored."""
    button = Button("Mark solved", "question.solve", "42")
    assert button.custom_id == "entraide:question.solve:42"
    assert parse_custom_id(button.custom_id) == ("question.solve", "42")
    assert parse_custom_id("someone-else:thing") is None


async def test_advancing_the_clock_tells_listeners_the_new_time() -> None:
    """Timers hook on_advance; a frozen clock only moves when told, never backwards."""
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    clock = Clock(start, frozen=True)
    seen: list[datetime] = []

    async def listener(now: datetime) -> None:
        seen.append(now)

    clock.on_advance(listener)
    await clock.advance(timedelta(minutes=20))
    assert seen == [start + timedelta(minutes=20)]
    assert clock.now() == start + timedelta(minutes=20)
    with pytest.raises(ValueError, match="forward"):
        await clock.advance(timedelta(seconds=-1))


@pytest.mark.parametrize(
    ("text", "minutes"), [("90s", 1.5), ("20m", 20), ("2h", 120), ("1d", 1440), ("1h30m", 90)]
)
def test_durations(text: str, minutes: float) -> None:
    """The units the console's `wait` and the settings accept."""
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "m", "20", "5x", "-3m"])
def test_bad_durations_are_refused(text: str) -> None:
    """Anything else is a clear error."""
    with pytest.raises(ValueError, match="bad duration"):
        parse_duration(text)


def test_a_conversation_is_in_channels_named_by_id_mention_or_name() -> None:
    """Settings may list a channel by id, <#id> or name; a thread belongs to its channel."""
    help_thread = Conversation("900", channel_name="help").in_thread("901")
    assert help_thread.is_in(["900"])
    assert help_thread.is_in(["<#900>"])
    assert help_thread.is_in(["help"])
    assert help_thread.is_in(["#help"])
    assert not help_thread.is_in(["general", "901"])
    assert not Conversation("900").is_in(["help"])  # no name known: ids only
    assert Conversation("900", channel_name="help") == Conversation("900")  # names don't count
