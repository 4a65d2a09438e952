"""Counts and durations read as people say them, in both catalogues."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.locales import LANGUAGES, Messages, load_catalogue

MESSAGES = Messages()


@pytest.mark.parametrize(
    ("span", "english", "french"),
    [
        (timedelta(seconds=40), "less than a minute", "moins d'une minute"),
        (timedelta(minutes=12), "12 min", "12 min"),
        (timedelta(hours=2, minutes=5), "2 h 5 min", "2 h 5 min"),
        (timedelta(hours=2), "2 h", "2 h"),
        (timedelta(days=1, hours=3, minutes=59), "1 day 3 h", "1 jour 3 h"),
        (timedelta(days=1, minutes=20), "1 day", "1 jour"),
        (timedelta(minutes=5760), "4 days", "4 jours"),
        (timedelta(minutes=9335), "6 days", "6 jours"),
    ],
)
def test_a_wait_reads_in_days_hours_and_minutes(span: timedelta, english: str, french: str) -> None:
    """'unsolved after 5760 minutes' becomes '4 days'; never rounded up."""
    assert MESSAGES.duration("en", span.total_seconds()) == english
    assert MESSAGES.duration("fr", span.total_seconds()) == french


def test_plural_forms_follow_each_language() -> None:
    """English: 1 question, 0 questions; French: 0 question, 1 question, 2 questions."""
    assert [MESSAGES.count("en", n, "question") for n in (0, 1, 2)] == [
        "0 questions",
        "1 question",
        "2 questions",
    ]
    assert [MESSAGES.count("fr", n, "question") for n in (0, 1, 2)] == [
        "0 question",
        "1 question",
        "2 questions",
    ]
    assert MESSAGES.count("fr", 3, "day") == "3 jours"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_unit_a_message_counts_has_both_forms(language: str) -> None:
    """A template's {n:count:UNIT} always finds 'one' and 'other' forms for UNIT."""
    catalogue = load_catalogue(language)
    used = {
        unit
        for template in catalogue.values()
        for unit in re.findall(r"\{\w+:count:(\w+)\}", template)
    }
    for unit in used | {"day"}:
        assert f"units.{unit}.one" in catalogue, unit
        assert f"units.{unit}.other" in catalogue, unit


def test_a_template_can_say_a_count_and_a_duration() -> None:
    """The specs work inside any message, beside ordinary placeholders."""
    formatter = MESSAGES._formatters["fr"]
    text = formatter.format(
        "{ref} attend depuis {w:duration} ({n:count:answer})",
        ref="Q3",
        w=timedelta(days=3, hours=1),
        n=1,
    )
    assert text == "Q3 attend depuis 3 jours (1 réponse)"
