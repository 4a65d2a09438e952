"""Ranking metrics as the SemEval-2016 Task 3 scorer defines them (MAP over the top 10)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def average_precision(ranked: Sequence[str], relevant: set[str], cutoff: int = 10) -> float:
    """AP over the top `cutoff`, divided by min(|relevant|, cutoff); 0 when nothing is relevant."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for rank, doc in enumerate(ranked[:cutoff], start=1):
        if doc in relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), cutoff)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    """1 / rank of the first relevant document (0 if none is ranked)."""
    for rank, doc in enumerate(ranked, start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def precision_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the top k that is relevant."""
    return sum(doc in relevant for doc in ranked[:k]) / k


def recall_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the relevant documents found in the top k (0 when none is relevant)."""
    if not relevant:
        return 0.0
    return sum(doc in relevant for doc in ranked[:k]) / len(relevant)


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Binary-gain nDCG@k."""
    dcg = sum(1 / math.log2(i + 2) for i, doc in enumerate(ranked[:k]) if doc in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def per_query_ap(runs: Sequence[tuple[Sequence[str], set[str]]]) -> list[float]:
    """AP (0–1) of every (ranking, relevant) pair, in order: what a paired bootstrap pairs."""
    return [average_precision(r, rel) for r, rel in runs]


def summarise(runs: Sequence[tuple[Sequence[str], set[str]]]) -> dict[str, float]:
    """Mean of every metric over (ranking, relevant) pairs; MAP on a 0–100 scale."""
    n = len(runs)
    if n == 0:
        return {
            "MAP": 0.0,
            "MRR": 0.0,
            "P@1": 0.0,
            "P@5": 0.0,
            "R@10": 0.0,
            "nDCG@10": 0.0,
            "queries": 0,
        }

    def mean(values: Sequence[float]) -> float:
        return sum(values) / n

    return {
        "MAP": round(100 * mean(per_query_ap(runs)), 2),
        "MRR": round(mean([reciprocal_rank(r, rel) for r, rel in runs]), 4),
        "P@1": round(mean([precision_at(r, rel, 1) for r, rel in runs]), 4),
        "P@5": round(mean([precision_at(r, rel, 5) for r, rel in runs]), 4),
        "R@10": round(mean([recall_at(r, rel, 10) for r, rel in runs]), 4),
        "nDCG@10": round(mean([ndcg_at(r, rel, 10) for r, rel in runs]), 4),
        "queries": n,
    }
