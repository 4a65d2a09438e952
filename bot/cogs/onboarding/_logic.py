"""Choosing the open question a new helper is most likely to answer."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.retrieval.text import tokenize

MIN_SIMILARITY = 0.35  # cosine of the open question to the centre of what they answered
MIN_OVERLAP = 0.15  # without the model: share of shared index terms (Jaccard)


def best_match(
    helped: Sequence[str], candidates: Sequence[str], vectors: np.ndarray | None, language: str
) -> int | None:
    """Index of the candidate closest to the questions someone helped on, if close enough.

    `vectors` holds the embeddings of `helped` then `candidates` (None: lexical only).
    """
    if not helped or not candidates:
        return None
    if vectors is not None:
        centre = vectors[: len(helped)].mean(axis=0)
        centre = centre / max(float(np.linalg.norm(centre)), 1e-9)
        scores = vectors[len(helped) :] @ centre
        best = int(np.argmax(scores))
        return best if float(scores[best]) >= MIN_SIMILARITY else None
    known = {term for text in helped for term in tokenize(text, language)}
    overlaps = []
    for text in candidates:
        terms = set(tokenize(text, language))
        union = known | terms
        overlaps.append(len(known & terms) / len(union) if union else 0.0)
    best = int(np.argmax(overlaps))
    return best if overlaps[best] >= MIN_OVERLAP else None
