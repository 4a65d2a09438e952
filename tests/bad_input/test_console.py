"""Hostile console lines: long waits, odd digits, bytes that aren't UTF-8, line separators
inside a message, and usage errors that name only the command typed (issue 15 points 1, 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.adapters.console.lines import Undecodable, from_text, split_script
from tests import queries as q
from tests.cli.test_main import ROOT, run_bot
from tests.fakes.console import ConsoleDriver, console_community


def errors(out: list[str]) -> list[str]:
    """The error lines among printed lines."""
    return [line for line in out if line.startswith("! line")]


def bot_says(out: list[str]) -> list[str]:
    """The bot's messages among printed lines (first line of each)."""
    return [line for line in out if " entraide: " in line]


@pytest.mark.parametrize("duration", ["99999999999d", "3000000d", "366d", "9" * 5000 + "s"])
async def test_a_wait_past_365_days_is_one_error_line_and_the_script_goes_on(
    console: ConsoleDriver, duration: str
) -> None:
    """The clock doesn't move, the line is named, and the next line plays."""
    before = console.app.clock.now()
    out = await console.feed(f"wait {duration}", "alice: still here?")
    assert errors(out) == [errors(out)[0]]
    assert errors(out)[0].startswith("! line 1: ")
    assert "365 days" in errors(out)[0]
    assert console.app.clock.now() == before
    assert "Question Q1 is open" in bot_says(out)[0]


async def test_a_wait_of_365_days_plays(console: ConsoleDriver) -> None:
    """The bound itself is allowed."""
    before = console.app.clock.now()
    out = await console.feed("wait 365d")
    assert errors(out) == []
    assert (console.app.clock.now() - before).days == 365


@pytest.mark.parametrize("duration", ["²m", "١٢m", "𝟗s", "٣d"])
async def test_a_wait_with_digits_that_are_not_ascii_is_our_own_message(
    console: ConsoleDriver, duration: str
) -> None:
    """Superscript, Arabic-Indic or mathematical digits: "is not a duration", with examples,
    never Python's "invalid literal for int()"."""
    before = console.app.clock.now()
    [line] = await console.feed(f"wait {duration}")
    assert line.startswith("! line 1: ")
    assert f'"{duration}" is not a duration' in line
    assert "20m" in line
    assert "int()" not in line
    assert console.app.clock.now() == before


def test_only_a_newline_ends_a_script_line() -> None:
    """Form feed, U+2028, U+2029, U+0085, a lone \\r and vertical tab are text; \\r\\n is one
    line end; a final newline starts no empty line."""
    text = "a\x0cb\u2028c\u2029d\u0085e\rf\x0bg"
    data = f"alice: {text}\r\nbob: hi\n".encode()
    assert split_script(data) == [f"alice: {text}", "bob: hi"]
    assert split_script(b"") == []
    assert split_script(b"\n\n") == ["", ""]


def test_bad_bytes_make_only_their_line_undecodable() -> None:
    """The first bad byte and its position (1-based) are kept for the error line."""
    lines = split_script(b"alice: hello \xff\xfe\nbob: fine\nc\xc3\n")
    assert lines == [Undecodable(0xFF, 14), "bob: fine", Undecodable(0xC3, 2)]
    # A line read as text with lone surrogates (undecodable bytes let through) is the same.
    assert from_text("alice: hello \udcff\udcfe") == Undecodable(0xFF, 14)
    assert isinstance(from_text("lone \ud800 surrogate"), Undecodable)


async def test_an_undecodable_line_is_one_error_line_naming_it(console: ConsoleDriver) -> None:
    """The line is skipped with an error naming it and the byte; the next plays."""
    out = await console.feed(*split_script(b"alice: hello \xff\xfe\nbob: how do I export?\n"))
    [error] = errors(out)
    assert error.startswith("! line 1: ")
    assert "UTF-8" in error
    assert "0xff" in error
    assert "M1 [#help] bob: how do I export?" in out
    assert await q.question_count(console.app.db) == 1


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x0c", "\r", "\x0b"])
async def test_a_message_with_a_line_separator_is_one_message_shown_escaped(
    console: ConsoleDriver, separator: str
) -> None:
    """The whole text is the question (stored as typed); the transcript shows the character
    as an escape, on the message's own line."""
    text = f"first part{separator}second part"
    out = await console.feed(f"alice: {text}")
    assert errors(out) == []
    post = out[0]
    assert post.startswith("M1 [#help] alice: first part\\")
    assert post.endswith("second part")
    assert separator not in "\n".join(out)
    assert await q.question_text(console.app.db) == text


