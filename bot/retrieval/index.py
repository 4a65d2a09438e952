"""The hybrid index: BM25 and dense scores over the same documents, fused for ranking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bot.retrieval import fusion
from bot.retrieval.bm25 import Bm25Index
from bot.retrieval.dense import DenseIndex
from bot.retrieval.text import tokenize

Mode = Literal["dense", "bm25", "hybrid"]


@dataclass(frozen=True)
class Document:
    """What the index needs of a document: its lexical text and the texts to embed."""

    id: str
    lexical_text: str
    dense_texts: tuple[str, ...]
    language: str = "en"


@dataclass(frozen=True)
class Scored:
    """One ranked document with the evidence behind its place."""

    index: int
    score: float
    dense: float | None
    coverage: float


class HybridIndex:
    """Ranks documents for a query by dense cosine, BM25, or both fused."""

    def __init__(
        self,
        documents: Sequence[Document],
        vectors: Sequence[np.ndarray] | None,
        dim: int = 0,
        tokens: Sequence[list[str]] | None = None,
        *,
        calibrate: bool = True,
    ) -> None:
        self.documents = list(documents)
        if tokens is None:
            tokens = [tokenize(d.lexical_text, d.language) for d in self.documents]
        self.bm25 = Bm25Index(tokens)
        self.dense = DenseIndex(vectors, dim) if vectors is not None else None
        # Off for indexes rebuilt often (the history of solved threads): the measurement
        # costs more than it saves there.
        if self.dense is not None and calibrate:
            self.dense.calibrate()

    def rank(
        self,
        query: str,
        query_vectors: np.ndarray | None,
        *,
        mode: Mode = "hybrid",
        language: str = "en",
        candidates: Sequence[int] | np.ndarray | None = None,
        limit: int = 10,
        boosts: np.ndarray | None = None,
        lexical_weight: float = fusion.LEXICAL_WEIGHT,
        dense_scores: np.ndarray | None = None,
    ) -> list[Scored]:
        """The best `limit` documents, optionally only among `candidates` (re-ranking).

        `query_vectors` holds one row per query view (see text.query_views); a document's
        dense score is the mean over views of its best cosine. `boosts` (one per document,
        in z-score units) are added after fusion: what feedback taught. `dense_scores`
        (one per document) replaces `query_vectors` when a batch was scored at once. The
        returned documents' dense scores are recomputed in float32 from `query_vectors`
        (ranking may have used bfloat16, see dense.py).
        """
        pool = np.arange(len(self.documents)) if candidates is None else np.asarray(candidates)
        if pool.size == 0:
            return []
        tokens = tokenize(query, language)
        lexical = self.bm25.scores(tokens)[pool]
        dense = None
        if mode != "bm25" and dense_scores is not None:
            dense = dense_scores[pool]
        elif self.dense is not None and query_vectors is not None and mode != "bm25":
            views = np.atleast_2d(query_vectors)
            dense = self.dense.scores_many(views).mean(axis=0)[pool]
        if mode == "dense" and dense is not None:
            fused = dense.copy()
        elif mode == "bm25" or dense is None:
            fused = fusion.zscore(None, lexical)
        else:
            fused = fusion.zscore(dense, lexical, lexical_weight)
        if boosts is not None:
            fused = fused + boosts[pool]
        order = top(fused, limit)
        return [
            Scored(
                index=int(pool[j]),
                score=float(fused[j]),
                dense=self._dense_of(dense, j, int(pool[j]), query_vectors),
                coverage=self.bm25.coverage(tokens, int(pool[j])),
            )
            for j in order
        ]

    def _dense_of(
        self,
        dense: np.ndarray | None,
        at: int,
        document: int,
        query_vectors: np.ndarray | None,
    ) -> float | None:
        if dense is None:
            return None
        if query_vectors is not None and self.dense is not None:
            return self.dense.exact(query_vectors, document)
        return float(dense[at])


def top(scores: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the `limit` highest scores, best first (partial sort: O(n))."""
    if limit <= 0:
        return np.zeros(0, dtype=np.int64)
    if len(scores) > limit:
        best = np.argpartition(-scores, limit - 1)[:limit]
    else:
        best = np.arange(len(scores))
    result: np.ndarray = best[np.argsort(-scores[best], kind="stable")]
    return result
