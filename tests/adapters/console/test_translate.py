"""The console script syntax (a public interface): each line form parses to its action."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.console.translate import Action, is_blank_or_comment, parse_line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("alice: How do I reset?", Action("post", name="alice", text="How do I reset?")),
        ("alice in #general: hi", Action("post", name="alice", channel="general", text="hi")),
        ("bob reply Q1: try this", Action("reply", name="bob", ref="Q1", text="try this")),
        ("bob reply ^alice: ok", Action("reply", name="bob", ref="^alice", text="ok")),
        ("carol react M3 ✅", Action("react", name="carol", ref="M3", emoji="✅")),
        ("carol unreact ^bob ✅", Action("unreact", name="carol", ref="^bob", emoji="✅")),
        (
            "alice press M4 This solved it",
            Action("press", name="alice", ref="M4", label="This solved it"),
        ),
        ("alice edit M1: new text", Action("edit", name="alice", ref="M1", text="new text")),
        ("alice delete M1", Action("delete", name="alice", ref="M1")),
        (
            "admin /entraide config show",
            Action("command", name="admin", text="/entraide config show"),
        ),
        ("alice in Q1 /solved", Action("command", name="alice", ref="Q1", text="/solved")),
        (
            "alice in #general /ask hi",
            Action("command", name="alice", channel="general", text="/ask hi"),
        ),
        ("wait 20m", Action("wait", duration="20m")),
        ("  alice:   spaced  ", Action("post", name="alice", text="  spaced")),
    ],
)
def test_each_line_form_parses(line: str, expected: Action) -> None:
    """Every documented action form gives the documented action."""
    assert parse_line(line) == expected


@pytest.mark.parametrize("line", ["", "   ", "# a comment", "   # indented comment"])
def test_blank_and_comment_lines_do_nothing(line: str) -> None:
    """Blank lines and '#' comments are skipped."""
    assert is_blank_or_comment(line)


def test_a_hash_inside_a_message_is_not_a_comment() -> None:
    """Only a leading '#' starts a comment, so channel names and hashtags survive."""
    assert not is_blank_or_comment("alice in #general: see #42")
    assert parse_line("alice in #general: see #42") == Action(
        "post", name="alice", channel="general", text="see #42"
    )


@pytest.mark.parametrize(
    "line", ["hello there", "alice react M3", "wait", "alice press M4", "@: x"]
)
def test_unreadable_lines_parse_to_nothing(line: str) -> None:
    """Lines that match no form are rejected (the console reports them)."""
    assert parse_line(line) is None


@given(st.text(max_size=300))
def test_parser_never_crashes(line: str) -> None:
    """Any text either parses to an action or to None."""
    result = parse_line(line)
    assert result is None or isinstance(result, Action)
