"""Trailing optional options may come in any order: each word goes to the strictest option
that takes it (`/questions 2`, `/questions #help open 2`)."""

from __future__ import annotations

import pytest

from bot.core.commands import ArgumentError, CommandSpec, Option, parse_options

SPEC = CommandSpec(
    "questions",
    (
        Option("filter", "choice", required=False, choices=("unanswered", "open", "mine")),
        Option("channel", "channel", required=False),
        Option("page", "int", required=False),
    ),
)


class Loose:
    """A resolver that, like Slack's, takes any plain word as a channel name."""

    def member(self, token: str) -> str | None:
        """No members here."""
        return None

    def channel(self, token: str) -> str | None:
        """'#help' and 'help' (and '2') all look like channel names."""
        return token.removeprefix("#")

    def message(self, token: str) -> str | None:
        """No messages here."""
        return None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("open", {"filter": "open"}),
        ("2", {"page": 2}),
        ("unanswered 2", {"filter": "unanswered", "page": 2}),
        ("#help", {"channel": "help"}),
        ("open #help 3", {"filter": "open", "channel": "help", "page": 3}),
        ("3 #help open", {"filter": "open", "channel": "help", "page": 3}),
        ("#help 2", {"channel": "help", "page": 2}),
    ],
)
def test_words_find_their_option(text: str, expected: dict[str, object]) -> None:
    """A number is a page before it is a channel name; a choice before anything else."""
    assert parse_options(SPEC, text, Loose()) == expected


class Strict(Loose):
    """A resolver that knows only #help (as the console does)."""

    def channel(self, token: str) -> str | None:
        """Only #help."""
        return "help" if token.removeprefix("#") == "help" else None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("nosuch", "error.bad_choice"),  # the filter comes first: its error lists the choices
        ("open nosuch", "error.unknown_channel"),  # then the channel, before the page
        ("open #help nosuch", "error.not_a_number"),
        ("open #help 2 3", "error.extra_arguments"),
        ("open mine", "error.unknown_channel"),  # one filter only
    ],
)
def test_a_word_no_open_option_takes_gets_the_first_ones_error(text: str, key: str) -> None:
    """The error of the first open option, in declared order, names the problem."""
    with pytest.raises(ArgumentError) as raised:
        parse_options(SPEC, text, Strict())
    assert raised.value.key == key


def test_required_options_stay_positional() -> None:
    """Only a run of two or more trailing optional options is order-free."""
    spec = CommandSpec("bounty", (Option("amount", "int"), Option("question", "question", False)))
    assert parse_options(spec, "50 Q3", Strict()) == {"amount": 50, "question": 3}
    with pytest.raises(ArgumentError) as raised:
        parse_options(spec, "Q3 50", Strict())
    assert raised.value.key == "error.not_a_number"
