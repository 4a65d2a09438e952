"""How dense and lexical evidence combine into one ranking, and when the bot may speak.

Ranking: z-score fusion. Within the documents being ranked, the dense score and the BM25
score are each standardised (minus mean, over standard deviation) and added, BM25 weighted
0.3. Measured on SemEval-2016 re-ranking, this beat a weighted sum of raw scores and
reciprocal rank fusion (figures in bench/README.md).

Confidence (whether to suggest at all) needs figures that mean the same for every query,
which ranks and z-scores don't: the dense cosine when the model is loaded, otherwise the
share of the query that BM25 finds in the article (coverage).
"""

from __future__ import annotations

import numpy as np

LEXICAL_WEIGHT = 0.3
# How much of the share of the question's words found in the article adds to the cosine in
# the confidence the gate reads. French only: the English-trained model scores any French
# text ~0.2 higher whatever the topic, so there the words tell on-topic from off-topic
# better. Chosen on the held-out set (tests/fixtures/paraphrases_dev.jsonl, 40 questions),
# at the same off-topic calibration: French right-first suggestions 11 -> 16 of 40 at 0.2
# and 0.3 alike; English 15 -> 14, so English keeps the cosine alone (bench/README.md).
COVERAGE_IN_CONFIDENCE = {"fr": 0.2}


def standardise(scores: np.ndarray) -> np.ndarray:
    """(x - mean) / std; all zeros when the scores don't vary."""
    spread = float(scores.std()) if scores.size else 0.0
    if spread == 0.0:
        return np.zeros_like(scores, dtype=np.float32)
    result: np.ndarray = ((scores - scores.mean()) / spread).astype(np.float32)
    return result


def zscore(
    dense: np.ndarray | None, lexical: np.ndarray, lexical_weight: float = LEXICAL_WEIGHT
) -> np.ndarray:
    """Fused scores for one query over the same documents (lexical only without dense)."""
    if dense is None:
        return standardise(lexical)
    return standardise(dense) + lexical_weight * standardise(lexical)


def confidence(dense: float | None, coverage: float, language: str) -> float:
    """How sure a hit is, on one scale per language and model: the dense cosine (plus, in
    French, a share of the words found); the coverage alone when there is no model."""
    if dense is None:
        return coverage
    return dense + COVERAGE_IN_CONFIDENCE.get(language, 0.0) * coverage
