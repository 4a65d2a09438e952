"""Pure rules: which hits are confident enough, and what past feedback teaches.

Feedback works on phrasings. A verdict counts for a new question when the two phrasings are
close (cosine ≥ 0.75 with the model, word overlap ≥ 0.5 without). An article confirmed
("This solved it") for a close phrasing gains +0.15 confidence; an article rejected ("Not
helpful") for close phrasings at least twice loses 0.3. The retrieval service turns the same
adjustment into a ranking boost, so confirmed articles rise and rejected ones sink.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

import numpy as np

from bot.retrieval.gate import FALLBACK
from bot.retrieval.service import Hit
from bot.retrieval.text import overlap, tokenize
from bot.settings import CommunityDefaults
from bot.storage.knowledge import Feedback

CLOSE_COSINE = 0.75
CLOSE_OVERLAP = 0.5
CONFIRM_BONUS = 0.15
REJECT_PENALTY = 0.3
REJECTIONS_TO_DEMOTE = 2
# After the first result, the next ones are shown while within this much of its confidence.
CLEAR_DROP = 0.1


def is_close(vector: np.ndarray | None, tokens: Sequence[str], feedback: Feedback) -> bool:
    """Whether a past verdict was given for a phrasing close to this one."""
    past = feedback.query_vector
    if vector is not None and past is not None and past.shape == vector.shape:
        return float(vector @ past) >= CLOSE_COSINE
    return overlap(tokens, tokenize(feedback.query_text)) >= CLOSE_OVERLAP


def adjustments(
    feedback: Sequence[Feedback], vector: np.ndarray | None, text: str
) -> dict[str, float]:
    """Confidence adjustment per article key, from verdicts on close phrasings."""
    tokens = tokenize(text)
    confirmed: set[str] = set()
    rejected: Counter[str] = Counter()
    for item in feedback:
        if not is_close(vector, tokens, item):
            continue
        if item.verdict > 0:
            confirmed.add(item.article)
        else:
            rejected[item.article] += 1
    result: dict[str, float] = {}
    for article in confirmed | set(rejected):
        value = CONFIRM_BONUS if article in confirmed else 0.0
        if rejected[article] >= REJECTIONS_TO_DEMOTE:
            value -= REJECT_PENALTY
        result[article] = value
    return result


def confident(
    hits: Sequence[Hit], config: CommunityDefaults, calibrated: float | None = None
) -> list[Hit]:
    """The articles worth showing, in rank order (see `in_rank_order`): held to the admin's
    suggest_min_similarity if set, else to the gate calibrated for the language (FALLBACK
    when there is none); a hit ranked without the model to the coverage threshold."""
    similarity = config.suggest_min_similarity
    if similarity is None:
        similarity = calibrated if calibrated is not None else FALLBACK

    def floor(hit: Hit) -> float:
        if hit.dense is None:
            return config.suggest_min_coverage
        return similarity

    return in_rank_order(hits, floor, config.suggest_max)


class Ranked(Protocol):
    """A ranked result with the confidence the gate reads (an article or a thread hit)."""

    @property
    def confidence(self) -> float: ...


R = TypeVar("R", bound=Ranked)


def in_rank_order(hits: Sequence[R], floor: Callable[[R], float], most: int) -> list[R]:
    """The gate decides on the first result whether anything is shown; then the next ones
    follow in rank order until the first clear drop in confidence from the first (never a
    lower-ranked result shown while a higher one is hidden), at most `most`."""
    if not hits or hits[0].confidence < floor(hits[0]):
        return []
    top = hits[0].confidence
    shown = [hits[0]]
    for hit in hits[1:most]:
        if hit.confidence < top - CLEAR_DROP:
            break
        shown.append(hit)
    return shown