async def test_terminal_escapes_in_a_message_are_shown_not_run(console: ConsoleDriver) -> None:
    """ESC sequences and bidirectional overrides never reach the terminal raw."""
    out = await console.feed("alice: red \x1b[31malert\x1b[0m and \u202eright-to-left")
    assert "\x1b" not in "\n".join(out)
    assert "\u202e" not in "\n".join(out)
    assert "red \\x1b[31malert\\x1b[0m and \\u202eright-to-left" in out[0]


def test_a_script_file_with_bad_bytes_plays_the_rest_and_exits_0(tmp_path: Path) -> None:
    """The issue's own case: exit code as for any script with bad lines (0), one error line
    naming line 1, the next line's question opened, no traceback."""
    script = tmp_path / "s.txt"
    script.write_bytes(b"alice: hello \xff\xfe\nbob: how do I export?\n")
    result = run_bot("run", "--console", "--script", str(script), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert errors(lines)[0].startswith("! line 1: this line is not valid UTF-8")
    assert "M1 [#help] bob: how do I export?" in lines
    assert "Question Q1 is open" in result.stdout


def test_the_same_bytes_on_stdin_play_the_same(tmp_path: Path) -> None:
    """Piped stdin: no UnicodeEncodeError, the question after the bad line is created; a
    U+2028 inside a message stays in it; no loading line on a pipe."""
    data = b"alice: hello \xff\xfe\nbob: one" + "\u2028".encode() + b"two\n"
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("ENTRAIDE_")}
    env |= {"HF_HUB_OFFLINE": "1", "ENTRAIDE_RETRIEVAL__DENSE": "false"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--console", "--db", str(tmp_path / "b.db")],
        cwd=ROOT,
        env=env,
        input=data,
        capture_output=True,
        timeout=300,  # a safety net for a loaded machine, not a timing goal
    )
    stdout, stderr = result.stdout.decode(), result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "Error" not in stderr
    lines = stdout.splitlines()
    assert errors(lines)[0].startswith("! line 1: this line is not valid UTF-8")
    assert "M1 [#help] bob: one\\u2028two" in lines
    assert "Question Q1 is open" in stdout
    assert "Loading" not in stdout + stderr


async def test_help_is_entraide_help(console: ConsoleDriver) -> None:
    """`/help` lists the commands, privately, like /entraide help."""
    out = await console.feed("alice /help")
    assert errors(out) == []
    [reply] = bot_says(out)
    assert reply.startswith("M1 (only alice) entraide: ")
    assert "/entraide help" in "\n".join(out)
    assert "/rep [MEMBER]" in "\n".join(out)


@pytest.mark.parametrize(
    ("line", "usage"),
    [
        ("alice /bounty 50", "/bounty AMOUNT Q3"),
        ("alice /unaccept", "/unaccept Q3"),
        ("alice /solved", "/solved Q3"),
    ],
)
async def test_a_thread_command_outside_a_thread_shows_its_own_usage(
    console: ConsoleDriver, line: str, usage: str
) -> None:
    """Outside a question thread: the command's own syntax, not another's (/solved Q3)."""
    out = await console.feed(line)
    [reply] = bot_says(out)
    assert "(only alice)" in reply
    assert usage in reply
    other = {"/bounty", "/unaccept", "/solved"} - {usage.split()[0]}
    assert not any(name in reply for name in other)


async def test_a_usage_error_shows_only_that_commands_syntax(console: ConsoleDriver) -> None:
    """`/rep adjust` without its options: its syntax, not every /rep subcommand's."""
    out = await console.feed("admin /rep adjust")
    [reply] = bot_says(out)
    assert "/rep adjust MEMBER AMOUNT REASON" in reply
    assert "/rep history" not in reply
    assert "/rep [MEMBER]" not in reply


async def test_rep_finds_a_member_known_to_the_database(tmp_path: Path) -> None:
    """uu2 spoke in an earlier session: /rep uu2 (and @uu2) shows their card; a name the
    database doesn't know is still "can't find"."""
    db_path = tmp_path / "entraide.db"
    async with console_community(db_path) as first:
        await first.feed("uu2: how do I export my data?", "bob reply Q1: use /privacy export")
        await first.feed("uu2 react ^bob ✅")
    async with console_community(db_path) as second:
        out = await second.feed("alice /rep uu2", "alice /rep @uu2", "alice /rep nobody")
    replies = bot_says(out)
    assert replies[0].startswith("M1 (only alice) entraide: @uu2: ")
    assert replies[1].startswith("M2 (only alice) entraide: @uu2: ")
    assert 'find the member "nobody"' in replies[2]


async def test_rep_adjust_finds_a_stored_member(tmp_path: Path) -> None:
    """Commands that name a member resolve stored members the same way."""
    db_path = tmp_path / "entraide.db"
    async with console_community(db_path) as first:
        await first.feed("uu2: hello")
    async with console_community(db_path) as second:
        out = await second.feed("admin /rep adjust uu2 5 welcome gift")
    assert "+5 points for @uu2" in "\n".join(out)
