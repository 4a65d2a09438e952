"""The suggestion gate, calibrated per language and model.

A cosine means different things in different languages: the English-trained model scores
any French text against French articles about 0.2 higher whatever the topic (off-topic
median 0.51 in French, 0.33 in English), so one fixed 0.6 answered French off-topic
questions with confident wrong articles. Instead, each language's threshold is set from
what a shipped set of off-topic member questions (calibration/offtopic.<lang>.txt) scores
against this knowledge base with this model: at most 5% of them would get a suggestion.
It is computed when the model or the articles change and stored beside the vector cache.
An admin's `suggest_min_similarity` overrides it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np

from bot.core.ports import Clock, Embedder
from bot.retrieval import fusion
from bot.retrieval.index import HybridIndex
from bot.retrieval.searching import Snapshot
from bot.storage import gate_calibration
from bot.storage.gate_calibration import Gate
from bot.storage.store import Store

log = logging.getLogger(__name__)

SHOWN_AT_MOST = 0.05  # share of the off-topic questions the gate may let through
# Whatever the questions score, the gate stays within these: a tiny or odd knowledge base
# must neither open the gate to everything nor close it for good.
LOWEST, HIGHEST = 0.45, 0.85
FALLBACK = 0.6  # no model, or no question set for the language


@cache
def offtopic_questions(language: str) -> tuple[str, ...]:
    """The shipped off-topic questions of a language (none if there is no set)."""
    folder = resources.files("bot.retrieval").joinpath("calibration")
    path = folder.joinpath(f"offtopic.{language}.txt")
    if not path.is_file():
        return ()
    lines = path.read_text("utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def threshold(scores: Sequence[float]) -> tuple[float, int]:
    """The lowest confidence at which at most SHOWN_AT_MOST of `scores` pass (a score
    passes when it is at or above it), within LOWEST..HIGHEST; and how many pass."""
    ranked = sorted(scores, reverse=True)
    allowed = math.floor(SHOWN_AT_MOST * len(ranked))
    value = ranked[allowed] + 1e-4 if allowed < len(ranked) else LOWEST
    value = round(min(HIGHEST, max(LOWEST, value)), 4)
    return value, sum(s >= value for s in ranked)


def signature(model: str, language: str, vector_keys: Sequence[str]) -> str:
    """Changes with the model, the articles searched in the language, or the question set."""
    weight = fusion.COVERAGE_IN_CONFIDENCE.get(language, 0.0)
    digest = hashlib.sha256(f"{model}\x00{language}\x00{SHOWN_AT_MOST}\x00{weight}".encode())
    for question in offtopic_questions(language):
        digest.update(question.encode() + b"\x00")
    for key in sorted(vector_keys):
        digest.update(key.encode() + b"\x01")
    return digest.hexdigest()


def calibrate(
    index: HybridIndex, pool: np.ndarray, embedder: Embedder, language: str
) -> Gate | None:
    """Score the language's off-topic questions as the bot would (top-ranked article's
    confidence) and set the threshold; None without a question set or articles."""
    questions = offtopic_questions(language)
    if not questions or pool.size == 0 or index.dense is None:
        return None
    vectors = embedder.encode_queries(list(questions))
    scores = []
    for question, vector in zip(questions, vectors, strict=True):
        top = index.rank(question, vector[None, :], language=language, candidates=pool, limit=1)
        if top and top[0].dense is not None:
            scores.append(fusion.confidence(top[0].dense, top[0].coverage, language))
    if not scores:
        return None
    value, shown = threshold(scores)
    return Gate(language, value, len(scores), shown)


async def calibrated(
    db: Store,
    clock: Clock,
    embedder: Embedder | None,
    snapshot: Snapshot,
) -> dict[str, float]:
    """Each language's gate for this snapshot: from the database when the model, articles
    and questions are the same as when it was computed, else computed now and stored."""
    index = snapshot.index
    if embedder is None or index is None or index.dense is None:
        return {}
    gates: dict[str, float] = {}
    hashes = [article.content_hash(embedder.name) for article in snapshot.articles]
    for language, pool in snapshot.by_language.items():
        key = signature(embedder.name, language, [hashes[i] for i in pool])
        async with db.read() as conn:
            found = await gate_calibration.load(conn, key)
        if found is None:
            found = await asyncio.to_thread(calibrate, index, pool, embedder, language)
            if found is None:
                continue
            async with db.transaction() as tx:
                await gate_calibration.store(tx, key, found, clock.now())
            log.info(
                "knowledge base: %s suggestions need %.3f (%d of %d off-topic questions pass)",
                language,
                found.threshold,
                found.shown,
                found.questions,
            )
        gates[language] = found.threshold
    return gates
