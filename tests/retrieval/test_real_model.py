"""The shipped knowledge base with the real model: what members actually get."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.core.ports import Embedder
from bot.retrieval.embedder import SentenceEmbedder
from bot.settings import project_dir
from tests.fakes.console import console_community

pytestmark = pytest.mark.slow


async def test_members_get_the_right_article_and_silence_off_topic(
    warm_db: Path, real_embedder: Embedder
) -> None:
    """A question about points gets the reputation article; an off-topic one gets nothing."""
    async with console_community(
        warm_db, embedder=real_embedder, knowledge_dir=project_dir("knowledge")
    ) as driver:
        out = await driver.feed(
            "alice: How can I earn reputation points?",
            "bob: What's the best pizza place near the office?",
        )
    text = "\n".join(out)
    assert "1. **How do reputation points work?**" in text
    assert text.count("📚") == 1


async def test_a_french_community_gets_the_french_article(
    warm_db: Path, real_embedder: Embedder
) -> None:
    """In French, the French translation is suggested, with French buttons."""
    async with console_community(
        warm_db, embedder=real_embedder, knowledge_dir=project_dir("knowledge")
    ) as driver:
        await driver.feed("admin /entraide config set language fr")
        out = await driver.feed("alice: Comment est-ce que je gagne des points de réputation ?")
    text = "\n".join(out)
    assert "📚 Ces articles répondent peut-être à Q1 :" in text
    assert "Comment fonctionnent les points de réputation ?" in text
    assert "[Pas utile]" in text


async def test_hybrid_ranking_beats_each_half_on_paraphrases(
    warm_db: Path, real_embedder: Embedder
) -> None:
    """On member-style paraphrases of the shipped KB, hybrid top-1 is at least as good as
    dense alone and better than BM25 alone."""
    paraphrases = {
        "my question is fixed, how do I close it": "marking-solved",
        "how do I stop the bot pinging me to answer questions": "nudges-opt-out",
        "can I see the top helpers this week?": "leaderboard",
        "please delete everything you store about me": "privacy-forget",
        "how do I switch the bot to French": "language",
        "can I offer points to get a faster answer?": "bounty",
        "why did I lose 10 points": "points-went-down",
        "the bot suggested an article that is wrong": "wrong-suggestion",
        "how do I make a backup of the database": "backups",
        "what happens if nobody answers my question": "escalation",
    }
    async with console_community(
        warm_db, embedder=real_embedder, knowledge_dir=project_dir("knowledge")
    ) as driver:
        kb = driver.app.knowledge
        correct = {}
        for mode in ("dense", "bm25", "hybrid"):
            hits = [await kb.search(q, "en", limit=1, mode=mode) for q in paraphrases]
            correct[mode] = sum(
                h[0].article.slug == slug
                for h, slug in zip(hits, paraphrases.values(), strict=True)
            )
    assert correct["hybrid"] >= correct["dense"]
    assert correct["hybrid"] > correct["bm25"]
    assert correct["hybrid"] >= 9


def test_questions_embed_like_articles(torch_embedder: SentenceEmbedder) -> None:
    """On torch, questions may run on a faster bfloat16 copy: unit vectors, nearly the same
    directions as the float32 model that embeds articles."""
    questions = [f"how do I reset my reputation number {n} after a ban" for n in range(20)]
    burst = torch_embedder.encode_queries(questions)
    alone = torch_embedder.encode(questions)
    assert burst.shape == alone.shape
    assert burst.dtype == np.float32
    assert np.allclose(np.linalg.norm(burst, axis=1), 1.0, atol=1e-5)
    assert float((burst * alone).sum(axis=1).min()) > 0.99
