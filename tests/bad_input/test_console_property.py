"""10,000 random console lines, no traceback: each plays, or prints exactly one error line."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.console.lines import ScriptLine, decode_line
from tests.fakes.console import ConsoleDriver, console_community

EXAMPLES = 100
LINES = 100  # per example: 10,000 lines in all

NAMES = ["alice", "bob", "carol", "erin", "admin", "uu2", "entraide", "x" * 40]
PREFIXES = [
    "/",
    "wait ",
    "wait 1",
    "NAME: ",
    "NAME /",
    "NAME in #help: ",
    "NAME in #staff /",
    "NAME in Q1 /",
    "NAME reply Q1: ",
    "NAME reply M2: ",
    "NAME react M1 ",
    "NAME unreact ^bob ",
    "NAME press ^entraide ",
    "NAME edit M1: ",
    "NAME delete M",
    "# ",
]
COMMANDS = [
    "ask",
    "solved",
    "accept",
    "unaccept",
    "helpful",
    "bounty",
    "rep",
    "rep adjust",
    "rep history",
    "help",
    "leaderboard",
    "questions",
    "staff",
    "escalations",
    "kb search",
    "kb show",
    "kb post",
    "nudges",
    "expertise add",
    "privacy export",
    "entraide config set",
    "entraide config show",
    "entraide channels add-help",
]
WAITS = ["wait 20m", "wait 2h", "wait 1d", "wait 0s", "wait 1h30m"]

anything = st.text(max_size=300)  # any Unicode but lone surrogates: controls, separators …
long_line = st.builds(lambda ch, n: ch * n, st.characters(), st.integers(3_990, 5_000))
prefixed = st.builds(
    lambda prefix, name, rest: prefix.replace("NAME", name) + rest,
    st.sampled_from(PREFIXES),
    st.sampled_from(NAMES),
    anything,
)
command = st.builds(
    lambda name, who, args: f"{who} /{name} {args}",
    st.sampled_from(COMMANDS),
    st.sampled_from(NAMES),
    st.one_of(anything, st.sampled_from(["Q1", "M1", "^bob", "@uu2", "50 Q1", "bob 5 why"])),
)
raw = st.binary(max_size=200).map(decode_line)  # bytes as a script file holds them
line = st.one_of(
    anything, prefixed, command, command, st.sampled_from(WAITS), long_line, raw, st.just("")
)


class Errors(logging.Handler):
    """Collects what the bot logged as an error (a handler that failed)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def play(bot: ConsoleDriver, lines: list[ScriptLine]) -> None:
    """Each line: played (no error line) or refused with exactly one `! line N:` line."""
    for text in lines:
        bot.line_number += 1
        before = len(bot.transcript)
        played = await bot.adapter.feed(text, bot.line_number)
        printed = bot.transcript[before:]
        errors = [out for out in printed if out.startswith("! line")]
        if played:
            assert errors == [], (text, printed)
        else:
            assert len(printed) == 1, (text, printed)
            assert printed[0].startswith(f"! line {bot.line_number}: "), (text, printed)


def test_random_lines_never_raise() -> None:
    """100 scripts of 100 lines on one community (a real SQLite file, no model)."""
    loop = asyncio.new_event_loop()
    errors = Errors()
    logging.getLogger("bot").addHandler(errors)
    with tempfile.TemporaryDirectory() as tmp:
        context = console_community(Path(tmp) / "entraide.db", embedder=None)
        bot = loop.run_until_complete(context.__aenter__())
        try:

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(st.lists(line, min_size=LINES, max_size=LINES))
            def script(lines: list[ScriptLine]) -> None:
                loop.run_until_complete(play(bot, lines))

            script()
        finally:
            loop.run_until_complete(context.__aexit__(None, None, None))
            loop.close()
            logging.getLogger("bot").removeHandler(errors)
    assert [r.getMessage() for r in errors.records] == []
