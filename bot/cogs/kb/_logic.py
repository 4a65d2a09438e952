"""Grouping knowledge gaps into topics (pure)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.retrieval.service import Hit
from bot.retrieval.text import overlap, tokenize
from bot.storage.history import SolvedThread

SAME_TOPIC_COSINE = 0.6
DRAFT_AFTER = 2  # a topic the community solved this many times deserves an article
SAME_TOPIC_OVERLAP = 0.3
# /kb search is asked for, so it lists weaker matches than automatic suggestions would.
MIN_SEARCH_SIMILARITY = 0.35
MIN_SEARCH_COVERAGE = 0.3


def worth_listing(hit: Hit) -> bool:
    """Whether a /kb search result is related enough to show at all."""
    lexical = hit.dense is None
    return hit.confidence >= (MIN_SEARCH_COVERAGE if lexical else MIN_SEARCH_SIMILARITY)


def cluster(texts: Sequence[str], vectors: np.ndarray | None) -> list[list[int]]:
    """Greedy single pass: each text joins the first group whose first member is close
    enough (cosine with vectors, word overlap without), else starts a new group.
    Groups come back largest first, ties by first appearance."""
    groups: list[list[int]] = []
    tokens = [tokenize(t) for t in texts]
    for i in range(len(texts)):
        for group in groups:
            head = group[0]
            if vectors is not None:
                close = float(vectors[i] @ vectors[head]) >= SAME_TOPIC_COSINE
            else:
                close = overlap(tokens[i], tokens[head]) >= SAME_TOPIC_OVERLAP
            if close:
                group.append(i)
                break
        else:
            groups.append([i])
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def draft_from(
    numbers: Sequence[int], solved: dict[int, SolvedThread]
) -> tuple[SolvedThread, int] | None:
    """For one gap topic (its question numbers): the best-rated solved thread to draft an
    article from (accepted first, then most marked, then the latest) and how many of the
    topic's questions the community solved; None below DRAFT_AFTER."""
    threads = [solved[n] for n in numbers if n in solved]
    if len(threads) < DRAFT_AFTER:
        return None
    best = max(threads, key=lambda t: (t.accepted, t.marks, t.number))
    return best, len(threads)
