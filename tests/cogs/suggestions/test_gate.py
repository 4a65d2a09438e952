"""The suggestion gate decides on the ranking: the first result says whether anything is
shown, then the next ones follow in rank order until a clear drop; never a lower-ranked
article shown while a higher one is hidden."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cogs.suggestions._logic import CLEAR_DROP, in_rank_order
from bot.core.ports import Embedder
from bot.settings import project_dir
from bot.storage import knowledge
from tests.fakes.console import console_community


@dataclass(frozen=True)
class Result:
    """A ranked result as the gate sees it."""

    rank: int
    confidence: float


@given(
    confidences=st.lists(st.floats(0.0, 1.0), max_size=8),
    floor=st.floats(0.0, 1.0),
    most=st.integers(1, 3),
)
def test_what_is_shown_is_always_the_top_of_the_ranking(
    confidences: list[float], floor: float, most: int
) -> None:
    """Whatever the scores: a prefix of the ranking, empty exactly when the first result is
    under the floor, at most `most`, each shown one within the clear drop of the first."""
    ranked = [Result(n, c) for n, c in enumerate(confidences)]
    shown = in_rank_order(ranked, lambda _: floor, most)
    assert shown == ranked[: len(shown)]
    assert len(shown) <= most
    assert (not shown) == (not ranked or ranked[0].confidence < floor)
    assert all(r.confidence >= ranked[0].confidence - CLEAR_DROP for r in shown)
    if shown and len(shown) < min(most, len(ranked)):
        assert ranked[len(shown)].confidence < ranked[0].confidence - CLEAR_DROP


def test_a_better_scored_article_further_down_does_not_jump_the_queue() -> None:
    """First ranked 0.55 (under the 0.6 floor), second 0.62: nothing is shown, rather than
    the second while hiding the first."""
    assert in_rank_order([Result(0, 0.55), Result(1, 0.62)], lambda _: 0.6, 3) == []
    shown = in_rank_order([Result(0, 0.7), Result(1, 0.55), Result(2, 0.66)], lambda _: 0.6, 3)
    assert [r.rank for r in shown] == [0]  # 0.55 is a clear drop: 0.66 below it stays hidden


@pytest.mark.slow
async def test_members_see_the_top_of_the_ranking_with_the_real_model(
    warm_db: Path, real_embedder: Embedder
) -> None:
    """Questions about the bot itself, the real model and the shipped articles: what each
    question's suggestion lists is the start of the knowledge base's ranking for it."""
    questions = [
        "I posted five minutes ago and the bot suggested nothing",
        "how do I stop the bot from pinging me about questions?",
        "can I see how many points I have?",
        "who can change the staff channel?",
        "why didn't anyone answer my question",  # ranked 0.66, 0.61, then 0.74
        "how do I reopen my question",  # ranked 0.63, then 0.76
    ]
    async with console_community(
        warm_db, embedder=real_embedder, knowledge_dir=project_dir("knowledge")
    ) as driver:
        await driver.feed(*(f"member{n}: {text}" for n, text in enumerate(questions)))
        for number, text in enumerate(questions, start=1):
            ranked = await driver.app.knowledge.search(text, "en", limit=3)
            async with driver.app.db.read() as conn:
                shown = await knowledge.shown_for(conn, number)
            listed = list(shown.articles) if shown is not None else []
            assert listed == [hit.article.key for hit in ranked][: len(listed)], text
