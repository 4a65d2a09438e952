"""Counts and durations read as people say them, in both catalogues."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.locales import LANGUAGES, Messages, load_catalogue
from bot.settings.config_formats import DEFAULT_RANKS, parse_ranks, rank_message_key

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


# A number said with its unit in the template ("{n} minutes", "{x} min", "encore {n} points"):
# wrong for 1 (or 0 in French), and a raw minute count for a wait of days. Units are words
# of either catalogue; single letters only when no letter or apostrophe follows ("{n} h").
_UNITS = (
    "minutes?|min|hours?|days?|seconds?|questions?|answers?|points?|members?|articles?"
    "|characters?|topics?|nudges?|escalations?|marks?|helpful marks?|times?|weeks?|months?"
    "|jours?|heures?|secondes?|réponses?|membres?|caractères?|sujets?|marques?|fois"
    "|sollicitations?|escalades?|semaines?|mois|h|d|j|s"
)
BARE_COUNT = re.compile(
    r"\{[^{}:!]*\}\s+(?:(?:more|different|de plus|différents?)\s+)*"
    rf"(?:{_UNITS})(?![\w'’])",
    re.IGNORECASE,
)
# The formatter's own tables define the forms themselves.
FORM_TABLES = ("units.", "duration.")


def test_bare_count_pattern_catches_what_it_should() -> None:
    """The check below finds the bugs of issue 13 and lets the fixed forms through."""
    for bad in (
        "after {minutes} minutes",
        "waiting {m} min",
        "({asked} questions here)",
        "encore {missing} points pour",
        "{x} more points",
        "depuis {h} heures",
    ):
        assert BARE_COUNT.search(bad), bad
    for good in (
        "after {w:duration}",
        "({asked:count:question} here)",
        "{ref} is solved",
        "<@{member}> s'occupe de {ref}",
        "the {amount}-point bounty",
        "{n}× “{x}”",
    ):
        assert not BARE_COUNT.search(good), good


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_template_says_a_count_or_a_duration_with_a_bare_placeholder(language: str) -> None:
    """Counts go through {n:count:UNIT} and waits through {x:duration}, in both catalogues."""
    bare = {
        key: template
        for key, template in load_catalogue(language).items()
        if not key.startswith(FORM_TABLES) and BARE_COUNT.search(template)
    }
    assert bare == {}


def test_every_default_rank_name_is_translated() -> None:
    """Newcomer … Superfan each have a catalogue name in both files (French ones French)."""
    english, french = load_catalogue("en"), load_catalogue("fr")
    for rank in parse_ranks(DEFAULT_RANKS):
        key = rank_message_key(rank.name)
        assert key is not None, rank.name
        assert english[key] == rank.name
        assert french[key], rank.name
    assert [french[f"ranks.{n}"] for n in ("newcomer", "helper", "contributor")] == [
        "Nouveau venu",
        "Entraidant",
        "Contributeur",
    ]
    assert rank_message_key("Guru") is None  # an admin's own name is shown as configured
