"""Excerpts and pieces: any text fits a platform's limits, cut at a word with "…", and a text
that fits in the pieces allowed loses nothing but whitespace."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.limits import ELLIPSIS, FENCE, excerpt, markdown_pieces, pieces

WORDS = st.sampled_from(
    [
        "word",
        "<@123456>",
        "[the guide](https://docs.example.org/a b)",
        "https://x.org/long/path",
        "&lt;",
        "é",
        "🙂",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\t",
        "x" * 50,
        "\u2028",
        "<@",
    ]
)
TEXTS = st.one_of(st.text(max_size=3000), st.lists(WORDS, max_size=400).map("".join))


def visible(text: str) -> str:
    """The text without its whitespace: what must survive a split."""
    return re.sub(r"\s+", "", text)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=2, max_value=400), st.none() | st.integers(1, 5))
def test_any_text_fits_in_the_pieces_allowed(text: str, limit: int, most: int | None) -> None:
    """Every piece within the limit, never more than allowed; nothing but whitespace lost
    unless the text had to be cut, and then the last piece says so with "…"."""
    found = pieces(text, limit, most)
    assert found
    assert all(len(piece) <= limit for piece in found)
    if most is not None:
        assert len(found) <= most
    if visible("".join(found)) != visible(text):
        assert most is not None
        assert len(found) == most
        assert found[-1].endswith(ELLIPSIS)
        assert len(pieces(text, limit)) > most


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=1, max_value=400))
def test_an_excerpt_fits_and_is_the_start_of_the_text(text: str, limit: int) -> None:
    """At most `limit` characters; what it keeps is the start of the text."""
    short = excerpt(text, limit)
    assert len(short) <= limit
    if short != text:
        assert short.endswith(ELLIPSIS)
        assert text.startswith(short.removesuffix(ELLIPSIS))


def test_an_excerpt_ends_at_a_word() -> None:
    """Cut between words, not inside one."""
    assert excerpt("the quick brown fox jumps", 14) == "the quick…"


def test_an_excerpt_never_cuts_a_mention_or_a_link() -> None:
    """A mention or a link that doesn't fit is left out whole."""
    assert excerpt("thanks <@123456789012345678> for this", 20) == "thanks…"
    shown = excerpt("read https://docs.example.org/a/very/long/page/indeed now", 40)
    assert shown == "read…"
    linked = excerpt("see [the install guide](https://docs.example.org/install) please", 40)
    assert linked == "see…"


def test_pieces_break_at_paragraphs_then_lines_then_words() -> None:
    """A paragraph break in the second half of the room is where a piece ends."""
    text = "a" * 60 + "\n\n" + "b " * 40 + "\n" + "c" * 30
    first, *_ = pieces(text, 100)
    assert first == "a" * 60
    lines = "\n".join(f"line {n} " + "x" * 20 for n in range(20))
    assert all(p.startswith("line ") for p in pieces(lines, 100))


def test_a_text_without_spaces_is_cut_hard() -> None:
    """One long word is still cut to the limit."""
    assert pieces("y" * 4500, 2000) == ["y" * 2000, "y" * 2000, "y" * 500]
    assert pieces("y" * 4500, 2000, 2) == ["y" * 2000, "y" * 1999 + ELLIPSIS]


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=20, max_value=400), st.none() | st.integers(1, 5))
def test_markdown_pieces_keep_code_blocks_whole(text: str, limit: int, most: int | None) -> None:
    """Within the limit, and every piece opens as many code blocks as it closes."""
    found = markdown_pieces(text, limit, most)
    assert all(len(piece) <= limit for piece in found)
    if most is not None:
        assert len(found) <= most
    assert all(piece.count(FENCE) % 2 == 0 for piece in found[:-1])


def test_a_code_block_split_between_messages_is_closed_and_reopened() -> None:
    """The first message closes the block, the second reopens it."""
    text = "Run this:\n```\n" + "\n".join(f"step {n}" for n in range(40)) + "\n```\nDone."
    first, second = markdown_pieces(text, 200)[:2]
    assert first.endswith("\n```")
    assert second.startswith("```\n")
