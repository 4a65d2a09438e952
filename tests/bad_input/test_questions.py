"""Empty questions: only whitespace and invisible characters is no question at all."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cogs.questions._logic import is_blank
from tests import queries as q
from tests.fakes.console import ConsoleDriver

BLANKS = [
    "\u200b",  # zero-width space
    "\u200c\u200d",  # ZWNJ, ZWJ
    "\u2060",  # word joiner
    "\ufeff",  # BOM
    "\u200e\u200f",  # direction marks
    "\u00a0\u3000\u2003",  # no-break, ideographic and em spaces
    " \u200b\t \u200b ",
    "\u3164",  # Hangul filler, drawn blank
    "\u2800",  # blank Braille cell
]


async def questions(console: ConsoleDriver) -> object:
    """How many questions the community has."""
    return await q.question_count(console.app.db)


@pytest.mark.parametrize("text", BLANKS)
async def test_a_blank_post_is_not_a_question_and_nothing_follows(
    console: ConsoleDriver, text: str
) -> None:
    """Silently left alone (a public reply would be noise in #help): no question, no thread,
    and an hour later no nudge and no escalation."""
    out = await console.feed(f"alice: {text}")
    assert [line for line in out if "entraide:" in line] == []
    out = await console.feed("wait 1h")
    assert [line for line in out if "entraide:" in line] == []
    assert await questions(console) == 0
    assert await q.escalation_count(console.app.db) == 0


async def test_a_question_with_invisible_characters_around_words_is_a_question(
    console: ConsoleDriver,
) -> None:
    """Words with a zero-width space pasted in are still a question."""
    out = await console.feed("alice: \u200bHow do I export?\u200b")
    assert "Question Q1 is open" in "\n".join(out)
    assert await questions(console) == 1


@pytest.mark.parametrize("text", ["\u200b", "\u2060 \ufeff"])
async def test_a_blank_ask_is_refused_privately(console: ConsoleDriver, text: str) -> None:
    """/ask with nothing to read: a private note to the asker saying how to ask, nothing
    posted in #help, no question."""
    out = await console.feed(f"alice /ask {text}")
    said = [line for line in out if "entraide:" in line]
    assert len(said) == 1
    assert "(only alice)" in said[0]
    assert "empty" in said[0]
    assert "/ask" in said[0]
    assert await questions(console) == 0


@given(st.text(st.sampled_from("".join(BLANKS) + " \t\n\r\x0b\x0c\u2028\u2029\u0085")))
def test_only_invisible_characters_is_blank(text: str) -> None:
    """Any mix of whitespace and invisible characters is blank."""
    assert is_blank(text)


@given(st.text(), st.sampled_from("a?é7漢🙂"), st.text())
def test_one_visible_character_makes_a_text(before: str, visible: str, after: str) -> None:
    """One letter, digit, mark of punctuation or emoji anywhere: not blank."""
    assert not is_blank(before + visible + after)
