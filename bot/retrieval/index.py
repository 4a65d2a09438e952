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
        self, documents: Sequence[Document], vectors: Sequence[np.ndarray] | None, dim: int = 0
    ) -> None:
        self.documents = list(documents)
        self.bm25 = Bm25Index([tokenize(d.lexical_text, d.language) for d in self.documents])
        self.dense = DenseIndex(vectors, dim) if vectors is not None else None

    @property
    def has_dense(self) -> bool:
        """Whether dense vectors are available (the model loaded)."""
        return self.dense is not None

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
    ) -> list[Scored]:
        """The best `limit` documents, optionally only among `candidates` (re-ranking).

        `query_vectors` holds one row per query view (see text.query_views); a document's
        dense score is the mean over views of its best cosine. `boosts` (one per document,
        in z-score units) are added after fusion: what feedback taught.
        """
        pool = np.arange(len(self.documents)) if candidates is None else np.asarray(candidates)
        if pool.size == 0:
            return []
        tokens = tokenize(query, language)
        lexical = self.bm25.scores(tokens)[pool]
        dense = None
        if self.dense is not None and query_vectors is not None and mode != "bm25":
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
        order = np.argsort(-fused, kind="stable")[:limit]
        return [
            Scored(
                index=int(pool[j]),
                score=float(fused[j]),
                dense=None if dense is None else float(dense[j]),
                coverage=self.bm25.coverage(tokens, int(pool[j])),
            )
            for j in order
        ]
