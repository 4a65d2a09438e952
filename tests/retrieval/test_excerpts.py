"""Excerpts keep the command (issue 20): inline code and one-line code blocks survive
verbatim, as Markdown code, and an article whose first command comes late is excerpted
around the sentence that holds it."""

from __future__ import annotations

import re

import pytest

from bot.retrieval.articles import load_directory
from bot.retrieval.excerpts import excerpt
from bot.settings import project_dir

SHIPPED = {a.key: a for a in load_directory(project_dir("knowledge"))[0]}
# A fenced block: its opening line, its lines, its closing line.
FENCED = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```[ \t]*$", re.S | re.M)
INLINE = re.compile(r"`[^`\n]+`")


def command(body: str) -> str | None:
    """The article's first command as members should see it: its first inline code span,
    or a fenced block of one line written as inline code, whichever comes first."""

    def one_line(found: re.Match[str]) -> str:
        lines = [line.strip() for line in found.group(1).splitlines() if line.strip()]
        return f"`{lines[0]}`" if len(lines) == 1 else ""

    found = INLINE.search(FENCED.sub(one_line, body))
    return found.group() if found else None


WITH_COMMANDS = sorted(key for key, a in SHIPPED.items() if command(a.body))


def test_most_shipped_articles_hold_a_command() -> None:
    """The parametrised test below covers real articles in both languages."""
    assert len(WITH_COMMANDS) >= 50
    assert {key.split("/")[0] for key in WITH_COMMANDS} == {"en", "fr"}


@pytest.mark.parametrize("key", WITH_COMMANDS)
def test_the_excerpt_keeps_the_articles_first_command(key: str) -> None:
    """The first command shows verbatim, in backticks, whole; the excerpt stays one line of
    at most 180 characters."""
    shown = SHIPPED[key].excerpt()
    assert command(SHIPPED[key].body) in shown
    assert len(shown) <= 180
    assert "\n" not in shown
    assert shown.count("`") % 2 == 0  # no command cut in half


def test_a_one_line_code_block_reads_inline() -> None:
    """The privacy article: "Run: `/privacy export`. The bot sends you…", in both languages,
    where it read "Run: The bot sends you…"."""
    assert (
        SHIPPED["en/privacy-export"]
        .excerpt()
        .startswith("Run: `/privacy export`. The bot sends you, privately, a JSON file")
    )
    assert SHIPPED["fr/privacy-export"].excerpt().startswith("Lancez : `/privacy export`. Le bot")
    assert SHIPPED["en/privacy-forget"].excerpt().startswith("Run: `/privacy forget`. The bot")


def test_a_code_block_inside_a_sentence_stays_in_it() -> None:
    """The language article's block sits between "with:" and "and back with"."""
    assert (
        "An admin switches a community with: `/entraide config set language fr` and back with"
        in SHIPPED["en/language"].excerpt()
    )


def test_what_members_type_survives() -> None:
    """Underscores, Q<n> and #help, which read ENTRAIDECONFIG, dbpath, Q<n and help."""
    assert "`ENTRAIDE_CONFIG`" in SHIPPED["en/configuration-and-secrets"].excerpt()
    assert "(`db_path` under `[storage]`)" in SHIPPED["en/backups"].excerpt()
    assert "a number (Q<n>)" in SHIPPED["en/finding-my-old-question"].excerpt()
    assert "By default there is one, `#help`, and" in SHIPPED["en/help-channels"].excerpt()


def test_a_late_command_brings_its_sentence_after_the_first() -> None:
    """The reputation article names /rep in its last line: the excerpt is its first sentence,
    " … " and that line."""
    assert SHIPPED["en/reputation"].excerpt() == (
        'Reputation ("rep") counts how much you\'ve helped the community. … '
        "Check yours with `/rep`, and see the top helpers with `/leaderboard`."
    )


def test_a_command_at_the_end_of_a_long_sentence_comes_with_its_clause() -> None:
    """The nudges article names /expertise add at the end of a 200-character sentence."""
    assert (
        SHIPPED["en/nudges"]
        .excerpt()
        .startswith(
            "That was a nudge. …plus any topics they declared with `/expertise add`. Your profile"
        )
    )


def test_the_start_stays_when_it_holds_the_command() -> None:
    """Short bodies come whole; a body cut at 180 keeps its start, cut at a word with "…"."""
    assert excerpt("Open **Settings**, then run `/kb show x`.") == (
        "Open Settings, then run `/kb show x`."
    )
    long = "Run `/rep` first. " + "Then read the ranks page slowly. " * 10
    shown = excerpt(long)
    assert shown.startswith("Run `/rep` first. Then read")
    assert shown.endswith("…")
    assert len(shown) <= 180


def test_long_code_blocks_are_left_out_and_a_cut_never_halves_code() -> None:
    """A three-line block is dropped; a code span across the limit is left out whole."""
    text = "Steps:\n\n```\nmake\nmake test\nmake demo\n```\n\nRun `/a`. " + "x " * 80 + "`/b c d e`"
    shown = excerpt(text)
    assert shown.startswith("Steps: Run `/a`. x x")
    assert "make" not in shown
    assert "`/b" not in shown
    assert shown.endswith("x…")


def test_markup_goes_but_words_stay() -> None:
    """Bold, italics, links and list markers go; snake_case, 2*3 and a #channel stay."""
    text = (
        "# Title\n\nSee [the guide](https://x.org) and **`/rep history`**.\n\n"
        "- *one* item with snake_case\n- 2*3 in `#help`"
    )
    assert excerpt(text) == (
        "Title. See the guide and `/rep history`. one item with snake_case 2*3 in `#help`"
    )
