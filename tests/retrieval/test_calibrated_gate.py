"""The suggestion gate calibrated per language: French off-topic questions no longer get
confident wrong articles, and an admin's suggest_min_similarity still decides when set."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.ports import Embedder
from bot.retrieval import fusion, gate
from bot.settings import project_dir
from tests.fakes.console import console_community
from tests.fakes.settings import default_settings


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=200))
def test_at_most_five_percent_of_the_off_topic_scores_pass(scores: list[float]) -> None:
    """Whatever the scores, the threshold lets at most 5% of them through (unless a bound
    holds it), and stays within its bounds."""
    value, passing = gate.threshold(scores)
    assert gate.LOWEST <= value <= gate.HIGHEST
    assert passing == sum(s >= value for s in scores)
    if gate.LOWEST < value < gate.HIGHEST:
        assert passing <= gate.SHOWN_AT_MOST * len(scores)


def test_every_language_has_its_off_topic_questions() -> None:
    """At least 50 questions a language, none twice."""
    for language in ("en", "fr"):
        questions = gate.offtopic_questions(language)
        assert len(questions) >= 50
        assert len(set(questions)) == len(questions)


@pytest.mark.slow
async def test_french_off_topic_gets_nothing_and_the_admin_still_decides(
    warm_db: Path, real_embedder: Embedder
) -> None:
    """French is held to a higher gate than English (the model scores French higher
    whatever the topic): cancelling a subscription gets no article; an admin's 0.3 lets it
    through, and `auto` brings the calibrated gate back."""
    async with console_community(
        warm_db,
        settings=default_settings(),
        embedder=real_embedder,
        knowledge_dir=project_dir("knowledge"),
    ) as driver:
        kb = driver.app.knowledge
        french, english = kb.gate("fr"), kb.gate("en")
        assert french is not None
        assert english is not None
        assert french > english
        await driver.feed("admin /entraide config set language fr")
        out = await driver.feed("alice: comment résilier mon abonnement ?")
        assert not any("📚" in line for line in out)
        await driver.feed("admin /entraide config set suggest_min_similarity 0.3")
        out = await driver.feed("bob: comment résilier mon abonnement ?")
        assert any("📚" in line for line in out)
        await driver.feed("admin /entraide config set suggest_min_similarity auto")
        out = await driver.feed("carol: comment résilier mon abonnement ?")
        assert not any("📚" in line for line in out)
        out = await driver.feed("dave: Comment est-ce que je gagne des points de réputation ?")
        assert any("📚" in line for line in out)


def test_in_french_the_question_words_found_add_to_the_confidence() -> None:
    """Same cosine, one article holding all the question's words, one none: in French the
    first is surer (the model alone scores any French text high); in English they are
    equal; without the model the coverage alone counts."""
    assert fusion.confidence(0.6, 1.0, "fr") > fusion.confidence(0.6, 0.0, "fr") == 0.6
    assert fusion.confidence(0.6, 1.0, "en") == fusion.confidence(0.6, 0.0, "en") == 0.6
    assert fusion.confidence(None, 0.4, "fr") == 0.4


def test_the_calibration_is_redone_when_the_confidence_rule_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stored French gate was computed on the old scale: its signature no longer matches."""
    before = gate.signature("m", "fr", ["a"])
    monkeypatch.setitem(fusion.COVERAGE_IN_CONFIDENCE, "fr", 0.5)
    assert gate.signature("m", "fr", ["a"]) != before
